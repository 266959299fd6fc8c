"""The build's record of every check, numeric claims, and the verification report.

Every derivation (`nnnotes.check.derivation.Derivation`) and every claim made here is added to the
current record (`nnnotes.check.record.current_record`) with the page it was made on, how it was
checked and how long the check took. The site's verification page
prints `report_markdown` of these records. A check that fails raises `VerificationError` (or a
subclass), which fails the strict build.

Examples
--------
>>> import numpy as np
>>> c = claim_close("demo-close", "$0.1 + 0.2 = 0.3$ in float64 to 1 ulp",
...                 0.1 + 0.2, 0.3, rtol=2.3e-16)
>>> c.ok, c.method
(True, 'numeric')
>>> claim_close("demo-wrong", "$0.1 + 0.2 = 0.3$ exactly", 0.1 + 0.2, 0.3)
Traceback (most recent call last):
...
nnnotes.check.verification.ClaimError: claim 'demo-wrong' is false: $0.1 + 0.2 = 0.3$ exactly; ...
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from nnnotes.check.record import CheckRecord, current_record, slug

__all__ = [
    "Check",
    "CheckRecord",
    "ClaimError",
    "VerificationError",
    "claim",
    "claim_close",
    "claim_exact",
    "report_markdown",
    "slug",
]


class VerificationError(Exception):
    """A check made at build time is false."""


class ClaimError(VerificationError):
    """A stated claim does not hold."""


def _check_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"name must be a non-empty string, got {name!r}")
    return name


@dataclass(frozen=True)
class Check:
    """The outcome of a claim: its record, and Markdown to print on the page."""

    record: CheckRecord

    @property
    def ok(self) -> bool:
        """Whether the claim held (always true: a false claim raises)."""
        return self.record.ok

    @property
    def method(self) -> str:
        """How it was checked."""
        return self.record.method

    def markdown(self) -> str:
        """Return a one-line Markdown statement of the claim and how it was checked."""
        r = self.record
        return f'<span id="{r.anchor}"></span>✓ {r.statement} *({r.method} check: {r.detail})*'


def _finish(name: str, statement: str, ok: bool, method: str, detail: str, t0: float, why: str) -> Check:
    rec = current_record().add(
        CheckRecord(
            kind="claim",
            name=name,
            statement=statement,
            method=method,
            detail=detail,
            seconds=time.perf_counter() - t0,
            ok=ok,
        )
    )
    if not ok:
        where = f" on page {rec.page}" if rec.page else ""
        raise ClaimError(f"claim {name!r} is false{where}: {statement}; {why}")
    return Check(rec)


def claim(name: str, statement: str, holds: bool, *, detail: str, method: str = "numeric") -> Check:
    """Record a claim whose truth was computed by the caller, failing loudly if it is false.

    Parameters
    ----------
    name : str
        Name of the claim, unique on its page.
    statement : str
        The claim in Markdown.
    holds : bool
        The computed truth value (a numpy bool is accepted).
    detail : str
        How ``holds`` was computed, for the report.
    method : {"numeric", "exact", "symbolic"}
        The kind of check behind ``holds``.

    Examples
    --------
    >>> claim("demo-claim", "$2^{10} = 1024$", 2**10 == 1024, detail="integer arithmetic",
    ...       method="exact").ok
    True
    """
    t0 = time.perf_counter()
    _check_name(name)
    if method not in {"numeric", "exact", "symbolic"}:
        raise ValueError(f"method must be 'numeric', 'exact' or 'symbolic', got {method!r}")
    if not isinstance(holds, bool | np.bool_):
        raise TypeError(f"holds must be a bool, got {type(holds).__name__}")
    return _finish(name, statement, bool(holds), method, detail, t0, "the computed condition is False")


def claim_close(
    name: str,
    statement: str,
    actual: Any,
    expected: Any,
    *,
    rtol: float = 0.0,
    atol: float = 0.0,
) -> Check:
    """Check that ``actual`` equals ``expected`` within ``|a - e| <= atol + rtol * |e|``, elementwise.

    ``expected`` should come from an independent reference (exact arithmetic, mpmath, a published
    value); both may be scalars or arrays of the same shape. Values are compared in float64 unless
    one is an mpmath number: then both are compared in mpmath, at its working precision.

    Parameters
    ----------
    name, statement : str
        As in `claim`.
    actual, expected : array_like or mpmath number
        The computed value and the reference.
    rtol, atol : float
        Relative and absolute tolerance (both non-negative).

    Examples
    --------
    >>> import mpmath
    >>> claim_close("demo-exp", "float64 `exp(-36)` is within 2 ulp of $e^{-36}$",
    ...             np.exp(-36.0), mpmath.exp(-36), rtol=4.5e-16).ok
    True
    """
    t0 = time.perf_counter()
    _check_name(name)
    if not (rtol >= 0 and atol >= 0):
        raise ValueError(f"rtol and atol must be non-negative, got rtol={rtol!r}, atol={atol!r}")
    import mpmath

    if isinstance(expected, mpmath.mpf | mpmath.mpc) or isinstance(actual, mpmath.mpf | mpmath.mpc):
        a, e = mpmath.mpmathify(actual), mpmath.mpmathify(expected)
        err = abs(a - e)
        ok = bool(err <= atol + rtol * abs(e))
        why = f"|actual - expected| = {mpmath.nstr(err, 6)} with actual={a}, expected={e}"
    else:
        a_arr = np.asarray(actual, dtype=float)
        e_arr = np.asarray(expected, dtype=float)
        if a_arr.shape != e_arr.shape:
            raise ValueError(
                f"actual and expected must have the same shape, got {a_arr.shape} and {e_arr.shape}"
            )
        with np.errstate(all="ignore"):
            err = np.abs(a_arr - e_arr)
            bound = atol + rtol * np.abs(e_arr)
        same_inf = np.isinf(a_arr) & (a_arr == e_arr)
        good = (err <= bound) | same_inf
        ok = bool(np.all(good))
        worst = int(np.argmax(np.where(good, -np.inf, err))) if not ok else 0
        why = f"worst entry {worst}: actual={a_arr.ravel()[worst]!r}, expected={e_arr.ravel()[worst]!r}"
    detail = f"rtol={rtol:g}, atol={atol:g}"
    return _finish(name, statement, ok, "numeric", detail, t0, why)


def claim_exact(name: str, statement: str, actual: Any, expected: Any) -> Check:
    """Check exact equality (integers, rationals, sympy numbers, arrays compared entry by entry).

    A sympy ``Float`` stands for its exact binary value: ``Float(0.3)`` is not ``3/10``.

    Examples
    --------
    >>> import sympy
    >>> claim_exact("demo-exact", "$1/3 + 1/6 = 1/2$",
    ...             sympy.Rational(1, 3) + sympy.Rational(1, 6), sympy.Rational(1, 2)).method
    'exact'
    """
    t0 = time.perf_counter()
    _check_name(name)
    import sympy

    def exact(x: Any) -> Any:  # sympy would subtract Floats in 53-bit arithmetic: make them rationals
        x = sympy.sympify(x)
        return x.xreplace({f: sympy.Rational(f) for f in x.atoms(sympy.Float)})

    if isinstance(actual, sympy.Basic) or isinstance(expected, sympy.Basic):
        ok = sympy.simplify(exact(actual) - exact(expected)) == 0
    else:
        a, e = np.asarray(actual), np.asarray(expected)
        ok = a.shape == e.shape and bool(np.all(a == e))
    why = f"actual={actual!r}, expected={expected!r}"
    return _finish(name, statement, bool(ok), "exact", "exact equality", t0, why)


def _md_cell(text: str) -> str:
    return text.replace("|", r"\|").replace("\n", " ")


def _domain_cell(r: CheckRecord) -> str:
    """Return the domain of a derivation's symbols as inline math, or a dash for a claim."""
    dom = r.extra.get("domain", "")
    return f"${_md_cell(dom)}$" if dom else "—"


def report_markdown(
    url_for: Callable[[str, str], str] | None = None,
    *,
    timings: bool | None = None,
    records: list[CheckRecord] | None = None,
) -> str:
    """Return the verification report as Markdown: totals by method, then one row per check.

    Parameters
    ----------
    url_for : callable, optional
        ``url_for(page, anchor)`` gives the URL of a check on its page; without it, checks are
        not linked.
    timings : bool, optional
        Show the time of each check. Off by default, so that two builds of the same sources are
        byte-identical; the environment variable ``NNNOTES_REPORT_TIMINGS=1`` turns it on, and
        ``make bench`` reports the times.
    records : list of CheckRecord, optional
        The checks to report; by default those of the current record
        (`nnnotes.check.record.current_record`).
    """
    recs = current_record().records if records is None else list(records)
    if not recs:
        return "No checks were recorded in this build."
    by_method: dict[str, int] = {}
    for r in recs:
        by_method[r.method] = by_method.get(r.method, 0) + 1
    if timings is None:
        timings = os.environ.get("NNNOTES_REPORT_TIMINGS", "") == "1"
    total_time = sum(r.seconds for r in recs)
    failed = [r for r in recs if not r.ok]
    took = f" in {total_time:.2f} s" if timings else ""
    lines = [
        f"**{len(recs)} checks** ran during this build{took}; **{len(failed)} failed**.",
        "",
        "| method | checks |",
        "|---|---:|",
    ]
    lines += [f"| {m} | {n} |" for m, n in sorted(by_method.items())]
    derivations = [r for r in recs if r.kind == "derivation" and r.ok]
    if derivations:
        proved = sum(int(r.extra.get("steps proved", 0)) for r in derivations)
        evaluated = sum(int(r.extra.get("steps evaluated", 0)) for r in derivations)
        lines += [
            "",
            f"The derivations have **{proved + evaluated} steps**: **{proved} proved** (by a certificate:"
            f" sympy reduces the difference to zero or decides the sign) and **{evaluated} only"
            f" evaluated** (no counterexample found, not proved). Every step was first searched for a"
            f" counterexample at points spread over its whole domain.",
        ]
    head = "| page | kind | check | statement | covers | domain | method | how |"
    head += " time |" if timings else ""
    lines += ["", head, "|---|---|---|---|---|---|---|---|" + ("---:|" if timings else "")]
    for r in recs:
        if r.page and url_for is not None:
            link = f"[{r.name}]({url_for(r.page, r.anchor)})"
            page = f"[{r.page.removesuffix('.md')}]({url_for(r.page, '')})"
        else:
            link, page = r.name, "—"
        status = "" if r.ok else " **FAILED**"
        lines.append(
            f"| {page} | {r.kind} | {link}{status} | {_md_cell(r.statement)} | {_md_cell(r.scope or '—')} "
            f"| {_domain_cell(r)} "
            f"| {r.method} "
            f"| {_md_cell(r.detail)} |" + (f" {r.seconds * 1000:.0f} ms |" if timings else "")
        )
    return "\n".join(lines)
