"""Optimal stopping and its sweeps: the best time to stop, over sigma2 and over (c, mu2).

The test error of :func:`rmtdyn.theory.predict` as a function of time has a minimum
:math:`t^\\star` (book chapter 6, eq. ``t-star``); this module finds it, for one problem, for a
vector of initialisation variances (chapter 7) and on a grid of :math:`(c, \\|\\mu\\|^2)` (the
phase map of chapter 6).
"""

from dataclasses import dataclass
import math

import numpy as np
from scipy.optimize import minimize_scalar

from . import _checks
from .params import Problem
from .results import OptimalMap, Sigma2Sweep
from .theory import _problem, _real_array, cauchy_schwarz_bound, error_rate, limits, predict

__all__ = ["OptimalStopping", "optimal_stopping", "sigma2_sweep", "optimal_map"]


@dataclass(frozen=True)
class OptimalStopping:
    """Result of :func:`optimal_stopping` (floats; ``t_opt`` may be ``inf``)."""

    t_opt: float
    test_error_opt: float
    test_error_inf: float
    train_error_inf: float
    dynamics: str = "flow"

    def as_dict(self):
        """Plain floats, infinities as the string ``"inf"``."""
        def enc(v):
            return "inf" if math.isinf(v) else float(v)
        return {k: enc(getattr(self, k)) for k in
                ("t_opt", "test_error_opt", "test_error_inf", "train_error_inf")}


def _time_grid(problem, dynamics, points):
    # alpha t from 1e-3 to 1e7 covers every time scale 1/(alpha lambda) of the spectrum
    # except within 1e-7 of lambda = 0 (c = 1), where the error keeps rising anyway
    tau = np.geomspace(1e-3, 1e7, points)
    t = tau / problem.alpha
    if dynamics == "gd":
        t = np.unique(np.maximum(1, np.round(t)))
    return t


def optimal_stopping(problem, *, dynamics="flow", points=400, rtol=1e-10):
    """Optimal stopping time and error of the theory curve (book chapter 6, eq. ``t-star``).

    With :math:`\\sigma^2 = 0` and gradient flow the infimum is reached as
    :math:`t \\to 0^+` (then :math:`w \\propto Xy/n` attains the Cauchy–Schwarz bound of
    chapter 7); it is reported as ``t_opt = 0`` with the limiting error.

    :math:`t^\\star = \\arg\\min_{t \\in [0, \\infty]} Q(E(t)/\\sqrt{V(t)})`, found on a
    log grid of ``points`` times spanning :math:`\\alpha t \\in [10^{-3}, 10^{7}]` plus
    :math:`t = \\infty`, then refined: bounded Brent search in :math:`\\log t` between
    the neighbours of the grid minimum (flow), or an integer golden-section search
    ending in an exhaustive scan (GD).  If the limit :math:`t = \\infty` is within
    ``rtol`` (relative) of the best finite time, or the curve is flat to that
    precision, the answer is :math:`t^\\star = \\infty` (nothing to gain by stopping).

    Returns
    -------
    OptimalStopping

    Examples
    --------
    >>> res = optimal_stopping(Problem(c=0.5, mu2=4.0, sigma2=0.1, alpha=0.01))
    >>> round(res.t_opt), round(res.test_error_opt, 4), round(res.test_error_inf, 4)
    (97, 0.0484, 0.0912)
    """
    problem = _problem(problem)
    dynamics = _checks.dynamics(dynamics)
    points = _checks.positive_int(points, "points", minimum=10)
    lim = limits(problem)
    grid = _time_grid(problem, dynamics, points)
    err = predict(problem, grid, dynamics=dynamics).test_error
    i = int(np.argmin(err))
    e_inf = lim["test_error"]
    best_t, best_e = float(grid[i]), float(err[i])
    if i > 0 and i < grid.size - 1:
        lo, hi = grid[i - 1], grid[i + 1]
        if dynamics == "flow":
            res = minimize_scalar(lambda u: float(predict(problem, [math.exp(u)]).test_error[0]),
                                  bounds=(math.log(lo), math.log(hi)), method="bounded",
                                  options={"xatol": 1e-10})
            if res.fun < best_e:
                best_t, best_e = math.exp(res.x), float(res.fun)
        else:
            lo, hi = int(lo), int(hi)

            def e(kk):
                return float(predict(problem, [kk], dynamics="gd").test_error[0])
            while hi - lo > 64:  # golden section on integers (the curve is unimodal here)
                a = lo + int(round(0.382 * (hi - lo)))
                b = lo + int(round(0.618 * (hi - lo)))
                if e(a) <= e(b):
                    hi = b
                else:
                    lo = a
            ks = np.arange(lo, hi + 1)
            ek = predict(problem, ks, dynamics="gd").test_error
            j = int(np.argmin(ek))
            best_t, best_e = float(ks[j]), float(ek[j])
    if i == 0 and dynamics == "flow":
        if problem.sigma2 == 0:
            # E^2/V increases to its Cauchy-Schwarz bound as t -> 0+ (w is then parallel
            # to Xy/n): the infimum is the limit t -> 0+, reported as t_opt = 0
            e0 = float(error_rate(math.sqrt(cauchy_schwarz_bound(problem)), 1.0))
            best_t, best_e = 0.0, min(best_e, e0)
        else:
            res = minimize_scalar(lambda u: float(predict(problem, [math.exp(u)]).test_error[0]),
                                  bounds=(math.log(grid[0] * 1e-6), math.log(grid[1])),
                                  method="bounded", options={"xatol": 1e-10})
            if res.fun < best_e:
                best_t, best_e = math.exp(res.x), float(res.fun)
    if e_inf <= best_e * (1 + rtol) or (i == grid.size - 1 and e_inf <= err[-1]):
        best_t, best_e = math.inf, e_inf
    return OptimalStopping(t_opt=best_t, test_error_opt=best_e, test_error_inf=e_inf,
                           train_error_inf=lim["train_error"], dynamics=dynamics)


def sigma2_sweep(problem, sigma2, *, dynamics="flow", points=400):
    """Optimal stopping for every initialisation variance in ``sigma2`` (book chapter 7).

    Uses that :math:`V = V_0 + \\sigma^2 V_\\mathrm{init}`: the components are computed
    once on the time grid, each :math:`\\sigma^2` costs one vector operation, and
    each optimum is then refined as in :func:`optimal_stopping`.

    Returns
    -------
    dict
        ``sigma2``, ``t_opt``, ``test_error_opt``, ``test_error_inf`` (arrays).

    Examples
    --------
    >>> out = sigma2_sweep(Problem(c=0.5, mu2=4.0, alpha=0.01), [0.0, 1.0])
    >>> out["test_error_opt"].round(4).tolist()
    [0.0297, 0.0781]
    """
    problem = _problem(problem)
    dynamics = _checks.dynamics(dynamics)
    points = _checks.positive_int(points, "points", minimum=10)
    s2 = np.atleast_1d(_real_array(sigma2, "sigma2"))
    if s2.ndim != 1 or s2.size == 0 or np.isnan(s2).any() or (s2 < 0).any() or np.isinf(s2).any():
        raise ValueError("sigma2 must be a number or a non-empty 1-D sequence of finite variances >= 0")
    res = [optimal_stopping(problem.replace(sigma2=float(v)), dynamics=dynamics, points=points)
           for v in s2]
    return Sigma2Sweep(sigma2=s2, t_opt=np.array([r.t_opt for r in res]),
                       test_error_opt=np.array([r.test_error_opt for r in res]),
                       test_error_inf=np.array([r.test_error_inf for r in res]))


def optimal_map(c, mu2, *, sigma2=0.0, alpha=0.01, gamma=0.0, dynamics="flow", points=200):
    """Optimal stopping over a grid of :math:`(c, \\|\\mu\\|^2)` (book chapter 6, phase map).

    Returns
    -------
    dict
        ``c``, ``mu2`` (the axes) and arrays of shape ``(len(c), len(mu2))``:
        ``t_opt``, ``test_error_opt``, ``test_error_inf`` and ``gain``
        (``test_error_inf - test_error_opt``, what early stopping saves).

    Examples
    --------
    >>> out = optimal_map([0.5, 2.0], [4.0])
    >>> out["gain"].round(3).tolist()
    [[0.062], [0.073]]
    """
    cs = np.atleast_1d(_real_array(c, "c"))
    ms = np.atleast_1d(_real_array(mu2, "mu2"))
    for name, v in (("c", cs), ("mu2", ms)):
        if v.ndim != 1 or v.size == 0 or not np.all(np.isfinite(v)) or (v <= 0).any():
            raise ValueError(f"{name} must be a number or a non-empty 1-D sequence of finite values > 0")
    dynamics = _checks.dynamics(dynamics)
    points = _checks.positive_int(points, "points", minimum=10)
    shape = (cs.size, ms.size)
    out = {key: np.empty(shape) for key in ("t_opt", "test_error_opt", "test_error_inf")}
    for a, cv in enumerate(cs):
        for b, mv in enumerate(ms):
            r = optimal_stopping(Problem(c=float(cv), mu2=float(mv), sigma2=sigma2, alpha=alpha,
                                         gamma=gamma),
                                 dynamics=dynamics, points=points)
            out["t_opt"][a, b] = r.t_opt
            out["test_error_opt"][a, b] = r.test_error_opt
            out["test_error_inf"][a, b] = r.test_error_inf
    out["gain"] = out["test_error_inf"] - out["test_error_opt"]
    out["c"], out["mu2"] = cs, ms
    return OptimalMap(**out)


