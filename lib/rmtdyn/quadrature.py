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
meets the tolerance; times that need the same level are evaluated together.
"""

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


_CACHE = {}


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
    key = (float(c), int(level))
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    lm = (1 - math.sqrt(c)) ** 2
    lp = (1 + math.sqrt(c)) ** 2
    half = 2 * math.sqrt(c)          # (lp - lm) / 2
    lo, hi, dx, sq = _level_nodes(level)
    d_lo, d_hi = half * lo, half * hi
    x = np.where(lo <= hi, lm + d_lo, lp - d_hi)
    w = half * half * dx * sq
    out = (x, d_lo, d_hi, w)
    if len(_CACHE) > 256:
        _CACHE.clear()
    _CACHE[key] = out
    return out


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
    c, mu2 = problem.c, problem.mu2
    parts = [bulk_levels(c, k) for k in range(level + 1)]
    x, d_lo, d_hi, w = (np.concatenate([p[i] for p in parts]) for i in range(4))
    w = w * (_H0 / 2 ** level)
    gap = (mu2 - math.sqrt(c)) ** 2 / mu2
    return x, w / (2 * math.pi * (gap + d_hi)), w / (2 * math.pi * c * x)


_WEIGHTS = {}


def _weights(problem, levels):
    """Nodes and moment weights of the given levels (in that order), cached per (c, mu2, gamma).

    Returns ``y, W, ranges``: ``y`` the nodes shifted by the ridge penalty, ``W`` of shape
    (5, N) such that, with :math:`q = f_t(y) - 1` (so :math:`g_t = -q/y`), the bulk sums of
    the five moments (without the step :math:`h`) are ``W[0] @ q``, ``W[1:3] @ q**2`` and
    ``W[3:5] @ f**2``, and ``ranges`` the slice of the nodes of each level.
    """
    key = (problem.c, problem.mu2, problem.gamma, levels)
    hit = _WEIGHTS.get(key)
    if hit is not None:
        return hit
    c, mu2 = problem.c, problem.mu2
    parts = [bulk_levels(c, level) for level in levels]
    x, d_lo, d_hi, w = (np.concatenate([p[i] for p in parts]) for i in range(4))
    gap = (mu2 - math.sqrt(c)) ** 2 / mu2        # lambda_s - lambda_+ >= 0, without cancellation
    w_mu = w / (2 * math.pi * (gap + d_hi))      # mu bulk density times the weights
    w_nu = w / (2 * math.pi * c * x)
    y = x + problem.gamma if problem.gamma else x
    yy = y * y
    W = np.stack([-w_mu / y, w_mu / yy, (x * w_mu) / yy, w_nu, x * w_nu])
    ends = np.cumsum([0] + [p[0].size for p in parts])
    out = (y, W, list(zip(ends[:-1].tolist(), ends[1:].tolist())))
    if len(_WEIGHTS) > 256:
        _WEIGHTS.clear()
    _WEIGHTS[key] = out
    return out


_BLOCK = 256   # times per block: the (nodes x times) arrays of a block stay in the CPU cache


def _level_sums(problem, t, levels, dynamics):
    """Bulk sums (without the step h) of the five moments at times ``t``, one (5, T) array per level.

    The filters are evaluated once on the nodes of all the given levels, a block of times at
    a time; each level's sums are then matrix products over its own nodes.
    """
    y, W, ranges = _weights(problem, levels)
    out = [np.empty((5, t.size)) for _ in ranges]
    for start in range(0, t.size, _BLOCK):
        cols = slice(start, start + _BLOCK)
        q, f2 = _on_bulk(y, t[cols], problem.alpha, dynamics)
        q2 = np.square(q)
        for s, (a, b) in zip(out, ranges):
            s[0, cols] = W[0, a:b] @ q[a:b]
            s[1:3, cols] = W[1:3, a:b] @ q2[a:b]
            s[3:5, cols] = W[3:5, a:b] @ f2[a:b]
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
        gs = -_on_bulk(y_s, t, problem.alpha, dynamics)[0][0] / y_s[0]
    else:
        gs = np.zeros(T)
    f02 = _on_bulk(np.array([gamma]), t, problem.alpha, dynamics)[1][0] if gamma > 0 else np.ones(T)
    # the atoms' parts of E, V, V_train (the bulk sums are added at each level)
    sp_E = w_s * gs
    sp_V = w_s * gs ** 2
    sp_0 = atom0 * f02
    sp_Vtr = w_s * ls * gs ** 2

    out = np.zeros((5, T))
    prev = np.full((3, T), np.nan)
    err = np.full(T, np.inf)
    lev = np.full(T, -1)
    active = np.arange(T)
    sums = np.zeros((5, T))
    ahead = None      # the next level's sums, computed with this one (no time stops at level 0)
    for level in range(max_level + 1):
        if ahead is not None:
            sums += ahead
            ahead = None
        elif level == 0 and max_level > 0:
            s0, ahead = _level_sums(problem, t, (0, 1), dynamics)
            sums += s0
        else:
            sums += _level_sums(problem, t[active], (level,), dynamics)[0]
        h = _H0 / 2 ** level
        cur = sums * h
        m0, m1, m2, m3, m4 = cur
        E = m0 + sp_E[active]
        V = k * (m1 + sp_V[active]) + s2 * (m3 + sp_0[active])
        Vtr = k * (m2 + sp_Vtr[active]) + s2 * m4
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.maximum(np.maximum(np.abs(E - prev[0, active]) / np.abs(E),
                                      np.abs(V - prev[1, active]) / np.abs(V)),
                           np.abs(Vtr - prev[2, active]) / np.abs(Vtr))
        est = np.where(r < 1e-3, np.maximum(10 * r * r, 1e-16), np.inf)
        out[:, active] = cur
        err[active] = est
        lev[active] = level
        prev[0, active], prev[1, active], prev[2, active] = E, V, Vtr
        done = est <= rtol
        if done.any():
            keep = ~done
            active = active[keep]
            sums = sums[:, keep]
            if ahead is not None:
                ahead = ahead[:, keep]
        if active.size == 0:
            break
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
