"""The derivations about the quadratic model are true (sympy)."""

from __future__ import annotations

from nnnotes.proofs import quadratic as quadratic_proofs


def test_published_derivations_verify() -> None:
    """Every derivation of the module is true (sympy)."""
    for name in [
        "quadratic_gradient",
        "newton_step_quadratic",
        "gradient_descent_error",
        "learning_rate_threshold",
        "learning_rate_above_threshold",
        "descent_lemma_tight",
        "newton_step_critical",
        "newton_step_saddle",
        "saddle_free_step",
    ]:
        assert getattr(quadratic_proofs, name)().verify().verified
