"""Turn figures and rows into what a page prints: inline SVG and Markdown tables.

`figure_to_svg` makes deterministic, accessible SVG whose text and axes follow the page's text
colour (so a plot reads in the light and the dark palette alike); `rows_to_markdown` formats rows.

Examples
--------
>>> table = rows_to_markdown(["x", "sigmoid(x)"], [[0, 0.5], [-40, 4.248354255291589e-18]])
>>> print(table)
| x | sigmoid(x) |
|---:|---:|
| 0 | 0.5 |
| -40 | 4.24835e-18 |
>>> table.splitlines()[2:] == ["| 0 | 0.5 |", "| -40 | 4.24835e-18 |"]  # 6 significant digits
True
"""

from __future__ import annotations

import decimal
import hashlib
import html
import io
import math
import re
from collections.abc import Iterable, Sequence
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["INK", "bound_text", "figure_to_svg", "format_number", "rows_to_markdown", "tex_number"]

#: The colour figures use for text, axes, ticks and grid. `figure_to_svg` replaces it by
#: ``currentColor``, so the inline SVG takes the page's text colour in either palette.
INK = "#010203"


def format_number(v: Any, digits: int = 6) -> str:
    """Format a number for a table: integers as they are, floats to ``digits`` significant digits.

    Examples
    --------
    >>> [format_number(v) for v in (3, 0.1 + 0.2, 1e-300, True)] == ["3", "0.3", "1e-300", "True"]
    True
    """
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, Integral):
        return str(int(v))
    if isinstance(v, Real):
        return f"{float(v):.{digits}g}"
    return str(v)


def tex_number(v: float) -> str:
    """Format a number for TeX: an exact power of ten as ``10^{k}``, any other as ``:g`` prints it.

    Examples
    --------
    >>> [tex_number(v) for v in (1e-10, 0.0, 1.0, 100.0, 0.5, -1e3)]
    ['10^{-10}', '0', '1', '10^{2}', '0.5', '-1000']
    """
    v = float(v)
    if v > 0 and math.isfinite(v):
        k = round(math.log10(v))
        if k != 0 and 10.0**k == v:
            return f"10^{{{k}}}"
    return f"{v:g}"


def bound_text(value: float, rounding: str, digits: int = 3) -> str:
    """Return ``value`` to ``digits`` significant digits, rounded so that the text stays a bound.

    A sentence "at least 5.1 times" must not print a ratio of 5.07 rounded to the nearest: a lower
    bound is rounded down (``rounding="down"``), an upper bound up (``"up"``). The text is the
    exact decimal, from the float's exact binary value: plain between ``1e-4`` and ``1e6``,
    scientific outside.

    Raises
    ------
    TypeError
        If ``value`` is not a real number or ``digits`` not an integer.
    ValueError
        If ``value`` is not finite, ``rounding`` is not ``"down"`` or ``"up"``, or ``digits`` < 1.

    Examples
    --------
    >>> bound_text(71 / 14, "down"), bound_text(71 / 14, "up"), bound_text(71 / 14, "down", 2)
    ('5.07', '5.08', '5.0')
    >>> bound_text(0.41240001, "up"), bound_text(-0.41240001, "up"), bound_text(2.0, "down")
    ('0.413', '-0.412', '2.00')
    >>> bound_text(1.26e-7, "down", 2), bound_text(9.991, "up", 3), bound_text(0.0, "up")
    ('1.2e-7', '10.0', '0')
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"value must be a real number, got {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"value must be finite, got {value!r}")
    if rounding not in ("down", "up"):
        raise ValueError(f"rounding must be 'down' or 'up', got {rounding!r}")
    if isinstance(digits, bool) or not isinstance(digits, Integral):
        raise TypeError(f"digits must be an integer, got {type(digits).__name__}")
    if digits < 1:
        raise ValueError(f"digits must be at least 1, got {digits}")
    exact = decimal.Decimal(float(value))
    if exact == 0:
        return "0"
    mode = decimal.ROUND_FLOOR if rounding == "down" else decimal.ROUND_CEILING
    quantum = decimal.Decimal(1).scaleb(exact.adjusted() - int(digits) + 1)
    with decimal.localcontext(decimal.Context(prec=1000)):
        bound = exact.quantize(quantum, rounding=mode)
        if bound.adjusted() > exact.adjusted():  # 9.991 up to 10.00: a power of ten, one digit fewer
            bound = bound.quantize(quantum.scaleb(1))
    if decimal.Decimal("1e-4") <= abs(bound) < decimal.Decimal("1e6"):
        return f"{bound:f}"
    mantissa, exponent = f"{bound:e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def rows_to_markdown(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    digits: int = 6,
    align: Sequence[str] | None = None,
) -> str:
    """Return a Markdown table; numbers are right-aligned and formatted by `format_number`.

    Parameters
    ----------
    header : sequence of str
        Column titles (Markdown allowed).
    rows : iterable of sequences
        One sequence per row, as long as ``header``. Strings are printed as they are, except that
        ``|`` is escaped so that it cannot end a cell.
    digits : int
        Significant digits of floats.
    align : sequence of {"l", "r", "c"}, optional
        Alignment per column; by default right for columns whose first row is a number.
    """
    header = list(header)
    rows = [list(r) for r in rows]
    for i, r in enumerate(rows):
        if len(r) != len(header):
            raise ValueError(f"rows[{i}] has {len(r)} cells but the header has {len(header)}")
    if align is None:
        first = rows[0] if rows else [""] * len(header)
        align = ["r" if isinstance(v, Real) and not isinstance(v, bool) else "l" for v in first]
    if len(align) != len(header) or any(a not in "lrc" for a in align):
        raise ValueError(f"align must give one of 'l', 'r', 'c' per column, got {align!r}")
    rule = {"l": ":---", "r": "---:", "c": ":---:"}
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(rule[a] for a in align) + "|"]
    for r in rows:
        cells = [format_number(v, digits).replace("|", r"\|") for v in r]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def figure_to_svg(fig: Figure, alt: str | None = None, *, desc: str | None = None) -> str:
    """Return ``fig`` as inline SVG for a page: deterministic, accessible, palette-aware.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure (made without pyplot; see `nnnotes.figures`).
    alt : str, optional
        Short text alternative; defaults to the figure's label (``fig.get_label()``), and one of
        the two must be given.
    desc : str, optional
        Longer description, put in the SVG's ``<desc>``.

    Returns
    -------
    str
        An ``<svg>`` element with ``role="img"``, ``aria-label``, ``<title>`` (and ``<desc>`` when
        ``desc`` is given). No
        dates, and ids derived from the text alternative, so two builds give identical bytes. The
        colour `INK` becomes ``currentColor``.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(2, 1))
    >>> ax = fig.add_subplot()
    >>> _ = ax.plot([0, 1], [0, 1], color=INK)
    >>> svg = figure_to_svg(fig, "a rising line")
    >>> svg.startswith("<svg") and 'aria-label="a rising line"' in svg and "currentColor" in svg
    True
    >>> svg == figure_to_svg(fig, "a rising line")
    True
    >>> figure_to_svg(fig, "  ")
    Traceback (most recent call last):
    ...
    ValueError: alt must be a non-empty text alternative for the figure (or set fig's label)
    """
    import matplotlib
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    alt = alt if alt is not None else fig.get_label()
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a non-empty text alternative for the figure (or set fig's label)")
    salt = hashlib.sha256(alt.encode()).hexdigest()[:12]
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none"}):
        fig.savefig(
            buf,
            format="svg",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
            transparent=True,
            bbox_inches="tight",
        )
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(re.escape(INK), "currentColor", svg, flags=re.IGNORECASE)
    # ids must be unique on a page that shows several figures: prefix them with the salt
    ids = set(re.findall(r'id="([^"]+)"', svg))
    for i in sorted(ids, key=len, reverse=True):
        svg = svg.replace(f'id="{i}"', f'id="f{salt}-{i}"').replace(f"#{i})", f"#f{salt}-{i})")
        svg = svg.replace(f'href="#{i}"', f'href="#f{salt}-{i}"')
    title = html.escape(alt.strip())
    described = f"<desc>{html.escape(desc)}</desc>" if desc else ""
    svg = re.sub(
        r"<svg ",
        f'<svg role="img" aria-label="{title}" class="nn-figure" ',
        svg,
        count=1,
    )
    svg = re.sub(r"(<svg[^>]*>)", rf"\1<title>{title}</title>{described}", svg, count=1)
    # matplotlib writes fixed pt sizes; let CSS scale the figure to the column
    svg = re.sub(r'(<svg[^>]*?) width="[^"]+" height="[^"]+"', r"\1", svg, count=1)
    return svg
