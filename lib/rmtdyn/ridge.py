"""Beyond the paper, ridge penalty (book chapter 9): the ridge estimator and its link to early stopping.

Gradient descent on :math:`L(w) + \\frac\\gamma2\\|w\\|^2` converges to
:math:`w_\\gamma = (M + \\gamma I)^{-1}Xy/n`; its performance has closed forms
(:func:`ridge_errors`), a best penalty (:func:`optimal_ridge`), and a penalty equivalent to
stopping at time :math:`t` (:func:`effective_gamma`).
"""

from dataclasses import dataclass
import math

import numpy as np
from scipy.optimize import minimize_scalar

from . import _checks
from .params import Problem  # noqa: F401  (the doctests' Problem)
from . import quadrature
from .filters import filters
from .results import RidgeErrors
from .spectrum import DEFAULT_NODES, bulk_rule, integrate_mu
from .theory import (_problem, _real_array, _ridge_moments, cauchy_schwarz_bound, error_rate,
                     limits)

__all__ = ["ridge_errors", "OptimalRidge", "optimal_ridge", "effective_gamma"]


def _gamma_vector(gamma, name="gamma"):
    g = np.atleast_1d(_real_array(gamma, name))
    if g.ndim != 1 or g.size == 0:
        raise ValueError(f"{name} must be a number or a non-empty 1-D sequence of penalties >= 0 (inf allowed)")
    if np.isnan(g).any() or (g < 0).any():
        raise ValueError(f"{name} must hold penalties >= 0 (inf allowed); got {g[np.isnan(g) | (g < 0)][0]}")
    return g


def ridge_errors(problem, gamma, *, nodes=DEFAULT_NODES):
    """Test and training performance of the ridge estimator (:math:`t = \\infty`) for a vector of penalties.

    :math:`w_\\gamma = (M + \\gamma I)^{-1}Xy/n` is the limit of gradient descent on
    :math:`L(w) + \\frac\\gamma2\\|w\\|^2` (any stable step, any initialisation).  Uses the
    closed forms of :func:`limits` (book chapter 9, eq. ``ridge-limit``); ``gamma = 0``
    is the paper's :math:`t = \\infty` limit (with ``problem.sigma2``) and ``gamma = inf``
    the limit direction :math:`Xy/n`, whose test error attains the Cauchy–Schwarz bound
    (:func:`cauchy_schwarz_bound`):

    .. math::

        \\lim_{\\gamma\\to\\infty}\\frac{E^2}{V} = \\frac{\\|\\mu\\|^4}{\\|\\mu\\|^2 + c},\\qquad
        \\lim_{\\gamma\\to\\infty}\\frac{E_\\mathrm{tr}^2}{V_\\mathrm{tr} - E_\\mathrm{tr}^2}
        = \\frac{\\kappa\\, m_0^2}{m_1 - \\kappa m_0^2},

    with :math:`m_k = \\int x^k d\\mu` (:math:`m_0 = \\|\\mu\\|^2`) and :math:`\\kappa = (\\|\\mu\\|^2 + c)/\\|\\mu\\|^2`.
    ``problem.gamma`` is ignored (the penalties are ``gamma``).

    Returns
    -------
    dict
        ``gamma``, ``E``, ``V``, ``E_train``, ``V_train`` (NaN at ``gamma = inf``, where
        they all vanish), ``test_error``, ``train_error``: arrays of shape ``(G,)``.

    Examples
    --------
    >>> out = ridge_errors(Problem(c=0.5, mu2=4.0), [0.0, 1.0, np.inf])
    >>> out["test_error"].round(4).tolist()
    [0.0912, 0.0365, 0.0297]
    """
    problem = _problem(problem)
    g = _gamma_vector(gamma)
    c, mu2 = problem.c, problem.mu2
    k = (mu2 + c) / mu2
    out = {key: np.full(g.shape, np.nan) for key in ("E", "V", "E_train", "V_train",
                                                      "test_error", "train_error")}
    pos = (g > 0) & np.isfinite(g)
    if pos.any():
        S, dS = _ridge_moments(c, mu2, g[pos])
        out["E"][pos], out["V"][pos] = S, k * dS
        out["E_train"][pos] = k * S
        out["V_train"][pos] = k * S - g[pos] * k * dS
    if (g == 0).any():
        lim = limits(problem.replace(gamma=0.0))
        for key in ("E", "V", "E_train", "V_train"):
            out[key][g == 0] = lim[key]
    fin = np.isfinite(g)
    out["test_error"][fin] = error_rate(out["E"][fin], out["V"][fin])
    Etr = out["E_train"][fin]
    out["train_error"][fin] = error_rate(Etr, variance=out["V_train"][fin] - Etr * Etr)
    inf = np.isinf(g)
    if inf.any():
        rule = bulk_rule(c, nodes)
        ls = problem.spike
        m1 = float(integrate_mu(rule[0], ls, c, mu2, rule))
        out["test_error"][inf] = float(error_rate(math.sqrt(cauchy_schwarz_bound(problem)), 1.0))
        out["train_error"][inf] = float(error_rate(k * mu2, variance=k * m1 - (k * mu2) ** 2))
    out["gamma"] = g
    return RidgeErrors(**out)


@dataclass(frozen=True)
class OptimalRidge:
    """Result of :func:`optimal_ridge` (``gamma_opt`` may be ``inf``)."""

    gamma_opt: float
    test_error_opt: float
    train_error_opt: float

    def as_dict(self):
        """Plain floats, infinities as the string ``"inf"``."""
        return {k: ("inf" if math.isinf(getattr(self, k)) else float(getattr(self, k)))
                for k in ("gamma_opt", "test_error_opt", "train_error_opt")}


def optimal_ridge(problem, *, points=200, rtol=1e-10):
    """Best ridge penalty at :math:`t = \\infty`: :math:`\\gamma^\\star = \\arg\\min_{\\gamma\\in[0,\\infty]} Q(E_\\infty(\\gamma)/\\sqrt{V_\\infty(\\gamma)})`.

    Searched on a log grid :math:`\\gamma \\in [10^{-6}, 10^{6}]` plus 0 and
    :math:`\\infty`, then refined by a bounded Brent search in :math:`\\log\\gamma`
    between the neighbours of the grid minimum.  If the limit :math:`\\gamma = \\infty`
    (the Cauchy–Schwarz bound) is within ``rtol`` of the best finite penalty, the
    answer is :math:`\\gamma^\\star = \\infty` (book chapter 9, eq. ``ridge-best``).

    Examples
    --------
    >>> res = optimal_ridge(Problem(c=0.5, mu2=4.0))
    >>> res.gamma_opt, round(res.test_error_opt, 4)
    (inf, 0.0297)
    """
    problem = _problem(problem)
    points = _checks.positive_int(points, "points", minimum=10)
    grid = np.concatenate([[0.0], np.geomspace(1e-6, 1e6, points), [np.inf]])
    out = ridge_errors(problem, grid)
    err = out["test_error"]
    i = int(np.nanargmin(np.where(np.isnan(err), np.inf, err)))
    best_g, best_e = float(grid[i]), float(err[i])
    if 0 < i < grid.size - 1:
        lo, hi = max(grid[i - 1], 1e-7), grid[i + 1] if np.isfinite(grid[i + 1]) else 1e7
        res = minimize_scalar(lambda u: float(ridge_errors(problem, [math.exp(u)])["test_error"][0]),
                              bounds=(math.log(lo), math.log(hi)), method="bounded",
                              options={"xatol": 1e-10})
        if res.fun < best_e:
            best_g, best_e = math.exp(res.x), float(res.fun)
    if err[-1] <= best_e * (1 + rtol):
        best_g, best_e = math.inf, float(err[-1])
    train = float(ridge_errors(problem, [best_g])["train_error"][0])
    return OptimalRidge(gamma_opt=best_g, test_error_opt=best_e, train_error_opt=train)


def effective_gamma(problem, t, *, dynamics="flow", nodes=None, points=200):
    """The ridge penalty whose estimator is closest to the one stopped at time ``t``.

    :math:`\\gamma_\\mathrm{eff}(t) = \\arg\\min_{\\gamma \\ge 0} \\lim \\|w_t - w_\\gamma\\|^2`
    with :math:`w_\\gamma = (M + \\gamma I)^{-1}Xy/n`.  Both are spectral filters of the
    same data, so (book chapter 9, eq. ``gamma-eff``)

    .. math::

        \\lim\\|w_t - w_\\gamma\\|^2 = \\kappa\\int\\Big(g_t(x + \\gamma_0) - \\frac1{x+\\gamma}\\Big)^2 d\\mu(x)
        + \\sigma^2\\int f_t(x+\\gamma_0)^2\\,d\\nu(x),

    where :math:`\\gamma_0` is ``problem.gamma`` and the second term does not depend on
    :math:`\\gamma`.  Minimised on a log grid of ``points`` penalties in
    :math:`[10^{-6}, 10^{6}]`, refined by Brent's method in :math:`\\log\\gamma`.
    At :math:`t = 0` the answer is :math:`\\infty`; at :math:`t = \\infty` it is
    :math:`\\gamma_0`.  Compare with the heuristic :math:`\\gamma \\approx 1/(\\alpha t)`.

    Returns
    -------
    ndarray, shape (T,)

    Examples
    --------
    >>> pb = Problem(c=0.5, mu2=4.0, alpha=0.01)
    >>> (effective_gamma(pb, [100.0, 1000.0]) * pb.alpha * np.array([100.0, 1000.0])).round(3).tolist()
    [0.629, 0.372]
    """
    problem = _problem(problem)
    dynamics = _checks.dynamics(dynamics)
    t = _checks.times(t, integer=(dynamics == "gd"))
    points = _checks.positive_int(points, "points", minimum=10)
    if dynamics == "gd":
        problem.check_gd_step()
    c, mu2, alpha, g0 = problem.c, problem.mu2, problem.alpha, problem.gamma
    ls = problem.spike
    if dynamics == "gd" and alpha * (ls + g0) > 2:
        raise ValueError("effective_gamma needs alpha * (lambda_s + gamma) <= 2 for gradient descent "
                         f"(got {alpha * (ls + g0):.4g}); use dynamics='flow' or a smaller alpha")
    out = np.empty(t.shape)
    out[t == 0] = np.inf
    out[np.isinf(t)] = g0
    finite = np.isfinite(t) & (t > 0)
    if not finite.any():
        return out
    tf = t[finite]
    # the adaptive rule: one level finer than the theorem's integrands need at these times
    # (their error estimate is below 1e-12 there), so the distances are as accurate
    _, _, lev = quadrature.bulk_moments(problem, tf, dynamics=dynamics)
    level = min(int(lev.max()) + 1, quadrature.MAX_LEVEL)
    if nodes is not None:
        level = min(level, max(1, int(math.log2(_checks.positive_int(nodes, "nodes", minimum=65) - 1)) - 5))
    x, w_mu, _ = quadrature.measure_rule(problem, level)
    w_s = max(0.0, mu2 * mu2 - c) / mu2
    g = filters(x, tf, alpha=alpha, dynamics=dynamics, gamma=g0)[1]            # (T, N)
    gs = filters(np.array([ls]), tf, alpha=alpha, dynamics=dynamics, gamma=g0)[1][:, 0]

    def dist(gam, j):  # int (g_t - 1/(x + gamma))^2 dmu for an array of gamma, time index j
        gam = np.asarray(gam, dtype=float)[:, None]
        h = (g[j][None, :] - 1.0 / (x[None, :] + gam)) ** 2
        hs = (gs[j] - 1.0 / (ls + gam[:, 0])) ** 2
        return h @ w_mu + w_s * hs

    grid = np.geomspace(1e-6, 1e6, points)
    res_t = np.empty(tf.shape)
    for j in range(tf.size):
        d = dist(grid, j)
        i = int(np.argmin(d))
        if i == 0:
            d0 = float(dist([max(g0, 0.0) if g0 > 0 else 1e-300], j)[0])
            res_t[j] = g0 if d0 <= d[0] else grid[0]
            continue
        if i == grid.size - 1:
            res_t[j] = np.inf
            continue
        r = minimize_scalar(lambda u: float(dist([math.exp(u)], j)[0]),
                            bounds=(math.log(grid[i - 1]), math.log(grid[i + 1])), method="bounded",
                            options={"xatol": 1e-10})
        res_t[j] = math.exp(r.x) if r.fun <= d[i] else grid[i]
    out[finite] = res_t
    return out


