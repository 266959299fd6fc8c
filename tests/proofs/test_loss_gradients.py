"""The 6.2 derivations: published, proved symbolically, and starting where the page says."""

from __future__ import annotations

import pytest

from nnnotes.proofs import loss_gradients, sigmoid, softmax

#: Where each derivation of the 6.2 page lives.
MODULES = {
    "sigmoid_bce_gradient": loss_gradients,
    "softmax_ce_loss": loss_gradients,
    "softmax_ce_gradient": loss_gradients,
    "squared_error_gradient": loss_gradients,
    "two_class_softmax": softmax,
    "softmax_ratio": softmax,
    "softmax_sums_to_one": softmax,
    "sigmoid_below_one": sigmoid,
    "sigmoid_above_zero": sigmoid,
}


@pytest.mark.parametrize("name", list(MODULES))
def test_derivations_are_published(name: str) -> None:
    """Each derivation of the 6.2 page is registered, so the mutation test covers it."""
    from nnnotes.check.published import is_published

    factory = getattr(MODULES[name], name)
    assert is_published(factory)
    assert factory().verify().name.startswith("6-2-")


def test_sigmoid_bounds_conclude_at_zero_and_one() -> None:
    """The published bounds are 0 < sigma(z) < 1, not a weaker pair such as -1 < sigma(z) < 2."""
    below, above = sigmoid.sigmoid_below_one().verify(), sigmoid.sigmoid_above_zero().verify()
    assert below.steps[-1].expr == 1 and below.steps[-1].relation == "<"
    assert above.steps[-1].expr == 0 and above.steps[-1].relation == ">"


def test_softmax_ratio_starts_from_the_ratio_of_probabilities() -> None:
    """The start shows p_1 / p_2 with the normaliser still in it; the page cancels it in a step."""
    import sympy

    d = softmax.softmax_ratio()
    z1, z2, z3 = sympy.symbols("z_1 z_2 z_3", real=True)
    S = sympy.exp(z1) + sympy.exp(z2) + sympy.exp(z3)
    assert S in set(sympy.preorder_traversal(d.start))
    assert sympy.simplify(d.start - sympy.exp(z1 - z2)) == 0
    assert S not in set(sympy.preorder_traversal(d.steps[0].expr))


@pytest.mark.parametrize("name", list(MODULES))
def test_derivations_are_proved_symbolically(name: str) -> None:
    """Every step of the 6.2 derivations is proved by sympy (an S on the page), none only sampled."""
    d = getattr(MODULES[name], name)().verify()
    assert [s.method for s in d.steps] == ["symbolic"] * len(d.steps)


def test_softmax_ratio_is_printed_as_a_quotient() -> None:
    """The start is p_1 / p_2 kept as a quotient of the two fractions; step 1 is e^{z_1} / e^{z_2}."""
    import sympy

    z1, z2, z3 = sympy.symbols("z_1 z_2 z_3", real=True)
    S = sympy.exp(z1) + sympy.exp(z2) + sympy.exp(z3)
    p1, p2 = sympy.exp(z1) / S, sympy.exp(z2) / S
    d = softmax.softmax_ratio()
    assert d.start == sympy.Mul(p1, sympy.Pow(p2, -1, evaluate=False), evaluate=False)
    assert d.steps[0].expr == sympy.Mul(
        sympy.exp(z1), sympy.Pow(sympy.exp(z2), -1, evaluate=False), evaluate=False
    )
