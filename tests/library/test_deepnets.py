"""Gradients through depth and the float64 zero thresholds; the chapter's figures."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes import deepnets
from nnnotes.experiments.vanishing_gradients import gradient_rows
from nnnotes.figures.activations import activation_curves, gradient_depth_plot


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu"])
def test_backprop_matches_central_differences(activation: str) -> None:
    """dL/dW_l from backprop equals a central difference of the read-out loss, entry by entry."""
    depth, width, batch, seed = 4, 5, 3, 1
    _, grads = deepnets.backprop(activation, depth, width, batch, seed=seed)
    net = deepnets.initial_network(depth, width, batch, "glorot", seed)
    Ws, x, v = net.weights, net.inputs, net.readout
    h = 1e-6
    for ell, (i, j) in [(0, (0, 1)), (2, (3, 2)), (3, (4, 4))]:
        plus = [W.copy() for W in Ws]
        minus = [W.copy() for W in Ws]
        plus[ell][i, j] += h
        minus[ell][i, j] -= h
        loss = deepnets.readout_loss
        fd = (loss(plus, x, v, activation) - loss(minus, x, v, activation)) / (2 * h)
        assert_allclose(grads[ell][i, j], fd, rtol=1e-6, atol=1e-9)


def test_every_activation_starts_from_the_same_network() -> None:
    """The promise of the seed: backprop's last-layer delta is v * f'(a_L) of one network for all f.

    a_L is computed here from `initial_network` with the activation's own forward pass, so a
    network that depended on the activation (or a seed drawn after it) would not match.
    """
    depth, width, batch, seed = 3, 4, 5, 7
    net = deepnets.initial_network(depth, width, batch, seed=seed)
    for name, (f, df) in deepnets.ACTIVATIONS.items():
        h = net.inputs
        for W in net.weights[:-1]:
            h = f(h @ W.T)
        deltas, _ = deepnets.backprop(name, depth, width, batch, seed=seed)
        assert_allclose(deltas[-1], net.readout * df(h @ net.weights[-1].T), rtol=1e-15, atol=0)
    other = deepnets.initial_network(depth, width, batch, seed=seed + 1)
    assert not np.allclose(other.inputs, net.inputs)  # the seed matters


def test_sigmoid_gradient_shrinks_towards_the_input() -> None:
    """With sigmoid units the gradient norm decreases at every step back towards the input."""
    g = deepnets.gradient_norms("sigmoid", depth=10, width=16, batch=8, seed=2)
    assert np.all(g[:-1] < g[1:])


def test_bad_arguments() -> None:
    """Unknown activation, init or a non-positive depth are refused."""
    with pytest.raises(ValueError, match="activation"):
        deepnets.gradient_norms("softplus")
    with pytest.raises(ValueError, match="init"):
        deepnets.gradient_norms("relu", init="zeros")
    with pytest.raises(ValueError, match="depth"):
        deepnets.gradient_norms("relu", depth=0)


def test_readout_loss_names_a_bad_argument() -> None:
    """readout_loss refuses an unknown activation, a complex layer and a read-out of the wrong shape."""
    x, v = np.ones((1, 2)), np.ones((1, 2))
    with pytest.raises(ValueError, match=r"activation must be one of .*, got 'softplus'"):
        deepnets.readout_loss([np.eye(2)], x, v, "softplus")
    with pytest.raises(TypeError, match=r"Ws\[1\] must hold real numbers"):
        deepnets.readout_loss([np.eye(2), 1j * np.eye(2)], x, v, "tanh")
    with pytest.raises(ValueError, match=r"v must have the output's shape \(1, 3\), got \(1, 2\)"):
        deepnets.readout_loss([np.ones((3, 2))], x, v, "tanh")
    assert deepnets.readout_loss([np.ones((3, 2))], x, np.ones((1, 3)), "relu") == 6.0


def test_activation_figure() -> None:
    """Eight curves (four functions, four derivatives), sigmoid' peaking at 1/4, with a text alternative."""
    fig = activation_curves()
    ax, bx = fig.axes
    assert len(ax.get_lines()) == 4
    sig_d = bx.get_lines()[0].get_ydata()
    assert_allclose(np.max(sig_d), 0.25, rtol=1e-3)
    assert "sigmoid" in fig.get_label()


@pytest.mark.parametrize("alpha", [0.1, 0.01, 0.3])
def test_activation_figure_alt_text_matches_its_alpha(alpha) -> None:
    """The alt text names the alpha the Leaky ReLU curve is drawn with (it once said 0.01 for 0.1)."""
    fig = activation_curves(alpha=alpha)
    leaky = fig.axes[0].get_lines()[3]
    assert_allclose(leaky.get_ydata()[0], -5.0 * alpha, rtol=1e-15)  # x = -5
    assert f"{alpha:g}x" in fig.get_label() and f"α = {alpha:g}" in leaky.get_label()
    others = {0.1, 0.01, 0.3} - {alpha}
    assert not any(f"(or {a:g}x)" in fig.get_label() for a in others)


def test_depth_figure() -> None:
    """One line per setup, on a log scale, with the data of gradient_norms."""
    fig = gradient_depth_plot(gradient_rows(depth=30))
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and len(ax.get_lines()) == len(deepnets.SETUPS)
    assert_allclose(ax.get_lines()[0].get_ydata(), deepnets.gradient_norms("sigmoid", depth=30), rtol=0)
    label = fig.get_label()
    g = deepnets.gradient_norms("sigmoid", depth=30)
    assert f"sigmoid with glorot weights {np.log10(g[-1] / g[0]):.1f}" in label


def test_documented_defaults() -> None:
    """The defaults are depth 30, width 64, batch 64, Glorot weights and seed 0, in all three functions."""
    net = deepnets.initial_network()
    explicit = deepnets.initial_network(30, 64, 64, "glorot", 0)
    assert len(net.weights) == 30 and all(W.shape == (64, 64) for W in net.weights)
    assert net.inputs.shape == (64, 64) and net.readout.shape == (64, 64)
    assert np.array_equal(net.inputs, explicit.inputs) and np.array_equal(net.readout, explicit.readout)
    deltas, grads = deepnets.backprop("tanh")
    deltas2, _ = deepnets.backprop("tanh", 30, 64, 64, "glorot", 0)
    assert len(deltas) == len(grads) == 30
    assert all(d.shape == (64, 64) for d in deltas) and all(g.shape == (64, 64) for g in grads)
    assert all(np.array_equal(a, b) for a, b in zip(deltas, deltas2, strict=True))
    g = deepnets.gradient_norms("tanh")
    assert g.shape == (30,)
    assert np.array_equal(g, deepnets.gradient_norms("tanh", 30, 64, 64, "glorot", 0))


@pytest.mark.parametrize(("init", "variance"), [("glorot", 1.0), ("he", 2.0)])
def test_weight_variance(init: str, variance: float) -> None:
    """Glorot weights have variance 1/n and He weights 2/n (n = width), within 2 %.

    The sample variance of 204 800 draws has a relative standard error of sqrt(2/204800) = 0.3 %.
    """
    net = deepnets.initial_network(depth=50, width=64, batch=1, init=init, seed=3)
    w = np.concatenate([W.ravel() for W in net.weights])
    assert abs(np.mean(w)) < 3 * np.sqrt(variance / 64 / w.size)
    assert_allclose(np.var(w) * 64, variance, rtol=0.02)


def test_inputs_and_readout_variance() -> None:
    """Inputs are standard normal; the read-out has variance 1/(batch width), batch and width unequal.

    With batch 1024 and width 16 there are 16 384 draws of each: relative standard error 1.1 %.
    """
    net = deepnets.initial_network(depth=1, width=16, batch=1024, seed=4)
    assert_allclose(np.var(net.inputs), 1.0, rtol=0.05)
    assert_allclose(np.var(net.readout) * 1024 * 16, 1.0, rtol=0.05)
