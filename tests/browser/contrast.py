"""WCAG 2 contrast of text against its effective background, from computed CSS colours.

The browser reports, for a piece of text, its colour (``color``, or ``fill`` for SVG text) with its
alpha, the product of the ``opacity`` of the element and its ancestors, and the background colours
of the element and its ancestors, innermost first. Backgrounds are composited from the canvas
inwards, then the text over them; the contrast ratio is WCAG's
$(L_1 + 0.05) / (L_2 + 0.05)$ on relative luminances.

>>> round(ratio((0, 0, 0), (255, 255, 255)), 2)
21.0
>>> round(ratio((0x76, 0x76, 0x76), (255, 255, 255)), 2)  # the lightest grey passing AA on white
4.54
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["MIN_RATIO", "RGBA", "composite", "effective_background", "luminance", "ratio", "text_ratio"]

#: WCAG 2 level AA for normal text.
MIN_RATIO = 4.5

RGBA = tuple[float, float, float, float]


def luminance(rgb: Sequence[float]) -> float:
    """Relative luminance of an sRGB colour with 0-255 channels (WCAG 2).

    >>> luminance((255, 255, 255)), luminance((0, 0, 0))
    (1.0, 0.0)
    """

    def lin(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(fg: Sequence[float], bg: Sequence[float]) -> float:
    """WCAG contrast ratio of two opaque colours (order does not matter)."""
    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def composite(top: RGBA, bottom: Sequence[float]) -> tuple[float, float, float]:
    """Colour ``top`` (alpha in 0-1) drawn over the opaque colour ``bottom``.

    >>> composite((255, 255, 255, 0.5), (0, 0, 0))
    (127.5, 127.5, 127.5)
    """
    a = top[3]
    return tuple(a * t + (1 - a) * b for t, b in zip(top[:3], bottom[:3], strict=True))


def effective_background(layers: Sequence[RGBA], canvas: Sequence[float] = (255, 255, 255)) -> tuple:
    """The opaque colour seen behind an element, from its backgrounds innermost first.

    >>> effective_background([(0, 0, 0, 0), (0, 0, 255, 0.5), (255, 0, 0, 1)])
    (127.5, 0.0, 127.5)
    """
    colour = tuple(canvas[:3])
    for layer in reversed(layers):
        colour = composite(layer, colour)
    return colour


def text_ratio(fg: RGBA, opacity: float, layers: Sequence[RGBA], canvas: Sequence[float]) -> float:
    """Contrast of text of colour ``fg``, under ``opacity``, over the backgrounds ``layers``.

    >>> slate = (30, 33, 41, 1)
    >>> round(text_ratio((226, 228, 233, 0.82), 1.0, [slate], (255, 255, 255)), 1)  # slate's text
    8.9
    >>> round(text_ratio((0, 0, 0, 1), 1.0, [slate], (255, 255, 255)), 2)  # black text on slate
    1.3
    """
    bg = effective_background(layers, canvas)
    seen = composite((*fg[:3], fg[3] * opacity), bg)
    return ratio(seen, bg)
