"""Beyond the paper, unequal classes (book chapter 9): the Bayes threshold and per-class errors.

For class proportions :math:`1-\\pi, \\pi` the rule "sign of the statistic" is no longer
optimal; these functions give the best threshold of a Gaussian statistic and the errors of
each class at any threshold.
"""

import math

import numpy as np

from . import _checks
from .results import ClassErrors
from .theory import _real_array, error_rate

__all__ = ["bayes_threshold", "class_errors"]


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
