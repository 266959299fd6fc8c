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


def _logits_over_k() -> tuple:
    """Independent of the module: z_1..z_K, the indices and the normaliser over k."""
    import sympy

    K, k, i, j = sympy.symbols("K k i j", integer=True, positive=True)
    z = sympy.IndexedBase("z", real=True)
    return z, K, i, j, sympy.Sum(sympy.exp(z[k]), (k, 1, K))


def test_softmax_ratio_starts_from_the_ratio_of_probabilities() -> None:
    """The start shows p_i / p_j with the normaliser (a sum over K) still in it; step 1 cancels it."""
    import sympy

    d = softmax.softmax_ratio()
    z, K, i, j, S = _logits_over_k()
    assert S in set(sympy.preorder_traversal(d.start))
    assert K in d.start.free_symbols  # a symbolic number of classes, not three
    assert S not in set(sympy.preorder_traversal(d.steps[0].expr))
    assert d.steps[-1].expr == sympy.exp(z[i] - z[j])


def test_softmax_sums_to_one_sums_over_a_symbolic_number_of_classes() -> None:
    """The start is the sum over i = 1..K of e^{z_i} / sum_k e^{z_k}, and the end is 1."""
    import sympy

    d = softmax.softmax_sums_to_one()
    z, K, i, j, S = _logits_over_k()
    assert d.start == sympy.Sum(sympy.exp(z[i]) / S, (i, 1, K))
    assert d.steps[-1].expr == 1


@pytest.mark.parametrize("name", list(MODULES))
def test_derivations_are_proved_symbolically(name: str) -> None:
    """Every step of the 6.2 derivations is proved by sympy (an S on the page), none only sampled."""
    d = getattr(MODULES[name], name)().verify()
    assert [s.method for s in d.steps] == ["symbolic"] * len(d.steps)


def test_softmax_ratio_is_printed_as_a_quotient() -> None:
    """The start is p_i / p_j kept as a quotient of the two fractions; step 1 is e^{z_i} / e^{z_j}."""
    import sympy

    z, K, i, j, S = _logits_over_k()
    p_i, p_j = sympy.exp(z[i]) / S, sympy.exp(z[j]) / S
    d = softmax.softmax_ratio()
    assert d.start == sympy.Mul(p_i, sympy.Pow(p_j, -1, evaluate=False), evaluate=False)
    assert d.steps[0].expr == sympy.Mul(
        sympy.exp(z[i]), sympy.Pow(sympy.exp(z[j]), -1, evaluate=False), evaluate=False
    )


def test_softmax_ce_loss_runs_from_the_cross_entropy_to_where_its_gradient_starts() -> None:
    """It starts at -sum_k y_k log p_k over a symbolic K and ends where the gradient starts."""
    import sympy

    z, K, i, j, S = _logits_over_k()
    y = sympy.IndexedBase("y", real=True)
    loss = loss_gradients.softmax_ce_loss()
    cross_entropy = -sympy.Sum(y[j] * sympy.log(sympy.exp(z[j]) / S), (j, 1, K))
    assert K in loss.start.free_symbols  # a symbolic number of classes, not three
    for n in (1, 3):  # the same expression whatever its summation indices are called
        assert loss.start.subs(K, n).doit() == cross_entropy.subs(K, n).doit()
    gradient = loss_gradients.softmax_ce_gradient()
    assert isinstance(gradient.start, sympy.Derivative)
    assert loss.steps[-1].expr == gradient.start.expr
