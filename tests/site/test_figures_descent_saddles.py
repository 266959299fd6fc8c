"""Figures of chapters 6.5 and 6.7: inspected as Figure objects (lines, data, labels)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes.experiments.curvature import escape_paths, escape_times, saddle_runs
from nnnotes.experiments.quadratic import quadratic_paths, threshold_runs
from nnnotes.figures import descent, saddles


def _line(ax, label):
    """The line of an Axes with the given legend label."""
    return next(li for li in ax.get_lines() if li.get_label() == label)


def test_quadratic_trajectories_newton_one_step() -> None:
    """Each panel's Newton line has two points and ends on the minimum (0, 0)."""
    fig = descent.quadratic_trajectories_figure(quadratic_paths())
    assert "Newton" in fig.get_label() and len(fig.axes) == 3
    for ax, kappa in zip(fig.axes, (1.0, 10.0, 100.0), strict=True):
        x, y = _line(ax, "Newton").get_data()
        assert len(x) == 2
        assert_allclose([x[0], y[0]], [-2.0, 2 * math.sqrt(kappa)], rtol=1e-15)
        assert_allclose([x[-1], y[-1]], [0.0, 0.0], atol=1e-12)
        assert ax.get_title() == rf"$\kappa = {kappa:g}$"


def test_quadratic_trajectories_gd_identity_one_step() -> None:
    """For kappa = 1 and eta = 1 gradient descent is at the minimum after one step (all later too)."""
    ax = descent.quadratic_trajectories_figure(quadratic_paths()).axes[0]
    x, y = _line(ax, r"GD $\eta = 1$").get_data()
    assert_allclose(np.c_[x[1:], y[1:]], 0.0, atol=1e-15)


def test_threshold_figure_slopes() -> None:
    """Each curve is |1 - 2 f|^k (hand derivation), one per factor: below, at and above 1."""
    fig = descent.threshold_figure(threshold_runs())
    lines = fig.axes[0].get_lines()
    assert len(lines) == 5
    for line, fac in zip(lines, (0.9, 0.99, 1.0, 1.01, 1.1), strict=True):
        k, v = line.get_data()
        assert_allclose(k, np.arange(201))
        assert_allclose(v, abs(1 - 2 * fac) ** k, rtol=1e-9)


def test_saddle_figure_end_points() -> None:
    """Newton's line ends on the saddle, saddle-free Newton's on the minimum (0, 1)."""
    ax = saddles.saddle_figure(saddle_runs()).axes[0]
    assert_allclose(np.array(_line(ax, "Newton").get_data())[:, -1], [0.0, 0.0], atol=1e-12)
    assert_allclose(np.array(_line(ax, "saddle-free Newton").get_data())[:, -1], [0.0, 1.0], atol=1e-12)
    assert ax.get_xlabel() == "$x$" and ax.get_ylabel() == "$y$"


def test_escape_figure_points_match_formula() -> None:
    """Right panel: run points are the exact escape steps; the line is ln(1000)/(0.5 eps)."""
    fig = saddles.escape_figure(escape_times(), escape_paths())
    right = fig.axes[1]
    eps, steps = _line(right, "run").get_data()
    assert list(steps) == [18, 50, 142, 464, 1386, 4609, 13819]
    _, approx = _line(right, r"$\ln(R/\delta)/(\eta\varepsilon)$").get_data()
    assert_allclose(approx, math.log(1000) / (0.5 * np.asarray(eps)), rtol=1e-14)
    for line in fig.axes[0].get_lines()[:3]:
        assert len(line.get_xdata()) <= 300  # thinned for a light SVG


def test_escape_paths_are_the_runs_of_the_escape_times() -> None:
    """Each path starts at delta, grows by 1 + lr eps per step (by hand) and first reaches R at its end."""
    for path, eps in zip(escape_paths(), (0.1, 0.01, 0.001), strict=True):
        d = path.distances
        assert path.eps == eps and d[0] == 1e-3
        assert_allclose(d[1:] / d[:-1], 1 + 0.5 * eps, rtol=1e-12)
        assert d[-1] >= 1.0 > d[-2]
        assert len(d) - 1 == next(r.run for r in escape_times() if r.eps == eps)


def _critical_points():
    from nnnotes.experiments.critical_points import linear_autoencoder_critical_points, tanh_critical_points

    return linear_autoencoder_critical_points(), tanh_critical_points(starts=8)


def test_index_error_figure() -> None:
    """20 critical points; the star (global minimum) sits at index 0 and loss 1.75."""
    ax = saddles.index_error_figure(*_critical_points()).axes[0]
    x, y = _line(ax, "critical points").get_data()
    assert len(x) == 20
    sx, sy = _line(ax, "global minimum").get_data()
    assert list(sx) == [0.0] and list(sy) == [1.75]


def test_index_error_figure_titles_count_the_parameters() -> None:
    """The titles give 2 * 3 * 6 = 36 autoencoder parameters and 2*4 + 4 + 4 + 1 = 17 tanh ones."""
    left, right = saddles.index_error_figure(*_critical_points()).axes
    assert left.get_title() == "linear autoencoder, 36 parameters"
    assert right.get_title() == "tanh network, 17 parameters"


def test_index_error_figure_draws_what_it_is_given_and_refuses_nothing() -> None:
    """The right panel's points are the tanh points passed in; an empty list is refused by name."""
    rows, tanh_rows = _critical_points()
    right = saddles.index_error_figure(rows, tanh_rows[:2]).axes[1]
    x, y = _line(right, "critical points").get_data()
    assert list(x) == [p.index for p in tanh_rows[:2]] and list(y) == [p.loss for p in tanh_rows[:2]]
    with pytest.raises(ValueError, match="tanh_rows: expected at least one"):
        saddles.index_error_figure(rows, [])
    with pytest.raises(ValueError, match="rows: expected at least one"):
        saddles.index_error_figure([], tanh_rows)


def test_saddle_figure_draws_the_runs_it_is_given() -> None:
    """Each method's line is the trajectory of the SaddleRuns passed in, labelled as on the page."""
    from nnnotes.experiments.curvature import saddle_runs

    runs = saddle_runs()
    ax = saddles.saddle_figure(runs).axes[0]
    x, y = _line(ax, "gradient descent").get_data()
    assert_allclose(np.c_[x, y], runs.gradient_descent, rtol=0)
