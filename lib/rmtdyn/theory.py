"""The asymptotic theory: test and training performance of gradient descent at any time.

For a new point :math:`\\hat x` of either class, :math:`w^T\\hat x` is Gaussian with
mean :math:`\\pm E` and variance :math:`V`, so the test error is
:math:`Q(E/\\sqrt V)`.  As :math:`p, n \\to \\infty` with :math:`p/n \\to c`
(book chapter 5, theorem ``thm-test``):

.. math::

    E(t) = \\int g_t\\, d\\mu,\\qquad
    V(t) = \\frac{\\|\\mu\\|^2 + c}{\\|\\mu\\|^2}\\int g_t^2\\, d\\mu
           + \\sigma^2 \\int f_t^2\\, d\\nu,

and for the training margins :math:`y_i x_i^T w` (theorem ``thm-train``), with mean
:math:`E_\\mathrm{tr}` and second moment :math:`V_\\mathrm{tr}`:

.. math::

    E_\\mathrm{tr}(t) = \\frac{\\|\\mu\\|^2 + c}{\\|\\mu\\|^2} E(t),\\qquad
    V_\\mathrm{tr}(t) = \\frac{\\|\\mu\\|^2 + c}{\\|\\mu\\|^2}\\int x\\, g_t^2\\, d\\mu
           + \\sigma^2 \\int x f_t^2\\, d\\nu,

so that the training error is :math:`Q\\big(E_\\mathrm{tr}/\\sqrt{V_\\mathrm{tr} - E_\\mathrm{tr}^2}\\big)`.
:math:`f_t, g_t` are the filters of :mod:`rmtdyn.filters`; :math:`\\mu,\\nu` the
measures of :mod:`rmtdyn.spectrum`.  All times are evaluated at once on one fixed
node set, so a thousand times cost about a millisecond.
"""

from dataclasses import dataclass
import math

from scipy.optimize import minimize_scalar

import numpy as np
from scipy.special import ndtr

from . import _checks
from .filters import filters
from .params import Problem
from . import quadrature
from .results import ClassErrors, Components, Limits, OptimalMap, Result, RidgeErrors, Sigma2Sweep
from .spectrum import DEFAULT_NODES, bulk_rule, integrate_mu, integrate_nu, mp_stieltjes


def _problem(problem, name="problem"):
    if not isinstance(problem, Problem):
        raise TypeError(f"{name} must be an rmtdyn.Problem; got {type(problem).__name__}")
    return problem


def _real_array(value, name):
    """``value`` as a float array, or a TypeError naming the argument."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a real number or an array of real numbers; got {type(value).__name__}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number or an array of real numbers; "
                        f"got {type(value).__name__}") from None
    return arr


def _rule_options(nodes, rtol):
    """Check the quadrature options: ``nodes`` (None or a cap >= 65 per time) and ``rtol``."""
    if nodes is not None:
        nodes = _checks.positive_int(nodes, "nodes", minimum=65)
    rtol = _checks.real_scalar(rtol, "rtol", low=0, high=1, allowed="relative tolerance 0 < rtol < 1")
    if rtol < 1e-15:
        raise ValueError(f"rtol must be >= 1e-15 (double precision); got {rtol:g}")
    return nodes, rtol

__all__ = ["Prediction", "predict", "limits", "error_rate", "cauchy_schwarz_bound", "components",
           "OptimalStopping", "optimal_stopping", "sigma2_sweep", "optimal_map",
           "ridge_errors", "OptimalRidge", "optimal_ridge", "effective_gamma",
           "bayes_threshold", "class_errors"]


@dataclass(frozen=True, eq=False)
class Prediction(Result):
    """Theory at a vector of times (all arrays of shape ``(T,)``).

    Attributes
    ----------
    t : ndarray
        Times (flow) or step counts (GD).
    E, V : ndarray
        Mean and second moment of the test statistic :math:`w^T\\hat x` (class +1).
    E_train, V_train : ndarray
        Mean and second moment of the training margins :math:`y_i x_i^T w`.
    test_error, train_error : ndarray
        :math:`Q(E/\\sqrt V)` and :math:`Q(E_\\mathrm{tr}/\\sqrt{V_\\mathrm{tr}-E_\\mathrm{tr}^2})`.
    dynamics : str
        ``"flow"`` or ``"gd"``.
    """

    t: np.ndarray
    E: np.ndarray
    V: np.ndarray
    E_train: np.ndarray
    V_train: np.ndarray
    test_error: np.ndarray
    train_error: np.ndarray
    dynamics: str = "flow"

    @classmethod
    def from_moments(cls, t, E, V, E_train, V_train, *, dynamics="flow"):
        """The one place a :class:`Prediction` is built: errors from the four moments.

        .. math::

            \\varepsilon_\\mathrm{test} = Q(E/\\sqrt V),\\qquad
            \\varepsilon_\\mathrm{train} = Q\\big(E_\\mathrm{tr}/\\sqrt{V_\\mathrm{tr} - E_\\mathrm{tr}^2}\\big)

        (book chapter 5, theorems ``thm-test`` and ``thm-train``).

        Examples
        --------
        >>> Prediction.from_moments([1.0], [0.0], [1.0], [0.0], [1.0]).test_error.tolist()
        [0.5]
        """
        t, E, V, Etr, Vtr = (np.atleast_1d(np.asarray(a, dtype=float)) for a in (t, E, V, E_train, V_train))
        return cls(t=t, E=E, V=V, E_train=Etr, V_train=Vtr, test_error=error_rate(E, V),
                   train_error=error_rate(Etr, variance=Vtr - Etr * Etr), dynamics=dynamics)

    def as_dict(self):
        """Plain lists, with infinities as the string ``"inf"`` (strict-JSON safe)."""
        def enc(a):
            return [("inf" if v > 0 else "-inf") if math.isinf(v) else float(v) for v in a]
        return {k: enc(getattr(self, k)) for k in
                ("t", "test_error", "train_error", "E", "V", "E_train", "V_train")}


def error_rate(mean, second_moment=None, *, variance=None):
    """Misclassification rate :math:`Q(E/\\sqrt{\\mathrm{Var}})` of a Gaussian statistic.

    Give the second moment (test: the variance of :math:`w^T\\hat x` given the
    class is :math:`\\|w\\|^2 = V`) or ``variance`` directly.  A statistic that is
    identically 0 (e.g. :math:`w = 0`) is a coin flip: error 1/2.

    .. math::

        Q(x) = \\frac1{\\sqrt{2\\pi}}\\int_x^\\infty e^{-u^2/2}du.

    Examples
    --------
    >>> float(error_rate(0.0, 1.0)), float(error_rate(0.0, 0.0)), float(error_rate(1.0, 0.0))
    (0.5, 0.5, 0.0)
    """
    E = _real_array(mean, "mean")
    if (second_moment is None) == (variance is None):
        raise TypeError("error_rate needs exactly one of second_moment and variance")
    var = _real_array(second_moment, "second_moment") if variance is None else _real_array(variance, "variance")
    var = np.clip(var, 0.0, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(var > 0, E / np.sqrt(np.where(var > 0, var, 1.0)),
                         np.where(E == 0, 0.0, np.sign(E) * np.inf))
        ratio = np.where(np.isinf(var), 0.0, ratio)
    return ndtr(-ratio)


def cauchy_schwarz_bound(problem):
    """Upper bound :math:`E^2/V \\le \\|\\mu\\|^4/(\\|\\mu\\|^2 + c)`, equality iff :math:`\\sigma^2 = 0` (chapter 7).

    Examples
    --------
    >>> cauchy_schwarz_bound(Problem(c=0.5, mu2=4.0))
    3.5555555555555554
    """
    problem = _problem(problem)
    return problem.mu2 ** 2 / (problem.mu2 + problem.c)


def _ridge_moments(c, mu2, gamma):
    """:math:`\\int d\\mu/(x+\\gamma)` and :math:`\\int d\\mu/(x+\\gamma)^2` in closed form, for an array of gamma > 0."""
    z = -np.asarray(gamma, dtype=float)
    if c > 1:
        # m has a pole at 0 (the atom 1 - 1/c): 2/(1 - c - z - sqrt..sqrt) cancels as z -> 0-, so take
        # the other root of the quadratic, free of cancellation there, and the product of roots 1/(c z)
        lm, lp = (1 - math.sqrt(c)) ** 2, (1 + math.sqrt(c)) ** 2
        other = 2.0 / (1 - c - z - np.sqrt(lm - z) * np.sqrt(lp - z))
        m = 1.0 / (c * z * other)
    else:
        m = mp_stieltjes(z, c).real  # real and positive left of the support
    # m solves c z m^2 - (1 - c - z) m + 1 = 0; implicit differentiation gives m'(z)
    dm = -(c * m * m + m) / (2 * c * z * m - (1 - c - z))
    d = 1 + (mu2 + c) * m
    return mu2 * m / d, mu2 * dm / (d * d)


def limits(problem):
    """Closed-form :math:`t \\to \\infty` limits (flow, and stable GD), with or without ridge penalty.

    .. math::

        E_\\infty = \\frac{\\|\\mu\\|^2}{\\|\\mu\\|^2 + \\max(1, c)},\\quad
        V_\\infty = \\begin{cases}
            \\dfrac{\\|\\mu\\|^2 + c}{(1-c)(1+\\|\\mu\\|^2)^2} & c < 1\\\\
            +\\infty & c = 1\\\\
            \\dfrac{c}{(c-1)(\\|\\mu\\|^2 + c)} + \\sigma^2\\left(1-\\dfrac1c\\right) & c > 1
        \\end{cases},

    :math:`E_{\\mathrm{tr},\\infty} = V_{\\mathrm{tr},\\infty} = (\\|\\mu\\|^2+c)/(\\|\\mu\\|^2 + \\max(1,c))`
    (book chapter 6, eq. ``t-infinity``).  With a ridge penalty :math:`\\gamma > 0` the
    estimator tends to :math:`(M + \\gamma I)^{-1}Xy/n`, the initialisation is forgotten,
    and (book chapter 9, eq. ``ridge-limit``), with :math:`S_\\mu(z) = \\int d\\mu(x)/(x - z)`
    (:func:`rmtdyn.spectrum.mu_stieltjes`) and :math:`\\kappa = (\\|\\mu\\|^2 + c)/\\|\\mu\\|^2`,

    .. math::

        E_\\infty = S_\\mu(-\\gamma),\\quad V_\\infty = \\kappa\\, S_\\mu'(-\\gamma),\\quad
        E_{\\mathrm{tr},\\infty} = \\kappa E_\\infty,\\quad
        V_{\\mathrm{tr},\\infty} = \\kappa E_\\infty - \\gamma V_\\infty.

    Returns
    -------
    dict
        Keys ``E``, ``V``, ``E_train``, ``V_train``, ``test_error``, ``train_error``.

    Examples
    --------
    >>> lim = limits(Problem(c=0.5, mu2=4.0, sigma2=0.1))
    >>> round(lim["E"], 6), round(lim["V"], 6), round(float(lim["test_error"]), 6)
    (0.8, 0.36, 0.091211)
    >>> round(float(limits(Problem(c=0.5, mu2=4.0, gamma=1.0))["test_error"]), 6)
    0.03651
    """
    problem = _problem(problem)
    c, mu2, s2, gamma = problem.c, problem.mu2, problem.sigma2, problem.gamma
    if gamma > 0:
        S, dS = _ridge_moments(c, mu2, gamma)
        k = (mu2 + c) / mu2
        E, V = float(S), float(k * dS)
        Etr, Vtr = k * E, k * E - gamma * V
        return Limits(E=E, V=V, E_train=Etr, V_train=Vtr,
                      test_error=float(error_rate(E, V)),
                      train_error=float(error_rate(Etr, variance=Vtr - Etr * Etr)))
    E = mu2 / (mu2 + max(1.0, c))
    if c < 1:
        V = (mu2 + c) / ((1 - c) * (1 + mu2) ** 2)
    elif c == 1:
        V = math.inf
    else:
        V = c / ((c - 1) * (mu2 + c)) + s2 * (1 - 1 / c)
    Etr = (mu2 + c) / (mu2 + max(1.0, c))
    return Limits(E=E, V=V, E_train=Etr, V_train=Etr,
                  test_error=float(error_rate(E, V)),
                  train_error=float(error_rate(Etr, variance=Etr - Etr * Etr)))


def components(problem, t, *, dynamics="flow", nodes=None, rtol=quadrature.RTOL):
    """The pieces of the theorem at every time: bulk, spike and initialisation parts.

    Returns a dict of arrays of shape ``(T,)``:

    ``E_bulk``, ``E_spike``
        :math:`\\int g_t\\,d\\mu` over the bulk and the atom :math:`w_s g_t(\\lambda_s)`
        (0 below the transition); :math:`E = E_\\mathrm{bulk} + E_\\mathrm{spike}`.
    ``V_bulk``, ``V_spike``
        :math:`\\kappa\\int g_t^2\\,d\\mu` over the bulk and at the spike,
        :math:`\\kappa = (\\|\\mu\\|^2 + c)/\\|\\mu\\|^2`.
    ``V_init``
        :math:`\\int f_t^2\\,d\\nu` (the initialisation term per unit :math:`\\sigma^2`),
        so that :math:`V = V_\\mathrm{bulk} + V_\\mathrm{spike} + \\sigma^2 V_\\mathrm{init}`.
    ``Vtr_signal``, ``Vtr_init``
        :math:`\\kappa\\int x g_t^2\\,d\\mu` and :math:`\\int x f_t^2\\,d\\nu`:
        :math:`V_\\mathrm{tr} = V^\\mathrm{signal}_\\mathrm{tr} + \\sigma^2 V^\\mathrm{init}_\\mathrm{tr}`.

    At :math:`t = \\infty` the closed-form limits are used (the bulk parts carry
    everything; ``V_bulk`` is infinite at :math:`c = 1`).

    Examples
    --------
    >>> parts = components(Problem(c=0.5, mu2=4.0), [100.0])
    >>> round(float(parts["E_spike"][0] / (parts["E_bulk"][0] + parts["E_spike"][0])), 4)
    0.9132
    """
    problem = _problem(problem)
    dynamics = _checks.dynamics(dynamics)
    t = _checks.times(t, integer=(dynamics == "gd"))
    nodes, rtol = _rule_options(nodes, rtol)
    if dynamics == "gd":
        problem.check_gd_step()
    c, mu2, alpha, gamma = problem.c, problem.mu2, problem.alpha, problem.gamma
    k = (mu2 + c) / mu2
    ls = problem.spike
    w_s = max(0.0, mu2 * mu2 - c) / mu2
    atom0 = max(0.0, 1 - 1 / c)
    out = {key: np.zeros(t.shape) for key in
           ("E_bulk", "E_spike", "V_bulk", "V_spike", "V_init", "Vtr_signal", "Vtr_init")}
    finite = np.isfinite(t) & (t > 0)
    tf = t[finite]
    if tf.size:
        max_level = quadrature.MAX_LEVEL if nodes is None else max(1, int(math.log2(nodes - 1)) - 5)
        m, _, _ = quadrature.bulk_moments(problem, tf, dynamics=dynamics, rtol=rtol, max_level=max_level)
        if w_s > 0:  # the atom of mu at the spike (only above the transition, where alpha*ls < 2 for GD)
            gs = filters(np.array([ls]), tf, alpha=alpha, dynamics=dynamics, gamma=gamma)[1][:, 0]
        else:
            gs = np.zeros(tf.shape)
        f0 = filters(np.zeros(1), tf, alpha=alpha, dynamics=dynamics, gamma=gamma)[0][:, 0]
        out["V_init"][finite] = m[:, 3] + atom0 * f0 * f0   # f0 = 1 when gamma = 0
        out["Vtr_init"][finite] = m[:, 4]
        out["E_spike"][finite] = w_s * gs
        out["E_bulk"][finite] = m[:, 0]
        out["V_spike"][finite] = k * w_s * gs * gs
        out["V_bulk"][finite] = k * m[:, 1]
        out["Vtr_signal"][finite] = k * (m[:, 2] + w_s * ls * gs * gs)
    zero = t == 0  # w = w0: nothing learned; int dnu = int x dnu = 1
    out["V_init"][zero] = 1.0
    out["Vtr_init"][zero] = 1.0
    inf = np.isinf(t)
    if inf.any():
        lim = limits(problem.replace(sigma2=0.0))
        out["E_bulk"][inf] = lim["E"] - w_s / (ls + gamma)
        out["E_spike"][inf] = w_s / (ls + gamma)
        out["V_spike"][inf] = k * w_s / (ls + gamma) ** 2
        out["V_bulk"][inf] = lim["V"] - k * w_s / (ls + gamma) ** 2
        # the initialisation survives only in the null space of M (c > 1) and only without penalty
        out["V_init"][inf] = max(0.0, 1 - 1 / c) if gamma == 0 else 0.0
        out["Vtr_signal"][inf] = lim["V_train"]
        out["Vtr_init"][inf] = 0.0
    return Components(**out)


def _assemble(t, parts, k, sigma2, dynamics):
    E = parts["E_bulk"] + parts["E_spike"]
    V = parts["V_bulk"] + parts["V_spike"] + sigma2 * parts["V_init"]
    Etr = k * E
    Vtr = parts["Vtr_signal"] + sigma2 * parts["Vtr_init"]
    return Prediction.from_moments(t, E, V, Etr, Vtr, dynamics=dynamics)


def predict(problem, t, *, dynamics="flow", nodes=None, rtol=quadrature.RTOL):
    """Asymptotic test and training performance at every time in ``t`` at once.

    Parameters
    ----------
    problem : Problem
        Only ``c``, ``mu2``, ``sigma2``, ``alpha`` and ``gamma`` are used (``pi``
        does not enter: see :func:`class_errors`).
    t : array_like
        Times :math:`t \\ge 0` of gradient flow, or step counts :math:`k` of GD
        (``dynamics="gd"``); ``inf`` gives the closed-form limit.
    dynamics : {"flow", "gd"}
        ``"flow"``: :math:`f_t(x) = e^{-\\alpha t x}` (the paper);
        ``"gd"``: :math:`f_k(x) = (1-\\alpha x)^k`, exact for discrete steps.
    nodes : int, default 512
        Bulk quadrature nodes.

    Returns
    -------
    Prediction

    Notes
    -----
    Real-line form of the theorem (book chapter 5, eqs. ``E-real`` and
    ``V-real``); see the module docstring for the formulas.  Each integral over
    :math:`\\mu` uses :func:`rmtdyn.spectrum.integrate_mu`, which includes the
    Dirac mass at :math:`\\lambda_s` when :math:`\\|\\mu\\|^4 > c`.

    Examples
    --------
    >>> pb = Problem(c=0.5, mu2=4.0, sigma2=0.1, alpha=0.01)
    >>> pr = predict(pb, [0, 100, np.inf])
    >>> pr.test_error.round(4).tolist()
    [0.5, 0.0484, 0.0912]
    """
    problem = _problem(problem)
    dynamics = _checks.dynamics(dynamics)
    t = _checks.times(t, integer=(dynamics == "gd"))
    parts = components(problem, t, dynamics=dynamics, nodes=nodes, rtol=rtol)
    return _assemble(t, parts, (problem.mu2 + problem.c) / problem.mu2, problem.sigma2, dynamics)


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


# --- beyond the paper: ridge penalty and unequal classes (book chapter 9) ---------------------

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


def effective_gamma(problem, t, *, dynamics="flow", nodes=DEFAULT_NODES, points=200):
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
    rule = bulk_rule(c, nodes)
    x = rule[0]
    out = np.empty(t.shape)
    out[t == 0] = np.inf
    out[np.isinf(t)] = g0
    finite = np.isfinite(t) & (t > 0)
    if not finite.any():
        return out
    tf = t[finite]
    g = filters(x, tf, alpha=alpha, dynamics=dynamics, gamma=g0)[1]            # (T, N)
    gs = filters(np.array([ls]), tf, alpha=alpha, dynamics=dynamics, gamma=g0)[1][:, 0]

    def dist(gam, j):  # int (g_t - 1/(x + gamma))^2 dmu for an array of gamma, time index j
        gam = np.asarray(gam, dtype=float)[:, None]
        h = (g[j][None, :] - 1.0 / (x[None, :] + gam)) ** 2
        hs = (gs[j] - 1.0 / (ls + gam[:, 0])) ** 2
        return integrate_mu(h, hs, c, mu2, rule)

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


def bayes_threshold(mean, variance, *, pi):
    """Optimal threshold of the statistic :math:`w^T\\hat x` for class proportions :math:`1-\\pi, \\pi`.

    Given :math:`w`, :math:`w^T\\hat x \\sim \\mathcal N(\\pm E, s^2)` on
    :math:`\\mathcal C_2` (label +1, prior :math:`\\pi`) and :math:`\\mathcal C_1`
    (label -1, prior :math:`1-\\pi`).  Deciding :math:`\\mathcal C_2` when
    :math:`w^T\\hat x > \\tau`, the average error is smallest at (book chapter 9,
    eq. ``bayes-threshold``)

    .. math::

        \\tau^\\star = \\frac{s^2}{2E}\\log\\frac{1-\\pi}{\\pi}.

    With :math:`E = 0` the statistic carries no information and :math:`\\tau^\\star = \\pm\\infty`
    (always vote for the larger class; 0 when :math:`\\pi = 1/2`).

    Parameters
    ----------
    mean, variance : array_like
        :math:`E` and :math:`s^2` (for the test statistic: ``Prediction.E`` and
        ``Prediction.V``).
    pi : float
        Proportion of class :math:`\\mathcal C_2`, in (0, 1).

    Examples
    --------
    >>> float(bayes_threshold(1.0, 2.0, pi=0.5)), round(float(bayes_threshold(1.0, 2.0, pi=0.1)), 6)
    (0.0, 2.197225)
    """
    pi = _checks.real_scalar(pi, "pi", low=0, high=1, allowed="class proportion 0 < pi < 1")
    E = _real_array(mean, "mean")
    s2 = _real_array(variance, "variance")
    if np.isnan(E).any() or np.isnan(s2).any() or (s2 < 0).any():
        raise ValueError("mean must be real and variance >= 0 (no NaN)")
    lr = math.log((1 - pi) / pi)
    if lr == 0:
        return np.zeros(np.broadcast(E, s2).shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = np.where(E != 0, s2 * lr / (2 * np.where(E != 0, E, 1.0)), math.copysign(np.inf, lr))
    return tau


def class_errors(mean, variance, *, pi, threshold=0.0):
    """Per-class and average errors of the rule "class :math:`\\mathcal C_2` iff statistic > threshold".

    For a statistic :math:`\\mathcal N(+E, s^2)` on :math:`\\mathcal C_2` and
    :math:`\\mathcal N(-E, s^2)` on :math:`\\mathcal C_1` (book chapter 9, eq. ``class-errors``;
    an infinite threshold gives the errors 0 and 1 of always voting for one class):

    .. math::

        \\varepsilon_1 = Q\\Big(\\frac{E + \\tau}{s}\\Big),\\quad
        \\varepsilon_2 = Q\\Big(\\frac{E - \\tau}{s}\\Big),\\quad
        \\varepsilon = (1-\\pi)\\,\\varepsilon_1 + \\pi\\,\\varepsilon_2.

    Test statistic: ``mean=E``, ``variance=V``; training margins:
    ``mean=E_train``, ``variance=V_train - E_train**2``.

    Returns
    -------
    dict
        ``error_c1``, ``error_c2``, ``error`` (arrays broadcast from the inputs).

    Examples
    --------
    >>> out = class_errors(1.0, 1.0, pi=0.1, threshold=bayes_threshold(1.0, 1.0, pi=0.1))
    >>> {k: round(float(v), 4) for k, v in out.items()}
    {'error_c1': 0.0179, 'error_c2': 0.5393, 'error': 0.0701}
    """
    pi = _checks.real_scalar(pi, "pi", low=0, high=1, allowed="class proportion 0 < pi < 1")
    E = _real_array(mean, "mean")
    _real_array(variance, "variance")
    tau = _real_array(threshold, "threshold")
    if np.isnan(tau).any():
        raise ValueError("threshold must be a real number or an array of them (inf allowed), not NaN")
    with np.errstate(invalid="ignore"):
        e1 = error_rate(E + tau, variance=variance)
        e2 = error_rate(E - tau, variance=variance)
    # an infinite threshold always votes for one class, whatever the (even infinite) variance
    e1 = np.where(np.isinf(tau), (tau < 0).astype(float), e1)
    e2 = np.where(np.isinf(tau), (tau > 0).astype(float), e2)
    return ClassErrors(error_c1=e1, error_c2=e2, error=(1 - pi) * e1 + pi * e2)
