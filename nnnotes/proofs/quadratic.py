r"""Gradient descent and Newton's method on the quadratic model, proved with sympy.

$f(x) = \tfrac12 x^\top A x - b^\top x + c$: its gradient, one Newton step to the critical point,
the error recursion of gradient descent, the learning-rate threshold $\eta\lambda < 2$, the
tightness of the descent lemma, the cost of the LU factorisation behind a Newton step, and what
Newton and saddle-free Newton do at a saddle; and, beyond the quadratic, why every positive rate
overshoots on $x^4/4$ from far enough (`quartic_step_grows`). The
numerics are `nnnotes.quadratic` and `nnnotes.optim`.
"""

from __future__ import annotations

import sympy

from nnnotes.check import Derivation, published

__all__ = [
    "best_rate_contraction",
    "descent_lemma_tight",
    "gradient_descent_error",
    "learning_rate_above_threshold",
    "learning_rate_not_positive",
    "learning_rate_threshold",
    "larger_rate_contracts_less",
    "lu_flop_count",
    "newton_step_critical",
    "newton_step_quadratic",
    "newton_step_saddle",
    "quadratic_gradient",
    "quartic_overshoot_grows",
    "quartic_step_grows",
    "saddle_free_step",
    "smaller_rate_contracts_less",
]


def _sym_vec(name: str) -> sympy.Matrix:
    return sympy.Matrix([sympy.Symbol(f"{name}_{i}", real=True) for i in (1, 2)])


@published
def quadratic_gradient() -> Derivation:
    r"""Gradient of $\tfrac12 x^\top A x - b^\top x + c$ for a symbolic symmetric 2x2 $A$: $Ax - b$."""
    p, q, r, c = sympy.symbols("p q r c", real=True)
    A = sympy.Matrix([[p, q], [q, r]])
    x, b = _sym_vec("x"), _sym_vec("b")
    f = (x.T * A * x / 2 - b.T * x)[0, 0] + c
    grad = sympy.Matrix([sympy.Derivative(f, xi) for xi in x])
    return Derivation(
        grad,
        name="6-5-quadratic-gradient",
        scope=r"checked for a symmetric $2 \times 2$ matrix $A$",
        title=r"$\nabla f(x) = Ax - b$ for symmetric $2\times 2$ $A$",
    ).step(
        sympy.Matrix([p * x[0] + q * x[1] - b[0], q * x[0] + r * x[1] - b[1]]),
        r"differentiate: this is $Ax - b$",
    )


@published
def newton_step_quadratic() -> Derivation:
    r"""After one Newton step from any $x_0$ the gradient $Ax - b$ vanishes: $x_1$ is the critical point.

    For an invertible $A$; with $A$ symmetric, $Ax - b$ is the gradient of the quadratic.
    """
    A = sympy.MatrixSymbol("A", 2, 2)
    x0, b = sympy.MatrixSymbol("x_0", 2, 1), sympy.MatrixSymbol("b", 2, 1)
    x1 = x0 - A.I * (A * x0 - b)
    return Derivation(
        A * x1 - b,
        name="6-5-newton-one-step",
        title=r"After one Newton step $x_1 = x_0 - A^{-1}(Ax_0 - b)$ the gradient $Ax_1 - b$ is zero",
    ).step(sympy.ZeroMatrix(2, 1), "distribute $A$; $AA^{-1} = I$")


@published
def gradient_descent_error() -> Derivation:
    r"""Error recursion of gradient descent on the quadratic: $x_1 - x^* = (I - \eta A)(x_0 - x^*)$."""
    A = sympy.MatrixSymbol("A", 2, 2)
    x0, b = sympy.MatrixSymbol("x_0", 2, 1), sympy.MatrixSymbol("b", 2, 1)
    eta = sympy.Symbol("eta", positive=True)
    xs = A.I * b
    identity = sympy.Identity(2)
    return (
        Derivation(
            x0 - eta * (A * x0 - b) - xs,
            name="6-5-gd-error",
            title=r"Gradient descent: $x_1 - x^* = (I - \eta A)(x_0 - x^*)$, $x^* = A^{-1}b$",
        )
        .step(x0 - xs - eta * A * (x0 - xs), "$b = A A^{-1} b$")
        .step((identity - eta * A) * (x0 - xs), "factor out $x_0 - x^*$")
    )


def _step_factor(
    name: str, interval: sympy.Interval, title: str, reason: str, relation: str, symbol: str = "t"
) -> Derivation:
    r"""$|1 - t|$ against 1 for $t$ (``symbol``) in ``interval``: one step's factor, $t = \eta\lambda$."""
    t = sympy.Symbol(symbol, real=True)
    return Derivation(sympy.Abs(1 - t), name=name, domain={t: interval}, title=title).step(
        sympy.Integer(1), reason, relation
    )


@published
def learning_rate_threshold() -> Derivation:
    r"""Along an eigenvector with eigenvalue $\lambda$, $|1 - \eta\lambda| < 1$ when $0 < \eta\lambda < 2$.

    The converse is `learning_rate_above_threshold` and `learning_rate_not_positive`.
    """
    return _step_factor(
        "6-5-lr-threshold",
        sympy.Interval.open(0, 2),
        r"$|1 - t| < 1$ for $t = \eta\lambda \in (0, 2)$ (the supremum 1 is approached at both ends)",
        r"$t = \eta\lambda$ strictly between 0 and 2",
        "<",
    )


@published
def learning_rate_above_threshold() -> Derivation:
    r"""For $t = \eta\lambda \ge 2$ the factor $|1 - t|$ is at least 1: no contraction (equality at 2)."""
    return _step_factor(
        "6-5-lr-above-threshold",
        sympy.Interval(2, sympy.oo),
        r"$|1 - t| \ge 1$ for $t = \eta\lambda \ge 2$, with equality at $t = 2$",
        r"$t = \eta\lambda \ge 2$",
        ">=",
    )


def _best_rate_symbols() -> tuple[sympy.Symbol, sympy.Symbol, sympy.Expr]:
    """Return delta >= 0 (kappa = 1 + delta), u > 0, and eta* = 2 / (1 + 1/kappa) = 2 kappa / (kappa + 1)."""
    delta, u = sympy.Symbol("delta", nonnegative=True), sympy.Symbol("u", positive=True)
    return delta, u, 2 * (1 + delta) / (delta + 2)


@published
def best_rate_contraction() -> Derivation:
    r"""Prove that $\eta^* = 2/(\lambda_{\min} + \lambda_{\max})$ contracts both directions alike.

    On $A = \mathrm{diag}(1, 1/\kappa)$ the factors $|1 - \eta^*|$ and $|1 - \eta^*/\kappa|$ are both
    $(\kappa - 1)/(\kappa + 1)$ for every $\kappa = 1 + \delta \ge 1$ (written with $\delta \ge 0$,
    so that sympy knows the sign of $\kappa - 1$). `smaller_rate_contracts_less` and
    `larger_rate_contracts_less` show that any other rate makes one of the factors larger.
    """
    delta, _, rate = _best_rate_symbols()
    kappa = 1 + delta
    return Derivation(
        sympy.Matrix([sympy.Abs(1 - rate), sympy.Abs(1 - rate / kappa)]),
        name="6-5-best-rate-contraction",
        title=r"at $\eta^* = 2\kappa/(\kappa + 1)$ both factors $|1 - \eta^*\lambda|$ of "
        r"$A = \mathrm{diag}(1, 1/\kappa)$, $\kappa = 1 + \delta$, are $(\kappa - 1)/(\kappa + 1)$",
    ).step(
        sympy.Matrix([delta / (delta + 2)] * 2),
        r"over $\delta + 2$ the factors are $|{-\delta}|/(\delta + 2)$ and $|\delta|/(\delta + 2)$, "
        r"both $\delta/(\delta + 2) = (\kappa - 1)/(\kappa + 1)$ as $\delta \ge 0$",
    )


@published
def smaller_rate_contracts_less() -> Derivation:
    r"""Prove that a rate $\eta^*(1 - u)$ below $\eta^*$ contracts the flat direction ($1/\kappa$) less."""
    delta, u, rate = _best_rate_symbols()
    return (
        Derivation(
            sympy.Abs(1 - rate * (1 - u) / (1 + delta)),
            name="6-5-smaller-rate-contracts-less",
            title=r"below $\eta^*$, at $\eta = \eta^*(1 - u)$ with $u > 0$, the flat direction's factor "
            r"$|1 - \eta/\kappa|$ exceeds $(\kappa - 1)/(\kappa + 1)$",
        )
        .step((delta + 2 * u) / (delta + 2), r"$\eta^*/\kappa = 2/(\delta + 2)$; the factor is positive")
        .step(delta / (delta + 2), r"$u > 0$", ">")
    )


@published
def larger_rate_contracts_less() -> Derivation:
    r"""Prove that a rate $\eta^*(1 + u)$ above $\eta^*$ contracts the steep direction less."""
    delta, u, rate = _best_rate_symbols()
    return (
        Derivation(
            sympy.Abs(1 - rate * (1 + u)),
            name="6-5-larger-rate-contracts-less",
            title=r"above $\eta^*$, at $\eta = \eta^*(1 + u)$ with $u > 0$, the steep direction's factor "
            r"$|1 - \eta|$ exceeds $(\kappa - 1)/(\kappa + 1)$",
        )
        .step(
            (delta + 2 * u * (delta + 1)) / (delta + 2),
            r"$\eta^* = 2(\delta + 1)/(\delta + 2) \ge 1$, so $1 - \eta < 0$",
        )
        .step(delta / (delta + 2), r"$u > 0$", ">")
    )


@published
def learning_rate_not_positive() -> Derivation:
    r"""For $t = \eta\lambda \le 0$ the factor $|1 - t|$ is at least 1.

    That is a flat direction, or negative curvature (a saddle's descent direction): the distance to
    the critical point does not shrink.
    """
    return _step_factor(
        "6-5-lr-not-positive",
        sympy.Interval(-sympy.oo, 0),
        r"$|1 - t| \ge 1$ for $t = \eta\lambda \le 0$, with equality at $t = 0$",
        r"$t = \eta\lambda \le 0$",
        ">=",
    )


@published
def quartic_step_grows() -> Derivation:
    r"""On $x^4/4$ a step of rate $\eta$ multiplies $|x|$ by $|1 - s|$, $s = \eta x^2$: more than 1 past 2.

    The gradient of $x^4/4$ is $x^3$, so the step is $x \mapsto x(1 - \eta x^2)$. For $s$ above 2 the
    factor exceeds 1: $|x|$ grows, so $s$ grows too, and as $|1 - s|$ grows with $s$ past 2, every
    later factor is at least the first. From any start with $s$ above 2, whatever the rate $\eta$,
    the iterates grow at least geometrically.
    """
    return _step_factor(
        "6-5-quartic-step-grows",
        sympy.Interval.open(2, sympy.oo),
        r"on $x^4/4$ the step $x \mapsto x(1 - \eta x^2)$ multiplies $|x|$ by $|1 - s|$ with "
        r"$s = \eta x^2$, more than 1 for $s > 2$",
        r"$s = \eta x^2 > 2$",
        ">",
        symbol="s",
    )


@published
def quartic_overshoot_grows() -> Derivation:
    r"""On $x^4/4$, the product $\eta x^2$ after a step is $s(1 - s)^2$ with $s$ its value before.

    The step multiplies $x$ by $1 - s$, so $\eta x^2$ is multiplied by $(1 - s)^2$, more than 1 once
    $s$ is past 2: then $s$ keeps growing, and so does each step's factor $|1 - s|$
    (`quartic_step_grows`), and $|x|$ grows at least geometrically.
    """
    s = sympy.Symbol("s", real=True)
    return Derivation(
        s * (1 - s) ** 2,
        name="6-5-quartic-overshoot-grows",
        domain={s: sympy.Interval.open(2, sympy.oo)},
        title=r"on $x^4/4$, $s = \eta x^2$ after a step is $s(1 - s)^2$, more than $s$ for $s > 2$",
    ).step(s, r"$(1 - s)^2 > 1$ for $s > 2$", ">")


@published
def descent_lemma_tight() -> Derivation:
    r"""On $f = Lx^2/2$ the descent lemma holds with equality: it cannot be improved."""
    x = sympy.Symbol("x", real=True)
    eta, L = sympy.symbols("eta L", positive=True)
    g = L * x
    return (
        Derivation(
            L * (x - eta * g) ** 2 / 2,
            name="6-5-descent-lemma-tight",
            title=r"$f(x - \eta f'(x)) = f(x) - \eta(1 - L\eta/2) f'(x)^2$ for $f = Lx^2/2$",
        )
        .step(L * x**2 / 2 - eta * L**2 * x**2 + eta**2 * L**3 * x**2 / 2, "expand the square")
        .step(L * x**2 / 2 - eta * (1 - L * eta / 2) * g**2, r"collect $f'(x)^2 = L^2x^2$")
    )


@published
def lu_flop_count() -> Derivation:
    r"""Gaussian elimination on an $n \times n$ matrix takes $\tfrac23 n^3 - \tfrac12 n^2 - \tfrac16 n$ flops.

    At elimination step $k$ each of the $n - k$ rows below the pivot costs one division (its
    multiplier) and one multiplication and one subtraction per entry to its right ($n - k$
    entries): $(n - k) + 2(n - k)^2$ flops for the step.
    """
    n = sympy.Symbol("n", integer=True, positive=True)
    k, j = sympy.symbols("k j", integer=True, positive=True)
    return (
        Derivation(
            sympy.Sum((n - k) + 2 * (n - k) ** 2, (k, 1, n - 1)),
            name="6-5-lu-flops",
            title=r"Flops of the LU factorisation of an $n \times n$ matrix",
        )
        .step(sympy.Sum(j + 2 * j**2, (j, 1, n - 1)), "count the rows below the pivot: $j = n - k$")
        .step(n * (n - 1) / 2 + (n - 1) * n * (2 * n - 1) / 3, r"$\sum j$ and $\sum j^2$ up to $n - 1$")
        .step(sympy.Rational(2, 3) * n**3 - n**2 / 2 - n / 6, "expand")
    )


@published
def newton_step_critical() -> Derivation:
    r"""On $\tfrac12 (x-s)^\top H (x-s)$, one Newton step lands on $s$ for every invertible symmetric $H$.

    The algebra uses only that $H$ is invertible; symmetry makes $H(x - s)$ the gradient.
    """
    H = sympy.MatrixSymbol("H", 2, 2)
    x, s = sympy.MatrixSymbol("x", 2, 1), sympy.MatrixSymbol("s", 2, 1)
    return Derivation(
        x - H.I * (H * x - H * s),
        name="6-7-newton-critical",
        title=r"A Newton step on $\frac12(x-s)^\top H(x-s)$ lands on $s$, saddle or not",
    ).step(s, "distribute $H^{-1}$; $H^{-1}H = I$")


def _ratio(num: sympy.Expr, den: sympy.Expr) -> sympy.Expr:
    """``num / den`` kept unevaluated, so that the step is shown before it is simplified."""
    return sympy.Mul(num, sympy.Pow(den, -1, evaluate=False), evaluate=False)


def _saddle_symbols() -> tuple[sympy.Symbol, ...]:
    x, y = sympy.symbols("x y", real=True)
    l1, l2 = sympy.symbols("lambda_1 lambda_2", positive=True)
    return x, y, l1, l2


@published
def newton_step_saddle() -> Derivation:
    r"""Newton on $\tfrac12(\lambda_1 x^2 - \lambda_2 y^2)$: $(x, y) \mapsto (0, 0)$, the saddle."""
    x, y, l1, l2 = _saddle_symbols()
    neg = sympy.Mul(-1, l2, evaluate=False)
    start = sympy.Matrix(
        [
            sympy.Add(x, -_ratio(l1 * x, l1), evaluate=False),
            sympy.Add(y, -_ratio(sympy.Mul(neg, y, evaluate=False), neg), evaluate=False),
        ]
    )
    return Derivation(
        start,
        name="6-7-newton-saddle",
        title=r"Newton on $\frac12(\lambda_1x^2 - \lambda_2y^2)$: $(x, y) \mapsto (0, 0)$, the saddle",
    ).step(sympy.zeros(2, 1), r"divide each gradient entry by its eigenvalue $\lambda_1$, $-\lambda_2$")


@published
def saddle_free_step() -> Derivation:
    r"""Saddle-free Newton on $\tfrac12(\lambda_1 x^2 - \lambda_2 y^2)$: $(x, y) \mapsto (0, 2y)$."""
    x, y, l1, l2 = _saddle_symbols()
    neg = sympy.Mul(-1, l2, evaluate=False)
    start = sympy.Matrix(
        [
            sympy.Add(x, -_ratio(l1 * x, sympy.Abs(l1)), evaluate=False),
            sympy.Add(
                y,
                -_ratio(sympy.Mul(neg, y, evaluate=False), sympy.Abs(neg, evaluate=False)),
                evaluate=False,
            ),
        ]
    )
    return Derivation(
        start,
        name="6-7-saddle-free-step",
        title=r"Saddle-free Newton on $\frac12(\lambda_1x^2 - \lambda_2y^2)$: $(x, y) \mapsto (0, 2y)$",
    ).step(sympy.Matrix([0, 2 * y]), r"divide by $|\lambda_i|$: the $y$ step keeps the sign of descent")
