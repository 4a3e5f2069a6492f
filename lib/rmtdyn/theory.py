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

import numpy as np
from scipy.special import ndtr

from . import _checks
from .filters import filters
from .params import Problem
from .spectrum import DEFAULT_NODES, bulk_rule, integrate_mu, integrate_nu

__all__ = ["Prediction", "predict", "limits", "error_rate", "cauchy_schwarz_bound"]


@dataclass(frozen=True)
class Prediction:
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
    E = np.asarray(mean, dtype=float)
    var = np.asarray(second_moment if variance is None else variance, dtype=float)
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
    return problem.mu2 ** 2 / (problem.mu2 + problem.c)


def limits(problem):
    """Closed-form :math:`t \\to \\infty` limits (flow, and stable GD).

    .. math::

        E_\\infty = \\frac{\\|\\mu\\|^2}{\\|\\mu\\|^2 + \\max(1, c)},\\quad
        V_\\infty = \\begin{cases}
            \\dfrac{\\|\\mu\\|^2 + c}{(1-c)(1+\\|\\mu\\|^2)^2} & c < 1\\\\
            +\\infty & c = 1\\\\
            \\dfrac{c}{(c-1)(\\|\\mu\\|^2 + c)} + \\sigma^2\\left(1-\\dfrac1c\\right) & c > 1
        \\end{cases},

    :math:`E_{\\mathrm{tr},\\infty} = V_{\\mathrm{tr},\\infty} = (\\|\\mu\\|^2+c)/(\\|\\mu\\|^2 + \\max(1,c))`
    (book chapter 6, eq. ``t-infinity``).

    Returns
    -------
    dict
        Keys ``E``, ``V``, ``E_train``, ``V_train``, ``test_error``, ``train_error``.

    Examples
    --------
    >>> lim = limits(Problem(c=0.5, mu2=4.0, sigma2=0.1))
    >>> round(lim["E"], 6), round(lim["V"], 6), round(float(lim["test_error"]), 6)
    (0.8, 0.36, 0.091211)
    """
    c, mu2, s2 = problem.c, problem.mu2, problem.sigma2
    E = mu2 / (mu2 + max(1.0, c))
    if c < 1:
        V = (mu2 + c) / ((1 - c) * (1 + mu2) ** 2)
    elif c == 1:
        V = math.inf
    else:
        V = c / ((c - 1) * (mu2 + c)) + s2 * (1 - 1 / c)
    Etr = (mu2 + c) / (mu2 + max(1.0, c))
    return dict(E=E, V=V, E_train=Etr, V_train=Etr,
                test_error=float(error_rate(E, V)),
                train_error=float(error_rate(Etr, variance=Etr - Etr * Etr)))


def predict(problem, t, *, dynamics="flow", nodes=DEFAULT_NODES):
    """Asymptotic test and training performance at every time in ``t`` at once.

    Parameters
    ----------
    problem : Problem
        Only ``c``, ``mu2``, ``sigma2`` and ``alpha`` are used.
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
    if not isinstance(problem, Problem):
        raise ValueError(f"problem must be an rmtdyn.Problem; got {type(problem).__name__}")
    dynamics = _checks.dynamics(dynamics)
    t = _checks.times(t, integer=(dynamics == "gd"))
    if dynamics == "gd":
        problem.check_gd_step()
    c, mu2, s2, alpha = problem.c, problem.mu2, problem.sigma2, problem.alpha
    k = (mu2 + c) / mu2
    ls = problem.spike

    finite = np.isfinite(t)
    tf = t[finite]
    E = np.empty(t.shape)
    V, Etr, Vtr = np.empty_like(E), np.empty_like(E), np.empty_like(E)
    if tf.size:
        rule = bulk_rule(c, nodes)
        x = rule[0]
        f, g = filters(x, tf, alpha=alpha, dynamics=dynamics)
        # integrals against nu: f^2 (h(0) = 1) and x f^2 (h(0) = 0)
        nu_f2 = integrate_nu(f * f, np.ones(tf.shape), c, rule)
        nu_xf2 = integrate_nu(x * f * f, np.zeros(tf.shape), c, rule)
        # integrals against mu: g, g^2, x g^2, anchored at the spike when that is representable
        safe = dynamics == "flow" or alpha * ls <= 2
        if safe:
            fs, gs = filters(np.array([ls]), tf, alpha=alpha, dynamics=dynamics)
            gs = gs[:, 0]
            mu_g = integrate_mu(g, gs, c, mu2, rule)
            mu_g2 = integrate_mu(g * g, gs * gs, c, mu2, rule)
            mu_xg2 = integrate_mu(x * g * g, ls * gs * gs, c, mu2, rule)
        else:
            # GD with alpha*lambda_s > 2 (only possible below the transition, as alpha < 2/lambda_max):
            # no atom; integrate the bulk directly with enough nodes for the nearby pole at lambda_s.
            half = 0.5 * (problem.lambda_plus - problem.lambda_minus)
            gap = max(ls - problem.lambda_plus, 1e-300)
            n_direct = int(min(max(nodes, math.ceil(16.0 / math.sqrt(2 * gap / half))), 1 << 15))
            rule_d = bulk_rule(c, n_direct)
            xd = rule_d[0]
            _, gd = filters(xd, tf, alpha=alpha, dynamics=dynamics)
            mu_g = integrate_mu(gd, None, c, mu2, rule_d)
            mu_g2 = integrate_mu(gd * gd, None, c, mu2, rule_d)
            mu_xg2 = integrate_mu(xd * gd * gd, None, c, mu2, rule_d)
        E[finite] = mu_g
        V[finite] = k * mu_g2 + s2 * nu_f2
        Etr[finite] = k * mu_g
        Vtr[finite] = k * mu_xg2 + s2 * nu_xf2
    if (~finite).any():
        lim = limits(problem)
        E[~finite], V[~finite] = lim["E"], lim["V"]
        Etr[~finite], Vtr[~finite] = lim["E_train"], lim["V_train"]
    at_zero = t == 0  # exact values at t = 0: w = w0 independent of the data
    E[at_zero], Etr[at_zero] = 0.0, 0.0
    V[at_zero], Vtr[at_zero] = s2, s2  # int dnu = 1 and int x dnu = 1
    return Prediction(t=t, E=E, V=V, E_train=Etr, V_train=Vtr,
                      test_error=error_rate(E, V),
                      train_error=error_rate(Etr, variance=Vtr - Etr * Etr),
                      dynamics=dynamics)
