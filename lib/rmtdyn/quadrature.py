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


def _moments_at(problem, t, x, d_lo, d_hi, w, dynamics):
    """Bulk sums (without the step h) of the five moments for times ``t`` on the given nodes."""
    from .filters import _on_bulk
    c, mu2 = problem.c, problem.mu2
    gap = (mu2 - math.sqrt(c)) ** 2 / mu2        # lambda_s - lambda_+ >= 0, without cancellation
    w_mu = w / (2 * math.pi * (gap + d_hi))      # mu bulk density times the weights
    w_nu = w / (2 * math.pi * c * x) if x.size else w
    f2, g = _on_bulk(x + problem.gamma if problem.gamma else x, t, problem.alpha, dynamics)
    g2 = g * g
    return np.stack([g @ w_mu, g2 @ w_mu, g2 @ (x * w_mu), f2 @ w_nu, f2 @ (x * w_nu)], axis=-1)


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
    from .filters import _on_bulk
    gamma = problem.gamma
    gs = _on_bulk(np.array([ls + gamma]), t, problem.alpha, dynamics)[1][:, 0] if w_s > 0 else np.zeros(T)
    f02 = _on_bulk(np.array([gamma]), t, problem.alpha, dynamics)[0][:, 0] if gamma > 0 else np.ones(T)
    def totals(m):   # E, V, V_train from the bulk moments (shape (..., 5))
        E = m[..., 0] + w_s * gs_a
        V = k * (m[..., 1] + w_s * gs_a ** 2) + s2 * (m[..., 3] + atom0 * f0_a)
        Vtr = k * (m[..., 2] + w_s * ls * gs_a ** 2) + s2 * m[..., 4]
        return np.stack([E, V, Vtr], axis=-1)

    sums = np.zeros((T, 5))
    prev = np.full((T, 3), np.nan)
    out = np.zeros((T, 5))
    err = np.full(T, np.inf)
    lev = np.full(T, -1)
    active = np.arange(T)
    for level in range(max_level + 1):
        x, d_lo, d_hi, wl = bulk_levels(c, level)
        sums[active] += _moments_at(problem, t[active], x, d_lo, d_hi, wl, dynamics)
        h = _H0 / 2 ** level
        cur = sums[active] * h
        gs_a, f0_a = gs[active], f02[active]
        tot = totals(cur)
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.max(np.abs(tot - prev[active]) / np.abs(tot), axis=1)
        est = np.where(r < 1e-3, np.maximum(10 * r * r, 1e-16), np.inf)
        out[active] = cur
        err[active] = est
        lev[active] = level
        prev[active] = tot
        done = est <= rtol
        active = active[~done]
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
