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
measures of :mod:`rmtdyn.spectrum`.  The bulk integrals use the adaptive rule of
:mod:`rmtdyn.quadrature`, which estimates its own error and refines each time until it is
below ``rtol`` (1e-12): a thousand times cost a few milliseconds, at any :math:`\\alpha t`.

This module holds the theorem; optimal stopping and its sweeps live in
:mod:`rmtdyn.stopping`, the ridge penalty in :mod:`rmtdyn.ridge`, unequal classes in
:mod:`rmtdyn.classes` (all reachable here as well, e.g. ``rd.theory.optimal_stopping``).
"""

from dataclasses import dataclass
import math

import numpy as np
from scipy.special import ndtr

from . import _checks
from .params import Problem
from . import quadrature
from .results import Components, Limits, Moments
from .spectrum import mp_stieltjes


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
class Prediction(Moments):
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

    t: np.ndarray        # (after the fields of results.Moments)
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
    if np.all(var > 0) and not np.isinf(var).any():   # the common case, the same numbers as below
        return ndtr(-(E / np.sqrt(var)))
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
    names = ("E_bulk", "E_spike", "V_bulk", "V_spike", "V_init", "Vtr_signal", "Vtr_init")
    finite = np.isfinite(t) & (t > 0)
    everywhere = bool(finite.all())
    tf = t if everywhere else t[finite]
    parts = {}
    if tf.size:
        max_level = quadrature.MAX_LEVEL if nodes is None else max(1, int(math.log2(nodes - 1)) - 5)
        m, _, _, gs, f02 = quadrature.bulk_moments(problem, tf, dynamics=dynamics, rtol=rtol,
                                                   max_level=max_level, _extras=True)
        parts = {"V_init": m[:, 3] + atom0 * f02,   # f_t(0)^2 = 1 when gamma = 0
                 "Vtr_init": m[:, 4],
                 "E_spike": w_s * gs,
                 "E_bulk": m[:, 0],
                 "V_spike": k * w_s * gs * gs,
                 "V_bulk": k * m[:, 1],
                 "Vtr_signal": k * (m[:, 2] + w_s * ls * gs * gs)}
    if everywhere:
        return Components(**{key: np.array(parts[key]) for key in names})
    out = {key: np.zeros(t.shape) for key in names}
    for key, value in parts.items():
        out[key][finite] = value
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


def predict(problem, t, *, dynamics="flow", nodes=None, rtol=quadrature.RTOL, covariance=None, mu=None):
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
    nodes : int, optional
        Cap on the bulk quadrature nodes per time (default: as many as the accuracy needs,
        up to 8,193); a time that cannot meet ``rtol`` within it warns.
    rtol : float, default 1e-12
        Relative accuracy asked of E, V and V_train at every time (estimated a posteriori by
        :mod:`rmtdyn.quadrature`; a :class:`~rmtdyn.quadrature.QuadratureWarning` names the
        setting where it is not met).
    covariance : rmtdyn.covariance.Covariance, optional
        A noise covariance :math:`C`: the general case, :func:`rmtdyn.covariance.predict`
        (with ``mu``, the class mean, optional).  ``None`` is :math:`C = I`, this theorem.

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
    if covariance is not None:
        from . import covariance as _cov
        return _cov.predict(problem, covariance, t, mu=mu, dynamics=dynamics)
    if mu is not None:
        raise TypeError("mu is the class mean of a general covariance; give covariance= with it")
    dynamics = _checks.dynamics(dynamics)
    t = _checks.times(t, integer=(dynamics == "gd"))
    parts = components(problem, t, dynamics=dynamics, nodes=nodes, rtol=rtol)
    return _assemble(t, parts, (problem.mu2 + problem.c) / problem.mu2, problem.sigma2, dynamics)


# the other concerns live in their own modules; their names stay reachable as rd.theory.X
from .stopping import OptimalStopping, optimal_map, optimal_stopping, sigma2_sweep  # noqa: E402
from .ridge import OptimalRidge, effective_gamma, optimal_ridge, ridge_errors  # noqa: E402
from .classes import bayes_threshold, class_errors  # noqa: E402
