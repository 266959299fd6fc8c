"""The network diagram: one edge per weight with its value, one node per quantity, a text alternative."""

from __future__ import annotations

from collections import Counter

import pytest
import sympy
from matplotlib.text import Annotation

from nnnotes.figures.network import NEGATIVE, POSITIVE, network_diagram, short_value
from nnnotes.mlp import forward
from nnnotes.proofs.exact_forward import exact_forward
from nnnotes.render import figure_to_svg

W1 = [[2, -1], [1, -3], [-2, 5]]
W2 = [[6, 2], [-1, 8]]


@pytest.fixture(scope="module")
def fig():
    """The sheet's network, drawn from its exact forward pass."""
    return network_diagram(exact_forward([3, 1, -1], [W1, W2]))


def _texts(fig):
    return [t for t in fig.axes[0].texts if not isinstance(t, Annotation)]


def test_every_weight_is_written_once(fig) -> None:
    """The ten weights of the two matrices appear as edge labels, no more, no fewer."""
    labels = [t.get_text() for t in _texts(fig) if t.get_gid() == "weight"]
    expected = [str(w) for m in (W1, W2) for row in m for w in row]
    assert Counter(labels) == Counter(expected)


def test_nodes_show_the_values(fig) -> None:
    """Inputs, pre-activations, activations, logits and both probabilities are in the nodes."""
    texts = {t.get_text() for t in _texts(fig)}
    for want in [
        "x₁ = 3",
        "x₂ = 1",
        "x₃ = -1",
        "a₁ = 9\nh₁ = 9",
        "a₂ = -11\nh₂ = 0",
        "o₁ = 54",
        "o₂ = 18",
        "p₁ = 1 − 2.32e-16",
        "p₂ = 2.32e-16",
    ]:
        assert want in texts, want


def test_edges_coloured_by_sign_and_dashed_when_carrying_zero(fig) -> None:
    """Two segments per edge; 4 negative weights in vermillion; h2 = 0 sends dashed edges."""
    arrows = [a.arrow_patch for a in fig.axes[0].texts if isinstance(a, Annotation)]
    edge = [p for p in arrows if p.get_edgecolor()[:3] != (1 / 255, 2 / 255, 3 / 255)]
    assert len(edge) == 2 * 10
    colours = Counter(p.get_edgecolor()[:3] for p in edge)
    from matplotlib.colors import to_rgb

    assert colours[to_rgb(NEGATIVE)] == 2 * 4 and colours[to_rgb(POSITIVE)] == 2 * 6
    dashed = [p for p in edge if p.get_linestyle() != "-"]
    assert len(dashed) == 2 * 2  # the two edges leaving h2 = 0


def test_text_alternative_and_svg(fig) -> None:
    """The label says what the figure shows; the SVG carries it."""
    assert "3 → 2 → 2" in fig.get_label() and "logits 54, 18" in fig.get_label()
    svg = figure_to_svg(fig)
    assert 'aria-label="Diagram of a 3 → 2 → 2 network' in svg


def test_short_value() -> None:
    """Integers verbatim, a probability near 1 as 1 minus its exact gap."""
    assert short_value(sympy.Integer(-11)) == "-11"
    assert short_value(1 / (1 + sympy.exp(-36))) == "1 − 2.32e-16"
    assert short_value(0.9999999999999998) == "1 − 2.22e-16"
    assert short_value(sympy.exp(-36) / (1 + sympy.exp(-36))) == "2.32e-16"


def test_batch_is_rejected() -> None:
    """A diagram shows one input."""
    with pytest.raises(ValueError, match="one input"):
        network_diagram(forward([[3, 1, -1], [0, 0, 0]], [W1, W2]))
