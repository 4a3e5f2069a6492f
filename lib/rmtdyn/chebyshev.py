"""Chebyshev expansion of the training filters: every time from a few matrix products.

Gradient flow and descent give :math:`w(t) = f_t(M)w_0 + g_t(M)u` with
:math:`M = XX^T/n`, :math:`u = Xy/n` (book chapter 2, eq. ``w-closed-form``; the filters
are those of :mod:`rmtdyn.filters`).  When the spectrum of :math:`M` lies in
:math:`[0, L]`, each filter has a Chebyshev expansion on that interval,

.. math::

    f_t(x) = \\sum_{l\\ge0} a_l(t)\\,T_l\\big(\\tfrac{2x}{L} - 1\\big),\\qquad
    w(t) \\approx \\sum_{l<r} a_l(t)\\,T_l(\\tilde M)w_0 + b_l(t)\\,T_l(\\tilde M)u,
    \\qquad \\tilde M = \\tfrac2L M - I,

and the vectors :math:`T_l(\\tilde M)[w_0, u]` come from the three-term recurrence
:math:`T_{l+1} = 2\\tilde M T_l - T_{l-1}`: :math:`r` products by :math:`M` serve every time at
once, where an eigendecomposition costs about :math:`12p^3`.  Since :math:`M` is symmetric,
the truncation moves :math:`w(t)` by at most

.. math::

    \\|w_r(t) - w(t)\\| \\le \\|w_0\\|\\sum_{l\\ge r}|a_l(t)| + \\|u\\|\\sum_{l\\ge r}|b_l(t)|,

a bound known for every time, so a sign :math:`y_ix_i^Tw(t)` farther than
:math:`\\|x_i\\|` times that bound from zero is certain.  The interval is certified too:
:math:`L` is a Lanczos estimate of :math:`\\lambda_{\\max}(M)` raised until the Cholesky
factorisation of :math:`LI - M` succeeds.  The expansion converges fast while
:math:`\\alpha tL` is moderate; at long times (and at :math:`t = \\infty`, where
:math:`f_t` jumps at 0) it needs many terms, and :func:`solve` declines.
"""

import math

import numpy as np
from scipy.fft import dct
from scipy.linalg import eigvalsh_tridiagonal
from scipy.linalg.blas import dsyrk
from scipy.linalg.lapack import dpocon, dpotrf, dpotrs

from .filters import filters
from .params import gd_step_is_stable

__all__ = ["TOL", "lambda_max_bound", "coefficients", "solve"]

TOL = 1e-13
"""Truncation error allowed, relative to :math:`\\|w_0\\|\\max|f_t| + \\|u\\|\\max|g_t|`."""

_NODES = (32, 64, 128, 256)   # Chebyshev-Lobatto grids tried for the coefficients
_EPS = np.finfo(float).eps


def lambda_max_bound(M, *, start=None, steps=16):
    """A certified upper bound :math:`L \\ge \\lambda_{\\max}(M)` of a symmetric PSD matrix.

    ``steps`` Lanczos steps (full reorthogonalisation) estimate :math:`\\lambda_{\\max}`; the
    estimate is raised by 1 %, then by factors of 4 in that margin, until the Cholesky
    factorisation of :math:`LI - M` succeeds, which proves :math:`LI - M \\succ 0` up to its
    backward error :math:`O(p\\epsilon L)`, added to the returned value.

    Parameters
    ----------
    M : ndarray, shape (p, p)
        Symmetric.
    start : ndarray, shape (p,), optional
        Starting vector of Lanczos (a vector of ones by default).

    Examples
    --------
    >>> M = np.diag([1.0, 2.0, 3.0])
    >>> bool(3.0 <= lambda_max_bound(M) < 3.1)
    True
    """
    p = M.shape[0]
    q = np.ones(p) if start is None else np.asarray(start, dtype=float) + 1.0
    q = q / np.linalg.norm(q)
    Q = np.empty((p, min(steps, p)))
    a, b = [], []
    for j in range(Q.shape[1]):
        Q[:, j] = q
        z = M @ q
        a.append(q @ z)
        z -= Q[:, :j + 1] @ (Q[:, :j + 1].T @ z)
        z -= Q[:, :j + 1] @ (Q[:, :j + 1].T @ z)
        beta = math.sqrt(z @ z)
        if beta <= 1e-12 * max(abs(a[0]), 1e-300) or j == Q.shape[1] - 1:
            break
        b.append(beta)
        q = z / beta
    theta = float(eigvalsh_tridiagonal(np.array(a), np.array(b[:len(a) - 1]))[-1])
    scale = max(theta, float(np.abs(np.diag(M)).max()), 1e-300)
    margin = 0.01
    for _ in range(40):
        L = (max(theta, 0.0) + margin * scale) * (1 + 8 * p * _EPS)
        if _proves_bound(M, L):
            return L
        margin *= 4
    raise ValueError("M is not symmetric positive semi-definite with finite entries")


def coefficients(L, t, *, alpha, dynamics, gamma=0.0, nodes=None, start=None):
    """Chebyshev coefficients on :math:`[0, L]` of the filters :math:`f_t, g_t` at every time.

    Returns ``(a, b, f_max, g_max)``: ``a`` and ``b`` of shape (T, N + 1) (the coefficients of
    :math:`f_t` and :math:`g_t` from the interpolant on N + 1 Chebyshev–Lobatto points), and
    the largest :math:`|f_t|, |g_t|` on the grid.  The grid is the first of 32, 64, 128, 256
    points (``nodes`` only, if given; none below ``start``) whose last four coefficients are
    at rounding level, or ``None`` if none is.

    Notes
    -----
    With :math:`x_j = \\frac L2(1 + \\cos\\frac{\\pi j}N)`,
    :math:`a_l = \\frac{2}{N}{\\sum_j}'' f(x_j)\\cos\\frac{\\pi jl}{N}` (end terms halved, and
    :math:`a_0, a_N` halved): a type-I discrete cosine transform.

    Examples
    --------
    >>> a, b, fm, gm = coefficients(4.0, [0.0, 1.0], alpha=0.1, dynamics="gd")
    >>> bool(np.abs(a[1, :3] - [0.8, -0.2, 0.0]).max() < 1e-15)   # 1 - 0.1 x = 0.8 - 0.2 T_1
    True
    """
    grids = (nodes,) if nodes is not None else tuple(N for N in _NODES if start is None or N >= start)
    for N in grids:
        x = 0.5 * L * (1 + np.cos(np.pi * np.arange(N + 1) / N))
        f, g = filters(x, t, alpha=alpha, dynamics=dynamics, gamma=gamma)
        if not (np.isfinite(f).all() and np.isfinite(g).all()):
            return None
        a, b = (dct(v, type=1, axis=1) / N for v in (f, g))
        for c in (a, b):
            c[:, 0] /= 2
            c[:, -1] /= 2
        f_max, g_max = np.abs(f).max(axis=1), np.abs(g).max(axis=1)
        if (np.abs(a[:, -4:]).max(axis=1) <= 8 * _EPS * f_max).all() and \
                (np.abs(b[:, -4:]).max(axis=1) <= 8 * _EPS * g_max).all():
            return a, b, f_max, g_max
    return None


def _tails(c):
    """tails[:, l] = sum_{k >= l} |c[:, k]|."""
    return np.cumsum(np.abs(c)[:, ::-1], axis=1)[:, ::-1]


def solve(X, y, w0, t, *, alpha, gamma=0.0, dynamics="flow", evaluated=None, tol=TOL, cache=None):
    """The path :math:`w(t)` by a Chebyshev expansion, when that is cheaper than an eigendecomposition.

    Returns ``(B, C, XB, err)`` with :math:`w(t) \\approx B\\,C[t]` (``B`` of shape (p, q),
    not orthonormal), ``XB`` :math:`= X^TB` and ``err[t]`` a bound on the distance of
    :math:`B\\,C[t]` to :math:`w(t)`; or ``None`` when the expansion would cost more than
    one eigendecomposition (long times, :math:`t = \\infty`) or when :math:`\\alpha` may be
    an unstable GD step for this sample (the eigenvalues then decide).

    Parameters
    ----------
    X : ndarray, shape (p, n)
    y, w0 : ndarray
    t : ndarray, shape (T,)
        Checked times (flow) or step counts (GD).
    alpha, gamma : float
        Learning rate and ridge penalty.
    dynamics : {"flow", "gd"}
    evaluated : int, optional
        How many samples the caller will score at every time (for the cost model;
        ``n`` by default).
    tol : float, default TOL
        Truncation allowed, relative to the size of :math:`w(t)`.
    cache : dict, optional
        Coefficients by interval, shared by the runs of one experiment.

    Notes
    -----
    When :math:`M + \\gamma I` is well conditioned (:math:`p \\le n`, and the error of the
    solve below :math:`10^{-9}` of the size of :math:`w(t)` at every time), the path is
    written around its end point :math:`w_\\star = (M + \\gamma I)^{-1}u`, so that one
    sequence of vectors serves:

    .. math::

        w(t) = w_\\star + f_t(M)(w_0 - w_\\star) \\approx
        w_\\star + \\sum_{l<r} a_l(t)\\,T_l(\\tilde M)(w_0 - w_\\star),

    (:math:`g_t(x) = (1 - f_t(x))/x` in book chapter 2, eq. ``w-closed-form``); otherwise
    :math:`w(t) \\approx \\sum_{l<r} a_l(t)T_l(\\tilde M)w_0 + b_l(t)T_l(\\tilde M)u`.  ``r`` is
    the smallest degree whose truncation bound is below ``tol`` times a bound on
    :math:`\\|w(t)\\|` at every time; ``err`` adds the rounding of the recurrence and,
    with :math:`w_\\star`, the error of the solve (from its residual).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 200)); y = np.sign(rng.standard_normal(200))
    >>> w0, k = rng.standard_normal(100) / 10, np.arange(1.0, 31.0)
    >>> B, C, XB, err = solve(X, y, w0, k, alpha=0.1, dynamics="gd")
    >>> from rmtdyn.dynamics import weights
    >>> W = weights(X, y, w0, alpha=0.1, t=k, dynamics="gd")
    >>> B.shape[1] <= 25, bool(np.abs(C @ B.T - W).max() < 1e-13), bool(err.max() < 1e-10)
    (True, True, True)
    """
    if gamma == 0 and not np.isfinite(t).all():
        return None   # f_inf jumps at 0 and g_inf = 1/x: no expansion (before any matrix work)
    p, n = X.shape
    evaluated = n if evaluated is None else evaluated
    small = min(p, n)
    S = _full(dsyrk(1.0 / n, X, trans=int(p > n)))  # the smaller Gram matrix
    u = X @ y / n
    L = _interval(S, u if p <= n else y, cache)
    if dynamics == "gd" and not gd_step_is_stable(alpha, L, gamma):
        return None
    coef = _coefficients(L, t, alpha, dynamics, gamma, cache)
    if coef is None:
        return None
    a, b, f_max, g_max, ta, tb = coef
    n0, nu = math.sqrt(w0 @ w0), math.sqrt(u @ u)
    star = _end_point(S, u, gamma) if p <= n else None
    if star is not None and not star[1] <= 1e-9 * (n0 * f_max + nu * g_max).min():
        star = None   # its error would not be small against w(t) at every time
    if star is not None:
        w_star, d_star = star
        v = w0 - w_star
        nv = math.sqrt(v @ v)
        size = math.sqrt(w_star @ w_star) + nv * f_max
        tail = nv * ta
    else:
        size = n0 * f_max + nu * g_max
        tail = n0 * ta + nu * tb                   # (T, N + 1): truncation bound at each degree
    ok = (tail <= tol * size[:, None]).all(axis=0)
    r = max(int(np.argmax(ok)) if ok.any() else a.shape[1], 1)
    k = 1 if star is not None else 2               # vectors per degree
    q = k * r + (star is not None)
    # multiply-adds (a transcendental function ~ 250): recurrence and scores, against the
    # eigendecomposition, the filters at the p eigenvalues and the scores
    cost = r * k * (small * small if p <= n else 2 * p * n) + evaluated * q * (p + t.size)
    cost_eig = 12 * small ** 3 + 250 * t.size * p + evaluated * p * (p + t.size)
    if cost >= cost_eig or q > small // 2:
        return None
    if p <= n:
        apply = S.__matmul__
    else:
        def apply(Z):
            return X @ (X.T @ Z) / n
    B = np.empty((p, q))
    B[:, 0:k] = (v if star is not None else np.column_stack([w0, u])).reshape(p, k)
    if r > 1:
        B[:, k:2 * k] = (2.0 / L) * apply(B[:, 0:k]) - B[:, 0:k]
    for l in range(2, r):
        B[:, k * l:k * l + k] = (4.0 / L) * apply(B[:, k * l - k:k * l]) - 2 * B[:, k * l - k:k * l] \
            - B[:, k * l - 2 * k:k * l - k]
    C = np.empty((t.size, q))
    rounding = 4 * (r + 1) ** 2 * _EPS
    if star is not None:
        B[:, -1] = w_star
        C[:, :r], C[:, -1] = a[:, :r], 1.0
        err = rounding * (nv * ta[:, 0] + math.sqrt(w_star @ w_star)) + (1 + f_max) * d_star
    else:
        C[:, 0:2 * r:2], C[:, 1:2 * r:2] = a[:, :r], b[:, :r]
        err = rounding * (n0 * ta[:, 0] + nu * tb[:, 0])
    if r < tail.shape[1]:
        err = err + tail[:, r]
    return B, C, X.T @ B, err


def _interval(S, start, cache):
    """A certified :math:`L \\ge \\lambda_{\\max}(S)`; the runs of one experiment share a few values.

    An interval of an earlier run is taken when a Cholesky factorisation proves it and it
    is at most 20 % above a lower bound (a Rayleigh quotient after four power steps);
    else :func:`lambda_max_bound`, raised by 8 % to leave room for the next runs (the
    largest eigenvalue varies by a few per cent from run to run).
    """
    known = [] if cache is None else cache.setdefault("intervals", [])
    if known:
        v = np.asarray(start, dtype=float) + 1.0
        for _ in range(4):
            v = S @ v
            v /= math.sqrt(v @ v)
        theta = float(v @ (S @ v))
        for L in sorted(known):
            if theta <= L <= 1.2 * theta and _proves_bound(S, L):
                return L    # the same value as before: the runs share its coefficients
    L = 1.08 * lambda_max_bound(S, start=start)
    known.append(L)
    return L


def _proves_bound(M, L):
    """Whether a Cholesky factorisation shows :math:`\\lambda_{\\max}(M) \\le L`.

    It factors :math:`L'I - M` with :math:`L' = L/(1 + 8p\\epsilon)`: success proves that
    matrix positive definite up to the factorisation's backward error, below :math:`L - L'`.
    """
    p = M.shape[0]
    A = -M
    A.flat[::p + 1] += L / (1 + 8 * p * _EPS)
    return dpotrf(A, lower=0, clean=0, overwrite_a=1)[1] == 0


def _coefficients(L, t, alpha, dynamics, gamma, cache):
    key = (L, alpha, dynamics, gamma, t.tobytes())
    if cache is not None and key in cache:
        return cache[key]
    start = None if cache is None else cache.get("nodes")   # the grid that sufficed last time
    coef = coefficients(L, t, alpha=alpha, dynamics=dynamics, gamma=gamma, start=start)
    if coef is not None:
        if cache is not None:
            cache["nodes"] = coef[0].shape[1] - 1
        a, b, f_max, g_max = coef
        coef = (a, b, f_max, g_max, _tails(a), _tails(b))
    if cache is not None:
        cache[key] = coef
    return coef


def _end_point(S, u, gamma, max_condition=1e8):
    """``(w_star, bound)``: the solution of :math:`(S + \\gamma I)w = u` and a bound on its error,
    or ``None`` if the matrix is singular or its condition number exceeds ``max_condition``.

    The bound is
    :math:`\\|(S+\\gamma I)^{-1}\\|\\,(\\|\\hat r\\| + p\\epsilon\\|S+\\gamma I\\|_1\\|\\hat w\\|)` with the
    computed residual :math:`\\hat r`, the inverse's norm from LAPACK's condition estimate
    (times 3, the estimate being a lower bound that is rarely off by more).
    """
    p = S.shape[0]
    A = S.copy()
    A.flat[::p + 1] += gamma
    anorm = float(np.abs(A).sum(axis=0).max())
    R, info = dpotrf(A, lower=0, clean=1, overwrite_a=0)
    if info != 0:
        return None
    rcond, info = dpocon(R, anorm)
    if info != 0 or not rcond * max_condition > 1:
        return None
    w, info = dpotrs(R, u)
    res = u - A @ w
    inv_norm = 3.0 / (rcond * anorm)
    return w, inv_norm * (math.sqrt(res @ res) + p * _EPS * anorm * math.sqrt(w @ w))


def _full(M):
    """The symmetric matrix whose upper triangle is that of ``M`` (as left by ``dsyrk``: lower = 0)."""
    S = M + M.T
    S.flat[::M.shape[0] + 1] = M.flat[::M.shape[0] + 1]
    return S
