"""Figures of the site: functions that return a `matplotlib.figure.Figure`.

Apart from `nnnotes.render.figure_to_svg`, which imports it when called, this subpackage is the
only part of nnnotes that imports matplotlib. Figures are built without
pyplot's global state, through `new_figure`, which applies the site's theme: text, axes and grid in
the colour `nnnotes.render.INK` (it becomes the page's text colour in the SVG), a transparent
background, and the Okabe-Ito colours `COLORS` for data, which read on light and dark backgrounds.
Each topic has its own module (``nnnotes.figures.activations``, ...); pages turn a figure into SVG
with `nnnotes.render.figure_to_svg`.
"""

from nnnotes.figures._theme import COLORS, new_figure, themed

__all__ = ["COLORS", "new_figure", "themed"]
