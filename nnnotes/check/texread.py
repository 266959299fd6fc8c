r"""The reader of `nnnotes.check.texmath`: a small, explicit part of TeX read into sympy.

Numbers, letters and Greek letters with subscripts, layer superscripts (``w^{(2)}``), primes and
decorations (``\hat x``, and ``\hat{x_1}`` is ``\hat{x}_1``); ``+ - \cdot \times /`` and juxtaposition;
powers, ``e^{...}``, ``\frac``, ``\tfrac12``, ``\sqrt``; and the functions it is given
(``\sigma(x)``, ``\tanh x``, ``\tanh^2(x)``, ``\operatorname{ReLU}(x)``), with primes for derivatives.
Anything else raises `TexReadError`, and so do several digits after ``^`` or ``_`` without braces
(TeX raises or lowers only the first: ``x^23`` shows x squared, then 3), a superscript on a
function other than a power (``\sigma^{-1}`` is the inverse), a product after a slash (``a/bc``)
or after a function's argument without brackets (``\tanh 2x``), a name or a constant before a
bracket that shows a function's value (``\alpha_1(0)``, ``\pi(x)``), and the patterns of
`nnnotes.check.texguard` (a derivative in Leibniz's notation, ``\frac{dy}{dx}``, would read as y/x):
a formula is read as it is shown, or not at all.

Examples
--------
>>> import sympy
>>> read_expression(r"\tfrac12 + \tfrac12\tanh(a/2)", {"tanh": sympy.tanh})
tanh(a/2)/2 + 1/2
>>> split_relations(tokens(r"0 < x \le 1"))
([['0'], ['x'], ['1']], ['<', '<='])
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import sympy

from nnnotes.check import texguard as _guard

__all__ = [
    "RELATIONS",
    "TexReadError",
    "has_relation",
    "read_expression",
    "read_side",
    "split_relations",
    "tokens",
]

_SPACING = frozenset(
    (
        r"\, \; \: \! \left \right \big \Big \bigl \bigr \Bigl \Bigr \bigg \biggl \biggr "
        r"\displaystyle"
    ).split()
) | {"\\ "}
#: The relations read, by their TeX, with the name used in a `nnnotes.check.texmath.Link`.
RELATIONS = MappingProxyType(
    {"=": "=", "<": "<", ">": ">", r"\le": "<=", r"\leq": "<=", r"\ge": ">=", r"\geq": ">="}
    | {r"\approx": "~", r"\in": "in"}
)
_TRANSPOSES = frozenset({"T", r"\top", r"\intercal"})
_TOKEN = re.compile(
    r"\\[td]?frac(?=\d\d)|\\[a-zA-Z]+|\\[,;:! ]|\d+(?:\.\d+)?|'+|[a-zA-Z]|[-+*/()\[\]{}^_=<>,|]|\S"
)


class TexReadError(ValueError):
    """The formula uses TeX that the reader does not read (it is then not checked at all)."""


def tokens(tex: str) -> list[str]:
    """Return the tokens of ``tex``: commands, numbers, letters, primes and single characters."""
    out: list[str] = []
    for m in _TOKEN.finditer(tex):
        t = m.group(0)
        if t in _SPACING or t in {r"\!", r"\,"}:
            continue
        if re.fullmatch(r"\\[td]?frac", t) and tex[m.end() : m.end() + 2].isdigit():
            out.append(r"\frac")
            continue
        out.append(t)
    # \tfrac12: the two digits are two arguments
    fixed: list[str] = []
    for k, t in enumerate(out):
        if k and out[k - 1] == r"\frac" and re.fullmatch(r"\d\d", t):
            fixed += ["{", t[0], "}", "{", t[1], "}"]
        else:
            fixed.append(t)
    return fixed


class _Reader:
    """A recursive-descent reader of one side of a relation (see the module)."""

    def __init__(
        self, toks: list[str], functions: Mapping[str, Callable[..., Any]], matrices: frozenset[str]
    ) -> None:
        self.toks, self.k, self.functions, self.matrices = toks, 0, functions, matrices

    def peek(self, ahead: int = 0) -> str | None:
        j = self.k + ahead
        return self.toks[j] if j < len(self.toks) else None

    def take(self, expected: str | None = None) -> str:
        t = self.peek()
        if t is None or (expected is not None and t != expected):
            raise TexReadError(f"expected {expected or 'more'}, found {t!r}")
        self.k += 1
        return t

    def done(self) -> bool:
        return self.k >= len(self.toks)

    # expr := term (('+'|'-') term)*
    def expr(self) -> Any:
        e = self.term()
        while self.peek() in ("+", "-"):
            e = e + self.term() if self.take() == "+" else e - self.term()
        return e

    def term(self) -> Any:
        e = self.unary()
        while True:
            t = self.peek()
            if t in (r"\cdot", r"\times", "*"):
                self.take()
                e = e * self.unary()
            elif t == "/":
                self.take()
                e = e / self.unary()
                if self.peek() is not None and self.starts_atom(self.peek()):  # type: ignore[arg-type]
                    # a/bc: (a/b)c as read from left to right, or a/(bc) as often meant?
                    raise TexReadError("a product after a slash (a/bc): write \\frac{a}{bc} or (a/b)c")
            elif t is not None and self.starts_atom(t):
                group = self.toks[max(0, self.k - 4) : self.k]  # a bare {f} before the bracket?
                bare = len(group) >= 3 and group[-3] == "{" and group[-1] == "}"
                bare = bare and (self.k < 4 or not (group[0] in ("^", "_", "}") or group[0].startswith("\\")))
                if (t == "{" and self.peek(1) == "(") or (t == "(" and bare):
                    # \pi{(0)}, {f}(0): shown as a function's value, read as a product
                    raise TexReadError("a bracket after a name in braces, shown as a function's value")
                e = e * self.power()
            else:
                return e

    def unary(self) -> Any:
        if self.peek() == "-":
            self.take()
            return -self.unary()
        if self.peek() == "+":
            self.take()
        return self.power()

    def starts_atom(self, t: str) -> bool:
        if t in ("(", "{") or t[0].isdigit() or re.fullmatch(r"[a-zA-Z]", t):
            return True
        return t.startswith("\\") and t not in RELATIONS and t not in (r"\cdot", r"\times")

    def power(self) -> Any:
        base = self.atom()
        if self.peek() == "^":
            self.take()
            if self.peek() in _TRANSPOSES or (self.peek() == "{" and self.peek(1) in _TRANSPOSES):
                raise TexReadError("a transpose (x^T), not a power")
            exponent = self.group()
            if too_large := _guard.huge_power(base, exponent):
                raise TexReadError(too_large)
            base = base**exponent
            if self.peek() == "^":
                raise TexReadError("a double superscript (e^x^2), which TeX refuses")
        return base

    def group(self) -> Any:
        """Read a braced group, or a single token (a digit of ``x^2``, a letter)."""
        if self.peek() == "{":
            self.take("{")
            e = self.expr()
            self.take("}")
            return e
        t = self.take()
        if re.fullmatch(r"\d", t):
            return sympy.Integer(t)
        if re.fullmatch(r"\d+(?:\.\d+)?", t):
            # TeX raises only the first digit of x^23 (it shows x squared, then 3): refuse to guess
            raise TexReadError(f"^{t} without braces (TeX raises only its first digit): write ^{{{t}}}")
        if re.fullmatch(r"[a-zA-Z]", t):
            return sympy.Symbol(t, real=True)
        self.k -= 1
        return self.atom()

    def raw_group(self) -> str:
        """Return the text of a subscript or a braced group, read as part of a name."""
        if self.peek() != "{":
            t = self.take()
            if len(t) > 1 and t[0].isdigit():
                # TeX lowers only the first digit of x_12 (it shows x_1, then 2): refuse to guess
                raise TexReadError(f"_{t} without braces (TeX lowers only its first digit): write _{{{t}}}")
            return t
        depth, parts = 0, []
        while True:
            t = self.take()
            depth += {"{": 1, "}": -1}.get(t, 0)
            if depth == 0:
                return "".join(parts[1:])
            parts.append(t)

    def marks(self, marks: dict[str, str] | None = None) -> dict[str, str]:
        """Read a name's subscripts, layer superscripts and primes (``a_i^{(l)}`` is ``a^{(l)}_i``)."""
        marks = dict(marks or {"_": "", "^": "", "'": ""})
        while True:
            if self.peek() == "_":
                self.take()
                marks["_"] += "_" + self.raw_group()
            elif self.peek() == "^" and self.peek(1) == "{" and self.peek(2) == "(":
                self.take()
                marks["^"] += "^" + self.raw_group()
            elif self.peek() is not None and self.peek().startswith("'"):  # type: ignore[union-attr]
                marks["'"] += self.take()
            else:
                return marks

    def name(self, base: str, token: str | None = None, marks: dict[str, str] | None = None) -> Any:
        """Read a symbol: a letter or a Greek letter with subscripts, layer superscripts and primes.

        ``token`` is the name's letter as written; a name followed by a bracket is refused when it
        reads as an unknown function (see below).
        """
        base = _guard.SHAPES.get(base, base)  # one letter, two shapes
        marks = self.marks(marks)
        name = base + marks["_"] + marks["^"] + marks["'"]
        # W, W^{(1)}, \hat W are matrices, W_{12} an entry of one (a number)
        root = re.sub(r"^(?:hat|bar|tilde)\((.*)\)$", r"\1", re.sub(r"\^\(.*\)$", "", name))
        if name in self.matrices or ("_" not in name and root in self.matrices):
            # a product of matrices does not commute: refuse rather than read it as numbers
            raise TexReadError(f"{name} is a matrix")
        if (
            token is not None
            and self.peek() == "("
            and ("'" in name or not _guard.bare_uses(self.toks, token))
        ):
            # f(0) or f'(0) with no f defined reads as f times 0, which would prove f(0) = 0:
            # a name before a bracket multiplies only where it also stands without one, as in
            # s(1-s) (f(2x) - 2f(x) has none)
            raise TexReadError(f"{name}(...) reads as a function the page does not define")
        return sympy.Symbol(name, real=True)

    def call(self, f: Callable[..., Any], primes: int = 0, exponent: Any = None) -> Any:
        """``f(args)``, or ``f x`` for an argument without parentheses; primes differentiate."""
        if isinstance(f, sympy.Lambda) and self.peek() not in ("(", "["):
            # f'' on its own: the derivative at the function's own variable
            args = list(f.variables)
        elif self.peek() in ("(", "["):
            close = ")" if self.take() == "(" else "]"
            args = [self.expr()]
            while self.peek() == ",":
                self.take()
                args.append(self.expr())
            self.take(close)
        else:
            bracketed = self.peek() == "{" and self.peek(1) == "("
            args = [self.atom()]
            if self.peek() == "^" and not bracketed:
                # \tanh x^2 (or \tanh{x}^2, shown alike): tanh(x^2) or tanh(x)^2? (\log{(u)}^{2}
                # shows log(u)^2, (log u)^2, as sympy prints it)
                raise TexReadError("a power after a function's argument written without brackets")
            if self.peek() is not None and self.starts_atom(self.peek()):  # type: ignore[arg-type]
                # \tanh 2x, \tanh x y: tanh(2x) as usually meant, or tanh(2) x as read?
                raise TexReadError("a function's argument without brackets followed by a product")
        if isinstance(f, sympy.Lambda) and len(args) != len(f.variables):
            raise TexReadError(f"{f} takes {len(f.variables)} argument(s), given {len(args)}")
        if primes:
            if len(args) != 1:
                raise TexReadError("a derivative of a function of several arguments")
            t = sympy.Dummy("t", real=True)
            derivative = sympy.diff(f(t), t, primes)
            if derivative.has(sympy.Heaviside, sympy.DiracDelta, sympy.sign):
                # ReLU'(0) would read as Heaviside(0) = 1/2, a convention: the derivative has none
                raise TexReadError("a derivative of a function with a kink")
            value = derivative.subs(t, args[0])
        else:
            value = f(*args)
        return value if exponent is None else value**exponent

    def function(self, key: str) -> Any:
        f = self.functions[key]
        primes = 0
        if self.peek() is not None and self.peek().startswith("'"):  # type: ignore[union-attr]
            primes = len(self.take())
        exponent = None
        if self.peek() == "^":
            self.take()
            raw = self.peek() if self.peek() != "{" else "".join(self.toks[self.k : self.k + 3])
            if not re.fullmatch(r"[2-9]|\{[2-9]\}|\{[1-9]\d+\}", raw or ""):
                # \sigma^{-1} is the inverse, \sigma^{(2)} the second derivative: not powers
                raise TexReadError(
                    f"a superscript on {key} other than a power 2, 3, ... (an inverse, a derivative)"
                )
            exponent = self.group()
        return self.call(f, primes, exponent)

    def atom(self) -> Any:
        t = self.take()
        if t in ("(", "["):
            e = self.expr()
            self.take(")" if t == "(" else "]")
            return e
        if t == "{":
            e = self.expr()
            self.take("}")
            return e
        if t[0].isdigit():
            return sympy.Rational(t)
        if t in _guard.FRACS:
            return self.group() / self.group()
        if t == r"\sqrt":
            return sympy.sqrt(self.group())
        if t == r"\infty":
            return sympy.oo
        if t in (r"\pi", "e") and self.peek() == "(":
            # \pi(x), e(x): a function's value as shown, a product as read
            raise TexReadError(f"{t}(...) reads as a constant times a bracket")
        if t == r"\pi":
            return sympy.pi
        if t == "e" and self.peek() == "^":
            self.take()
            power = sympy.exp(self.group())
            if self.peek() == "^":
                raise TexReadError("a double superscript (e^x^2), which TeX refuses")
            return power
        if t == "e" and self.peek() != "_":  # Euler's number; e_i is a name
            return sympy.E
        if t == r"\operatorname":
            key = self.raw_group()
            if key not in self.functions:
                raise TexReadError(f"unknown function \\operatorname{{{key}}}")
            return self.function(key)
        if t in (r"\mathbf", r"\boldsymbol"):
            raise TexReadError("a vector")
        if t in _guard.DECORATIONS:
            start = self.k
            if self.peek() == "{" and _guard.is_letter(self.peek(1)):
                # \hat{x_1} is \hat x_1: the marks inside the accent are the name's, as outside it
                self.take("{")
                letter = self.take()
                marks = self.marks()
                if self.peek() == "}":
                    self.take("}")
                    return self.name(f"{t[1:]}({_guard.one_shape(letter)})", token=t, marks=marks)
                self.k = start  # \hat{x^2}: a name of its own, as written
            return self.name(f"{t[1:]}({_guard.one_shape(self.raw_group())})", token=t)
        key = t[1:] if t.startswith("\\") else t
        following = self.peek()
        if following == "_" and key in self.functions and key not in _guard.GREEK:
            # \log_2 x, \max_i x_i: a base, an index of the operator, not part of a name
            raise TexReadError(f"a subscript on {t}")
        if following == "_" and key in _guard.GREEK:
            return self.name(key, token=t)
        if key in self.functions and (following in ("(", "[", "^") or (following or "").startswith("'")):
            return self.function(key)
        if t.startswith("\\") and key in self.functions:
            return self.function(key)
        if key in self.functions and following is not None and self.starts_atom(following):
            raise TexReadError(f"{t} {following} shows the page's function {t} without brackets")
        if _guard.is_letter(t):
            return self.name(key, token=t)
        raise TexReadError(f"the reader does not read {t!r}")


def has_relation(toks: list[str]) -> bool:
    r"""Return whether a formula states a relation, anywhere but in a big operator's limits.

    A relation inside a bracket or a group (``P(y = 1 | x)``, ``\boxed{a = b}``) counts: the
    reader cannot read it there, so the page lists the formula. ``\sum_{i=1}^{n} x_i`` has none.
    """
    return any(t in RELATIONS or _guard.unread_relation(t) for t in _guard.outside_limits(toks))


def split_relations(toks: list[str]) -> tuple[list[list[str]], list[str]]:
    """Split the tokens at the relations outside any bracket."""
    parts: list[list[str]] = [[]]
    rels: list[str] = []
    depth = 0
    for t in toks:
        if t in ("(", "[", "{"):
            depth += 1
        elif t in (")", "]", "}"):
            depth -= 1
        if depth == 0 and t in RELATIONS:
            rels.append(RELATIONS[t])
            parts.append([])
        else:
            parts[-1].append(t)
    if not rels or any(not p for p in parts):
        unread = [t for t in toks if t in RELATIONS or _guard.unread_relation(t)][:1]
        raise TexReadError(
            f"the reader does not read {unread[0]!r} here" if unread and not rels else "not a relation"
        )
    return parts, rels


def read_side(
    toks: list[str], functions: Mapping[str, Callable[..., Any]], matrices: frozenset[str] = frozenset()
) -> Any:
    """Read the tokens of one side of a relation; raise `TexReadError` unless all are read."""
    if (why := _guard.misreading(toks)) is not None:
        raise TexReadError(why)
    r = _Reader(toks, functions, matrices)
    e = r.expr()
    if not r.done():
        raise TexReadError(f"the reader stopped at {r.peek()!r}")
    if getattr(e, "has", lambda *_: False)(sympy.zoo, sympy.nan):
        raise TexReadError("a value that is not defined (1/0, log 0)")
    return e


def read_expression(
    tex: str, functions: Mapping[str, Callable[..., Any]], matrices: frozenset[str] = frozenset()
) -> Any:
    """Read ``tex``, an expression without relations, into sympy; raise `TexReadError` if it cannot.

    ``functions`` maps a name to a callable building its sympy expression; ``matrices`` names the
    letters that stand for matrices, which the reader refuses (it reads numbers only).
    """
    return read_side(tokens(tex), functions, matrices)
