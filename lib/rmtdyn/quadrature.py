"""Adaptive quadrature on the Marčenko–Pastur bulk, with an error it knows.

The theorem integrates the filters :math:`f_t, g_t` of :mod:`rmtdyn.filters` against the
measures :math:`\\mu, \\nu` of :mod:`rmtdyn.spectrum`.  At large :math:`\\alpha t` the
factor :math:`e^{-\\alpha t x}` has a *boundary layer* of width :math:`1/(\\alpha t)` at the
lower edge :math:`\\lambda_-` of the bulk (and discrete gradient descent near its
stability limit has one at :math:`\\lambda_+` too); at :math:`c = 1` the edge is
:math:`\\lambda_- = 0`, where :math:`\\nu` has a :math:`1/\\sqrt x` density and :math:`V`
grows like :math:`\\sqrt{\\alpha t}`.  A fixed rule cannot resolve layers of every width.

The rule here is tanh-sinh (double exponential) quadrature on
:math:`[\\lambda_-, \\lambda_+]` (book chapter 5, eq. ``tanh-sinh``):

.. math::

    x(s) = \\tfrac{\\lambda_-+\\lambda_+}2 + \\tfrac{\\lambda_+-\\lambda_-}2\\tanh\\big(\\tfrac\\pi2\\sinh s\\big),
    \\qquad
    \\int_{\\lambda_-}^{\\lambda_+} F(x)\\,dx \\approx h\\sum_{|kh|\\le S} F(x(kh))\\,x'(kh).

Its nodes crowd double-exponentially at both edges, so a layer of width
:math:`\\delta` gets a number of nodes that grows only like :math:`\\log(1/\\delta)`, and the
square-root edges of the densities (even the :math:`1/\\sqrt x` of :math:`\\nu` at
:math:`c = 1`) cost nothing.  The distances :math:`x - \\lambda_-` and :math:`\\lambda_+ - x`
are computed without cancellation, down to :math:`10^{-37}`.  Halving :math:`h` keeps the
old nodes, so every level reuses the previous one, and the difference of two levels is
an a-posteriori error estimate.  Each time is refined on its own until the estimate
meets the tolerance; times that need the same level are evaluated together: the filters
at those times on the level's nodes form one array, and the five moments are one matrix
product of it with the weights.
"""

import functools
import math
import warnings

import numpy as np

from . import _checks
from .filters import _on_bulk

__all__ = ["QuadratureWarning", "bulk_levels", "measure_rule", "bulk_moments", "rule_report", "MAX_LEVEL", "RTOL"]

RTOL = 1e-12
"""Default relative accuracy requested of every moment of the theorem."""

MAX_LEVEL = 10
"""Finest level: step :math:`h = 2^{-2-10}`, 8,193 nodes per time."""

_S = 4.0       # truncation |s| <= 4: the weights there are below 1e-37 of the largest
_H0 = 0.25     # step of level 0 (33 nodes); level l has step _H0 / 2**l


class QuadratureWarning(RuntimeWarning):
    """The requested accuracy could not be reached (the message names the setting)."""


def _level_nodes(level):
    """Nodes added at ``level`` (all of them at level 0): s, 1 + x, 1 - x, x'(s), on [-1, 1]."""
    h = _H0 / 2 ** level
    K = int(math.ceil(_S / h))
    k = np.arange(-K, K + 1)
    if level > 0:
        k = k[k % 2 == 1]
    s = k * h
    u = 0.5 * math.pi * np.sinh(s)
    ch = np.cosh(u)
    lo = np.exp(u) / ch      # 1 + tanh(u), no cancellation as u -> -inf
    hi = np.exp(-u) / ch     # 1 - tanh(u)
    dx = 0.5 * math.pi * np.cosh(s) / (ch * ch)
    return lo, hi, dx, 1.0 / ch   # the last: sqrt((1 + x)(1 - x))


@functools.lru_cache(maxsize=256)
def bulk_levels(c, level):
    """Nodes and weights added at one level of the nested tanh-sinh rule on the MP bulk.

    Returns ``x, d_lo, d_hi, w`` with :math:`d_\\mathrm{lo} = x - \\lambda_-`,
    :math:`d_\\mathrm{hi} = \\lambda_+ - x` (no cancellation) and
    :math:`w = x'(s)\\sqrt{(x-\\lambda_-)(\\lambda_+-x)}` (multiply the sum by the step
    :math:`h = 2^{-2-\\ell}` of the finest level used).

    Examples
    --------
    >>> total = sum(bulk_levels(0.5, level)[3].sum() for level in range(4))
    >>> bool(np.isclose(total * 0.25 / 2 ** 3, np.pi))  # int sqrt((x-a)(b-x)) dx = pi (b-a)^2/8 = 2 pi c
    True
    """
    lm = (1 - math.sqrt(c)) ** 2
    lp = (1 + math.sqrt(c)) ** 2
    half = 2 * math.sqrt(c)          # (lp - lm) / 2
    lo, hi, dx, sq = _level_nodes(level)
    d_lo, d_hi = half * lo, half * hi
    x = np.where(lo <= hi, lm + d_lo, lp - d_hi)
    w = half * half * dx * sq
    return x, d_lo, d_hi, w


def _measure_weights(c, mu2, levels, scale=1.0):
    """Nodes of the given levels (in that order), their counts, and the weights of the bulk parts
    of mu and nu there (the tanh-sinh weights times ``scale``, the step of the finest level)."""
    parts = [bulk_levels(c, level) for level in levels]
    x, _, d_hi, w = (np.concatenate([p[i] for p in parts]) for i in range(4))
    w = w * scale
    gap = (mu2 - math.sqrt(c)) ** 2 / mu2        # lambda_s - lambda_+ >= 0, without cancellation
    return x, [p[0].size for p in parts], w / (2 * math.pi * (gap + d_hi)), w / (2 * math.pi * c * x)


def measure_rule(problem, level):
    """The rule of ``level`` (all nodes up to it) with the weights of the bulk parts of mu and nu.

    Returns ``x, w_mu, w_nu`` with :math:`\\int h\\,d\\mu_b \\approx \\sum_k w_{\\mu,k}h(x_k)` and
    likewise for :math:`\\nu_b` (the atoms, at :math:`\\lambda_s` and 0, are the caller's).

    Examples
    --------
    >>> from rmtdyn import Problem
    >>> x, w_mu, w_nu = measure_rule(Problem(c=0.5, mu2=4.0), 3)
    >>> round(float(w_mu.sum()), 12), round(float(w_nu.sum()), 12)   # c/mu2 and min(1, 1/c)
    (0.125, 1.0)
    """
    x, _, w_mu, w_nu = _measure_weights(problem.c, problem.mu2, range(level + 1), _H0 / 2 ** level)
    return x, w_mu, w_nu


def _weights(problem, levels):
    """Nodes and moment weights of the given levels (in that order), cached per (c, mu2, gamma).

    Returns ``y, W, ranges``: ``y`` the nodes shifted by the ridge penalty, ``W`` of shape
    (3, 2, N) and ``ranges`` the slice of the nodes of each level.  With :math:`q = f_t(y) - 1`
    (so :math:`g_t = -q/y`), ``W @ [q, q**2, f**2]`` are the bulk sums (without the step
    :math:`h`) ``[[m0, 0], [m1, m2], [m3, m4]]`` of the five moments of :func:`bulk_moments`.
    """
    return _moment_weights(problem.c, problem.mu2, problem.gamma, tuple(levels))


@functools.lru_cache(maxsize=256)
def _moment_weights(c, mu2, gamma, levels):
    x, counts, w_mu, w_nu = _measure_weights(c, mu2, levels)
    y = x + gamma if gamma else x
    yy = y * y
    W = np.array([[-w_mu / y, np.zeros_like(y)], [w_mu / yy, (x * w_mu) / yy], [w_nu, x * w_nu]])
    ends = np.cumsum([0] + counts).tolist()
    return y, W, list(zip(ends[:-1], ends[1:]))


_BLOCK = 2 ** 17   # (nodes x times) values per block of times: ~1 MB per array, whatever the level
_MOMENTS = [0, 2, 3, 4, 5]   # the rows of the moments in W @ [q, q**2, f**2], flattened


def _level_sums(problem, t, levels, dynamics):
    """Bulk sums (without the step h) at times ``t``: one (6, T) array per level (rows ``_MOMENTS``).

    The filters are evaluated once on the nodes of all the given levels, a block of times at
    a time; each level's sums are then one matrix product over its own nodes.
    """
    y, W, ranges = _weights(problem, levels)
    T = t.size
    out = [np.empty((6, T)) for _ in ranges]
    B = max(1, _BLOCK // y.size)
    Z = np.empty((3, y.size, min(T, B)))
    for start in range(0, T, B):
        cols = slice(start, start + B)
        tb = t[cols]
        Zb = Z[:, :, :tb.size]
        _on_bulk(y, tb, problem.alpha, dynamics, out=Zb[::2])   # f - 1 and f^2
        np.square(Zb[0], out=Zb[1])
        for s, (a, b) in zip(out, ranges):
            s[:, cols] = (W[:, :, a:b] @ Zb[:, a:b]).reshape(6, -1)
    return out


def bulk_moments(problem, t, *, dynamics="flow", rtol=RTOL, max_level=MAX_LEVEL, sigma2=None,
                 _extras=False):
    """Bulk integrals of the theorem at every time, refined per time until they meet ``rtol``.

    Returns ``(moments, error, level)``: ``moments`` of shape ``(T, 5)`` are

    .. math::

        \\int g_t\\,d\\mu_b,\\quad \\int g_t^2\\,d\\mu_b,\\quad \\int x g_t^2\\,d\\mu_b,\\quad
        \\int f_t^2\\,d\\nu_b,\\quad \\int x f_t^2\\,d\\nu_b

    over the absolutely continuous parts :math:`\\mu_b, \\nu_b` (the atoms are added by the
    caller), ``error`` the estimated relative error of :math:`E, V, V_\\mathrm{tr}`
    (worst of the three, shape ``(T,)``) and ``level`` the level used (nodes
    :math:`2^{\\ell+5} + 1`).  Times must be finite and > 0.  A time that does not reach
    ``rtol`` by ``max_level`` raises a :class:`QuadratureWarning` naming the setting.

    Notes
    -----
    For tanh-sinh the error of level :math:`\\ell` is about the square of the relative
    difference :math:`r_\\ell` of levels :math:`\\ell` and :math:`\\ell-1` (the error squares at
    each halving of :math:`h`); the estimate used is :math:`\\max(10 r_\\ell^2, 10^{-16})`, and
    only when :math:`r_\\ell < 10^{-3}` (else the level is refused).
    """
    t = np.asarray(t, dtype=float)
    T = t.size
    c, mu2 = problem.c, problem.mu2
    k = (mu2 + c) / mu2
    s2 = problem.sigma2 if sigma2 is None else sigma2
    ls = problem.spike
    w_s = max(0.0, mu2 * mu2 - c) / mu2
    atom0 = max(0.0, 1 - 1 / c)
    gamma = problem.gamma
    if w_s > 0:
        y_s = np.array([ls + gamma])
        gs = -_on_bulk(y_s, t, problem.alpha, dynamics)[0, 0] / y_s[0]
    else:
        gs = np.zeros(T)
    f02 = _on_bulk(np.array([gamma]), t, problem.alpha, dynamics)[1, 0] if gamma > 0 else np.ones(T)
    # the atoms' parts of E, V (signal and initialisation) and V_train
    atoms = np.array([w_s * gs, w_s * gs ** 2, atom0 * f02, w_s * ls * gs ** 2])

    out = np.empty((5, T))
    err = np.full(T, np.inf)
    lev = np.empty(T, dtype=int)
    active = np.arange(T)      # the times still being refined
    sums = ahead = prev = None
    for level in range(max_level + 1):
        if ahead is not None:
            sums, ahead = sums + ahead, None
        elif level == 0 and max_level > 0:   # no time stops at level 0: level 1 comes with it
            sums, ahead = _level_sums(problem, t, (0, 1), dynamics)
        else:
            more = _level_sums(problem, t[active], (level,), dynamics)[0]
            sums = more if sums is None else sums + more
        cur = sums * (_H0 / 2 ** level)
        m0, _, m1, m2, m3, m4 = cur
        a_E, a_V, a_0, a_Vtr = atoms if active.size == T else atoms[:, active]
        tot = np.empty((3, active.size))      # E, V, V_train
        tot[0] = m0 + a_E
        tot[1] = k * (m1 + a_V) + s2 * (m3 + a_0)
        tot[2] = k * (m2 + a_Vtr) + s2 * m4
        if prev is None:
            est = np.full(active.size, np.inf)
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                r = (np.abs(tot - prev) / np.abs(tot)).max(axis=0)
            est = np.where(r < 1e-3, np.maximum(10 * r * r, 1e-16), np.inf)
        done = est <= rtol
        if level == max_level or done.all():
            out[:, active], err[active], lev[active] = cur[_MOMENTS], est, level
            active = active[~done]
            break
        if done.any():
            stop = active[done]
            out[:, stop], err[stop], lev[stop] = cur[_MOMENTS][:, done], est[done], level
            keep = ~done
            active, sums, tot = active[keep], sums[:, keep], tot[:, keep]
            if ahead is not None:
                ahead = ahead[:, keep]
        prev = tot
    if active.size:
        worst = active[np.argmax(err[active])]
        reached = f"{err[worst]:.1e}" if np.isfinite(err[worst]) else "above 1e-03"
        warnings.warn(
            f"rmtdyn: the bulk quadrature reached an estimated relative error {reached} "
            f"(requested {rtol:.0e}) at t={t[worst]:.6g} ({dynamics}, c={c:g}, mu2={mu2:g}, "
            f"sigma2={s2:g}, alpha={problem.alpha:g}, gamma={problem.gamma:g}); "
            f"{active.size} of {T} times affected", QuadratureWarning, stacklevel=3)
    out = out.T
    if _extras:
        return out, err, lev, gs, f02
    return out, err, lev


def rule_report(problem, t, *, dynamics="flow", rtol=RTOL):
    """The rule the theory chooses at each time: nodes used and estimated relative error.

    Returns
    -------
    dict
        ``t``, ``nodes`` (int array) and ``error`` (estimated relative error of E, V and
        V_train) for each finite time > 0.

    Examples
    --------
    >>> from rmtdyn import Problem
    >>> rep = rule_report(Problem(c=1.0, mu2=1.0, alpha=0.01), [1.0, 1e4, 1e10])
    >>> rep["nodes"].tolist()
    [65, 129, 513]
    >>> bool((rep["error"] <= 1e-12).all())
    True
    """
    from .params import Problem
    if not isinstance(problem, Problem):
        raise TypeError(f"problem must be an rmtdyn.Problem; got {type(problem).__name__}")
    dynamics = _checks.dynamics(dynamics)
    t = _checks.times(t, integer=(dynamics == "gd"))
    rtol = _checks.real_scalar(rtol, "rtol", low=0, allowed="relative tolerance rtol > 0")
    if dynamics == "gd":
        problem.check_gd_step()
    keep = np.isfinite(t) & (t > 0)
    _, err, lev = bulk_moments(problem, t[keep], dynamics=dynamics, rtol=rtol)
    nodes = np.array([2 ** (int(v) + 5) + 1 for v in lev], dtype=int)
    return {"t": t[keep], "nodes": nodes, "error": err}
