r"""Checked derivations: chains of equalities and inequalities whose every step is verified.

A `Derivation` starts from an expression and adds steps, each a new expression, the relation it
bears to the previous one (``=``, ``<``, ``<=``, ``>``, ``>=``) and the reason in words. `verify`
checks every step in two stages:

1. **A counterexample search at points spread over the whole domain**
   (`nnnotes.check.counterexample.search`): mpmath at 50 digits at magnitudes from ``1e-12`` to
   ``1e50`` of both signs, the ends of each symbol's interval, and points next to the zeros of
   denominators, kinks of ``Abs``/``Max``/``Min`` and branch points that `nnnotes.check.sampling`
   locates; a suspect point is confirmed at two higher precisions. A size written as a symbol
   (a sum up to $n$) takes the values 1 to 4 (`nnnotes.check.concrete`). A counterexample fails the
   step with a `DerivationError` that prints the point and both sides there, and so does a search
   that can evaluate the step at no point (it would check nothing).
2. **A proof by certificate**, and only then is the step labelled *proved* (``symbolic``):
   for an equality, the difference of the two sides reduced to exactly zero by a sympy strategy
   (``expand``, ``cancel``, rewriting to exponentials, ``trigsimp``, ``simplify``, ...); for an
   inequality, the sign of the difference decided from the symbols' assumptions, by substitution
   over a declared interval, or by a case split at the kinks (`nnnotes.check.signs.prove_sign`).
   A step with no certificate is labelled *numeric* (evaluated, not proved). A solver's empty
   solution set (``solveset``) is never a proof: the report only notes it next to the search.

A derivation may narrow a symbol's domain (``domain={t: (0, 2)}``); the page shows that domain
next to each step that uses the symbol, and the report shows every symbol's domain.

What is rendered (`latex`, `markdown`) is printed from the same expressions that were verified.

Examples
--------
>>> import sympy
>>> from nnnotes.proofs.symbolic import sigma  # a sympy Function, as a page would use
>>> x = sympy.Symbol("x", real=True)
>>> d = (Derivation(sigma(-x), name="doc-sigmoid-symmetry")
...      .step(1 / (1 + sympy.exp(x)), "definition of the logistic function")
...      .step(sympy.exp(-x) / (sympy.exp(-x) + 1), r"multiply by $e^{-x}/e^{-x}$")
...      .step(1 - sigma(x), r"recognise $1 - \sigma(x)$"))
>>> [s.method for s in d.verify().steps]
['symbolic', 'symbolic', 'symbolic']

A false step is caught, with a counterexample:

>>> bad = (Derivation(sigma(-x), name="doc-wrong")
...        .step(1 / (1 + sympy.exp(-x)), "a sign slips"))
>>> bad.verify()
Traceback (most recent call last):
...
nnnotes.check.derivation.DerivationError: derivation 'doc-wrong', step 1 (a sign slips) is false: ...
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

import sympy

from nnnotes.check import render
from nnnotes.check.concrete import search_sizes
from nnnotes.check.counterexample import SearchResult
from nnnotes.check.published import published, published_derivations
from nnnotes.check.record import CheckRecord, current_record
from nnnotes.check.render import RELATIONS
from nnnotes.check.signs import prove_sign, solver_verdict
from nnnotes.check.strategies import prove_zero, scalar_sides
from nnnotes.check.verification import VerificationError

# `published` and `published_derivations` live in `nnnotes.check.published`; they stay importable
# from here, where the modules that publish derivations have always found them.
__all__ = ["Derivation", "DerivationError", "Step", "published", "published_derivations"]

#: How many points the quick screen of a step evaluates (the first ones of its whole search).
QUICK_POINTS = 8


class DerivationError(VerificationError):
    """A step of a derivation is false (or cannot be checked).

    Attributes
    ----------
    derivation : str
        Name of the derivation.
    step : int
        Number of the failing step (1 for the first step after the start).
    reason : str
        The reason given for that step.
    counterexample : dict or None
        A point (symbol name to value) where the step fails, with the value of each side.
    """

    def __init__(
        self,
        message: str,
        *,
        derivation: str,
        step: int,
        reason: str,
        counterexample: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.derivation = derivation
        self.step = step
        self.reason = reason
        self.counterexample = counterexample


@dataclass
class Step:
    """One step of a derivation: ``previous <relation> expr``, because of ``reason``."""

    expr: Any
    reason: str
    relation: str
    method: str | None = None
    detail: str | None = None
    #: Points where the numeric search evaluated the step, at how many digits, and what it did in words.
    points: int | None = None
    dps: int | None = None
    searched: str | None = None


@dataclass
class Derivation:
    r"""A chain ``start R1 e1 R2 e2 ...`` whose every step is checked by `verify`.

    Parameters
    ----------
    start : sympy expression or Matrix
        The first expression of the chain.
    name : str
        A name unique on its page; failures and the verification report use it.
    domain : mapping, optional
        An interval per symbol, as a ``sympy.Interval`` or a ``(lo, hi)`` pair meaning the closed
        interval, within the reals its sympy assumptions allow (complex values are never tried).
        Inequalities are proved on it and the search samples it (a size takes its domain's
        smallest values); symbols not listed range over all the reals their assumptions allow.
    title : str, optional
        What the derivation shows, in Markdown, for the report (default: ``start R end``).
    scope : str, optional
        What the proof covers, in words, shown under the derivation and in the report: for
        example ``"any K ≥ 1"`` when sizes are symbolic, or ``"checked for K = 3"`` when the
        derivation is written for a small case. Without it, the scope is read off the checks
        (see `covers`).

    Examples
    --------
    An inequality proved from a domain: $t(1-t) \le 1/4$ for $t$ in $(0, 1)$.

    >>> import sympy
    >>> t = sympy.Symbol("t", real=True)
    >>> d = (Derivation(t * (1 - t), name="doc-quarter", domain={t: sympy.Interval.open(0, 1)})
    ...      .step(sympy.Rational(1, 4) - (t - sympy.Rational(1, 2))**2, "complete the square")
    ...      .step(sympy.Rational(1, 4), "a square is non-negative", "<="))
    >>> d.verify().conclusion()
    '<='
    >>> [s.detail for s in d.steps]
    ['expand', 'sign by substitution over t in (0, 1)']
    >>> print(d.domain_text())
    t \in \left(0, 1\right)
    """

    start: Any
    name: str
    domain: Mapping[Any, Any] | None = None
    title: str | None = None
    scope: str | None = None
    steps: list[Step] = field(default_factory=list)
    verified: bool = False
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise TypeError(f"name must be a non-empty string, got {self.name!r}")
        if self.scope is not None and (not isinstance(self.scope, str) or not self.scope.strip()):
            raise TypeError(f"scope must be a non-empty string or None, got {self.scope!r}")
        self.start = sympy.sympify(self.start) if not isinstance(self.start, sympy.MatrixBase) else self.start
        dom: dict[Any, sympy.Interval] = {}
        for s, iv in (self.domain or {}).items():
            if isinstance(iv, sympy.Interval):
                dom[s] = iv
            elif isinstance(iv, tuple) and len(iv) == 2:
                dom[s] = sympy.Interval(sympy.sympify(iv[0]), sympy.sympify(iv[1]))
            else:
                raise TypeError(f"domain[{s}] must be a sympy.Interval or a (lo, hi) pair, got {iv!r}")
        self.domain = dom

    # ---------------------------------------------------------------- building
    def step(self, expr: Any, reason: str, relation: str = "=") -> Derivation:
        """Add ``previous <relation> expr`` with its reason; return the derivation (chainable).

        Parameters
        ----------
        expr : sympy expression or Matrix
            The next expression of the chain.
        reason : str
            Why the step holds, in words; ``$...$`` marks math inside it.
        relation : {"=", "<", "<=", ">", ">="}
            Relation of the previous expression to ``expr``.

        Raises
        ------
        DerivationError
            If ``expr`` prints (in LaTeX) exactly as the previous expression: the page would show
            the same formula twice, and the reader no move.
        ValueError
            If ``relation`` is not one of the above, or the chain would mix ``<`` and ``>``
            directions.
        TypeError
            If ``reason`` is not a non-empty string.
        """
        if relation not in RELATIONS:
            raise ValueError(f"relation must be one of {sorted(RELATIONS)}, got {relation!r}")
        if not isinstance(reason, str) or not reason.strip():
            raise TypeError(f"reason must be a non-empty string, got {reason!r}")
        rels = {s.relation for s in self.steps} | {relation}
        if rels & {"<", "<="} and rels & {">", ">="}:
            raise ValueError(
                f"derivation {self.name!r}: step {len(self.steps) + 1} mixes '<' and '>' directions;"
                " a chain must keep one direction"
            )
        expr = expr if isinstance(expr, sympy.MatrixBase) else sympy.sympify(expr)
        prev = self.steps[-1].expr if self.steps else self.start
        if sympy.latex(expr) == sympy.latex(prev):
            # the reader would see the same formula twice: a move that does not show is no step
            k = len(self.steps) + 1
            raise DerivationError(
                f"derivation {self.name!r}, step {k} ({reason}) is empty: it prints the same "
                f"expression as the one before, ${sympy.latex(expr)}$; write the step so that its move "
                "shows (sympy may have simplified it back: see sympy.UnevaluatedExpr)",
                derivation=self.name,
                step=k,
                reason=reason,
            )
        self.steps.append(Step(expr, reason, relation))
        self.verified = False
        return self

    def conclusion(self) -> str:
        """Return the relation of the start to the last expression implied by the chain."""
        rels = [s.relation for s in self.steps]
        if not rels or all(r == "=" for r in rels):
            return "="
        strict = any(r in "<>" and len(r) == 1 for r in rels)
        up = any(r.startswith("<") for r in rels)
        return ("<" if up else ">") + ("" if strict else "=")

    def covers(self) -> str:
        """Return what the derivation covers: its ``scope``, or what its checks imply.

        Without an explicit scope: matrix steps proved entry by entry at chosen sizes cover those
        sizes only; otherwise a symbolic proof covers every value of its symbols (in the domain),
        and a numeric check covers the points it sampled.
        """
        return render.covers(self)

    # ---------------------------------------------------------------- checking
    def _fail(self, k: int, st: Step, prev: Any, why: str, point: dict[str, Any] | None) -> NoReturn:
        record = current_record()
        page = record.page
        where = f" (page {page})" if page else ""
        msg = (
            f"derivation {self.name!r}, step {k} ({st.reason}) is false{where}: "
            f"{sympy.sstr(prev)} {st.relation} {sympy.sstr(st.expr)} does not hold; {why}"
        )
        record.add(
            CheckRecord(
                kind="derivation",
                name=self.name,
                statement=self._statement(),
                method="failed",
                detail=f"step {k} ({st.reason}) is false",
                seconds=self.seconds,
                ok=False,
            )
        )
        raise DerivationError(msg, derivation=self.name, step=k, reason=st.reason, counterexample=point)

    def _search(
        self, k: int, st: Step, prev: Any, sides: Any, deep: bool = False, first: int | None = None
    ) -> SearchResult:
        """Search the whole domain for a counterexample; fail the step on one, or if no point evaluates.

        ``sides`` are the two sides' scalar entries. A whole search runs before any proof; a quick
        one (its ``first`` points only) before the whole ones; a deep one (far points at the digits
        their exponentials need) only for a step no certificate proves.
        """
        seed = f"{self.name}/{k}"
        res = search_sizes(*sides, st.relation, self.domain or {}, seed=seed, deep=deep, first=first)
        if not deep and first is None:
            st.points, st.dps, st.searched = res.evaluated, res.dps, res.describe()
            if not res.searched:
                self._fail(k, st, prev, res.describe(), None)
        cx = res.counterexample
        if cx is not None:
            self._fail(k, st, prev, cx.describe(), {**cx.point, "lhs": cx.lhs, "rhs": cx.rhs})
        return res

    def _sides(self, k: int, st: Step, prev: Any) -> tuple[Any, tuple[list[Any], list[Any]]]:
        """Return the difference of the two sides (of an equality) and their scalar entries."""
        matrices = any(isinstance(e, sympy.MatrixBase | sympy.MatrixExpr) for e in (prev, st.expr))
        if matrices and st.relation != "=":
            self._fail(k, st, prev, "an inequality between matrices is not defined", None)
        if matrices and getattr(prev, "shape", None) != getattr(st.expr, "shape", None):
            self._fail(k, st, prev, f"the shapes differ: {prev.shape} and {st.expr.shape}", None)
        try:
            return (prev - st.expr if st.relation == "=" else None), scalar_sides(prev, st.expr)
        except sympy.ShapeError as exc:
            self._fail(k, st, prev, f"the shapes are inconsistent ({exc})", None)

    def _prove(self, k: int, st: Step, prev: Any, diff: Any, sides: Any, res: Any) -> tuple[str, str]:
        """Prove step ``k`` (the last pass of `verify`); return its method and how it was checked."""
        lhs, rhs = sides
        if st.relation == "=":
            how, _ = prove_zero(diff)
            if how is not None:
                return "symbolic", how
            return "numeric", f"no strategy proved it; {self._evaluated_only(k, st, prev, lhs, rhs, res)}"
        # h must be > 0 (strict) or >= 0 (non-strict)
        strict = st.relation in ("<", ">")
        h = sympy.sympify((rhs[0] - lhs[0]) if st.relation.startswith("<") else (lhs[0] - rhs[0]))
        violation, note = solver_verdict(h, strict=strict, domain=self.domain or {})
        if violation is not None:
            self._fail(k, st, prev, violation[1], violation[0])
        how = prove_sign(h, strict=strict, domain=self.domain or {})
        if how is not None:
            return "symbolic", how
        return "numeric", f"no proof found; {self._evaluated_only(k, st, prev, lhs, rhs, res)}{note}"

    def _evaluated_only(self, k: int, st: Step, prev: Any, lhs: Any, rhs: Any, res: Any) -> str:
        """Search the far points of an unproved step more deeply; return what the search covered.

        A step evaluated at too few of the points tried fails: it is neither proved nor checked.
        """
        if res.evaluated < min(res.tried, 20):
            why = f"it could be evaluated at only {res.evaluated} of {res.tried} points"
            self._fail(k, st, prev, why, None)
        far = self._search(k, st, prev, (lhs, rhs), deep=True)
        return render.search_text(res, far)

    def domain_text(self) -> str:
        r"""Return the domain of each symbol as LaTeX, e.g. ``t \in (0, 2),\ x \in \mathbb{R}``.

        A symbol ranges over the real numbers its sympy assumptions allow, narrowed by ``domain``;
        the sizes of matrix symbols are not listed (`nnnotes.check.render.domain_latex`).
        """
        return render.domain_latex(self)

    def verify(self) -> Derivation:
        """Check every step; raise `DerivationError` at the first false one found; return ``self``.

        Three passes: a quick screen of every step after the first (`QUICK_POINTS` points each),
        the whole search of every step, then the proofs; so a false step fails in the search
        (cheap) before any step is proved (costly, sympy's strategies), wherever it stands. An
        inequality only a solver refutes fails in the last pass. The outcome goes to the record
        (`nnnotes.check.record.current_record`).
        """
        if not self.steps:
            raise ValueError(f"derivation {self.name!r} has no steps")
        t0 = time.perf_counter()
        prevs = [self.start, *(s.expr for s in self.steps[:-1])]
        steps = list(enumerate(zip(self.steps, prevs, strict=True), start=1))
        sides = [self._sides(k, st, prev) for k, (st, prev) in steps]
        for k, (st, prev) in steps[1:]:  # the quick screens: the whole search of step 1 comes next
            self._search(k, st, prev, sides[k - 1][1], first=QUICK_POINTS)
        found = []
        for k, (st, prev) in steps:
            self.seconds = time.perf_counter() - t0
            found.append(self._search(k, st, prev, sides[k - 1][1]))
        for k, (st, prev) in steps:
            self.seconds = time.perf_counter() - t0
            st.method, st.detail = self._prove(k, st, prev, *sides[k - 1], found[k - 1])
        self.seconds = time.perf_counter() - t0
        self.verified = True
        methods = {s.method for s in self.steps}
        proved = sum(s.method == "symbolic" for s in self.steps)
        current_record().add(
            CheckRecord(
                kind="derivation",
                name=self.name,
                statement=self._statement(),
                method="symbolic" if methods == {"symbolic"} else "numeric",
                detail="; ".join(f"({k}) {render.step_how(s)}" for k, s in enumerate(self.steps, 1)),
                seconds=self.seconds,
                ok=True,
                scope=self.covers(),
                extra={
                    "domain": self.domain_text(),
                    "steps proved": proved,
                    "steps evaluated": len(self.steps) - proved,
                },
            )
        )
        return self

    # ---------------------------------------------------------------- rendering
    def _statement(self) -> str:
        return render.statement(self)

    def latex(self) -> str:
        r"""Return the chain as a LaTeX ``aligned`` environment, a reason and a mark per step.

        Each relation carries a small letter over it: S where the step was proved symbolically,
        N where it was only checked numerically, ? where it has not been verified
        (`nnnotes.check.render.derivation_latex`).
        """
        return render.derivation_latex(self)

    def markdown(self) -> str:
        """Verify if needed, then return Markdown to print from an executed block.

        The chain is a display formula (a symbol whose domain the derivation narrows is shown with
        it, next to each step that uses it); below it a collapsed note gives the domain of every
        symbol and says how each step was checked (`nnnotes.check.render.derivation_markdown`).
        """
        if not self.verified:
            self.verify()
        return render.derivation_markdown(self)
