"""Verdicts on what a browser visit collected: plain functions of data, no browser needed.

`Visit` holds what one visit of one page collected (blocked requests, errors, the data of
``inspect.js``, axe-core's findings); `Visit.problems` judges it by every check of `CHECKS`, with
`math_problems`, `figure_problems` and `contrast_problems`, so that the same code judges the real
site and the synthetic pages. `is_local` (and its pattern `NOT_LOCAL`, which the browser contexts
route) says which requests stay on this machine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from browser import contrast

__all__ = [
    "CHECKS",
    "MIN_FIGURE_TEXT_PX",
    "NOT_LOCAL",
    "Visit",
    "contrast_problems",
    "figure_problems",
    "is_local",
    "math_problems",
]

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
#: URLs that `is_local` refuses: what the browser contexts route (and block).
NOT_LOCAL = re.compile(r"^(?!(?:data|blob|about):|https?://(?:127\.0\.0\.1|localhost)(?:[:/]|$))")

#: The smallest size on screen, in CSS px, of a figure's body text (nnnotes.sitebuild.a11y keeps
#: figures at 0.9 of their natural size, where the theme's 10-unit text is 9 px).
MIN_FIGURE_TEXT_PX = 9

#: The checks made on every page, by name (the keys of `Visit.problems`).
CHECKS = ("offsite", "errors", "math", "figures", "contrast", "axe")


def is_local(url: str) -> bool:
    """Whether a request stays on this machine (data: and blob: URLs never leave the page)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https") and parts.hostname in LOCAL_HOSTS


@dataclass
class Visit:
    """What one visit of one page collected."""

    url: str
    scheme: str
    viewport: str = "desktop"
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    axe: list[dict[str, Any]] = field(default_factory=list)
    static_figures: int = 0
    static_katex: int = 0
    seconds: float = 0.0

    def problems(self) -> dict[str, list[str]]:
        """Every check's findings (empty lists when the page passes)."""
        return {
            "offsite": [f"blocked request to {u}" for u in self.blocked],
            "errors": [f"console error: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"failed request: {m}" for m in self.failed_requests],
            "math": math_problems(self.data, self.static_katex),
            "figures": figure_problems(self.data, self.static_figures),
            "contrast": contrast_problems(self.data),
            "axe": [
                f"axe {v['id']} ({v['impact']}): {v['help']} at {', '.join(v['targets'][:5])}"
                for v in self.axe
            ],
        }


def math_problems(data: dict[str, Any], static_katex: int | None = None) -> list[str]:
    """Raw TeX left on the page, formulas not typeset, KaTeX fonts not loaded."""
    out = [f"raw TeX in the text: {t!r}" for t in data["rawTex"]]
    out += [f"formula not typeset: {t!r}" for t in data["untypeset"]]
    if static_katex is not None and data["katex"] != static_katex:
        out.append(f"{data['katex']} typeset formulas shown, {static_katex} in the page's HTML")
    if data["katex"] or data["arithmatex"]:
        loaded = {f["family"] for f in data["fonts"] if f["status"] == "loaded"}
        out += [f"math font failed to load: {f}" for f in data["fonts"] if f["status"] == "error"]
        if "KaTeX_Main" not in loaded:
            out.append(f"KaTeX_Main font not loaded (math fonts: {data['fonts']})")
        if not data["katexFamily"] or not data["katexFamily"].lstrip("\"'").startswith("KaTeX"):
            out.append(f"math is not set in KaTeX's fonts: font-family {data['katexFamily']!r}")
    return out


def figure_problems(data: dict[str, Any], static_figures: int | None = None) -> list[str]:
    """Figures missing, invisible, without an accessible name, or with text too small to read."""
    figures = data["figures"]
    out = []
    if static_figures is not None and len(figures) != static_figures:
        out.append(f"{len(figures)} figures shown, {static_figures} in the page's HTML")
    for i, f in enumerate(figures, 1):
        name = f["label"] or f["title"]
        where = f"figure {i} ({name[:50]!r})"
        if not name:
            out.append(f"{where}: no accessible name (aria-label or <title>)")
        if f["role"] != "img":
            out.append(f"{where}: role is {f['role']!r}, not 'img'")
        if not (f["width"] > 0 and f["height"] > 0 and f["visible"]):
            out.append(f"{where}: not visible ({f['width']:.0f} x {f['height']:.0f} px)")
        elif f.get("textPx") is not None and f["textPx"] < MIN_FIGURE_TEXT_PX - 0.01:
            out.append(f"{where}: text drawn at {f['textPx']:.1f} px, below {MIN_FIGURE_TEXT_PX} px")
    return out


def contrast_problems(data: dict[str, Any], minimum: float = contrast.MIN_RATIO) -> list[str]:
    """Text of figures and tables below ``minimum`` contrast against its effective background."""
    out = []
    for s in data["samples"]:
        if s["bgImage"]:
            out.append(f"{s['where']} text {s['text']!r}: on a background image, contrast unknown")
            continue
        r = contrast.text_ratio(s["fg"], s["opacity"], s["layers"], data["canvas"])
        if r < minimum:
            bg = contrast.effective_background(s["layers"], data["canvas"])
            out.append(
                f"{s['where']} text {s['text']!r} ({s['count']}x): contrast {r:.2f} < {minimum} "
                f"(text rgba{tuple(s['fg'])} x opacity {s['opacity']:g} on rgb{tuple(round(c) for c in bg)})"
            )
    return out
