"""Data: the two-class Gaussian mixture of the paper (seeded).

.. math::

    x_i = y_i\\,\\mu + z_i,\\qquad z_i \\sim \\mathcal N(0, I_p),\\qquad
    y_i = -1 \\text{ for } \\mathcal C_1,\\; +1 \\text{ for } \\mathcal C_2

(book chapter 1, eq. ``setup-model``), with :math:`\\mu = \\sqrt{\\|\\mu\\|^2}\\,e_1`:
the direction of :math:`\\mu` is irrelevant because the noise is isotropic.
"""

import numpy as np

from . import _checks
from .params import Problem

__all__ = ["gaussian_mixture", "sample"]


def _rng(rng):
    return _checks.generator(rng)


def gaussian_mixture(p, n, mu2, *, pi=0.5, rng=None):
    """Draw ``n`` labelled samples in dimension ``p`` from the two-class mixture.

    Parameters
    ----------
    p, n : int
        Dimension and sample size.
    mu2 : float
        :math:`\\|\\mu\\|^2 \\ge 0`.
    pi : float, default 0.5
        Proportion of class :math:`\\mathcal C_2`; exactly ``round(pi * n)``
        samples get label +1 (the first ``n - round(pi n)`` get -1).
    rng : int, numpy.random.Generator or None
        Source of randomness (SciPy's convention: an int seeds ``default_rng``,
        ``None`` takes fresh entropy).

    Returns
    -------
    X : ndarray, shape (p, n)
        Data matrix, one sample per column.
    y : ndarray, shape (n,)
        Labels in {-1, +1}.
    mu : ndarray, shape (p,)
        The class mean :math:`\\mu`.

    Examples
    --------
    >>> X, y, mu = gaussian_mixture(3, 4, 1.0, rng=0)
    >>> X.shape, y.tolist(), mu.tolist()
    ((3, 4), [-1.0, -1.0, 1.0, 1.0], [1.0, 0.0, 0.0])
    """
    p = _checks.positive_int(p, "p")
    n = _checks.positive_int(n, "n")
    mu2 = _checks.real_scalar(mu2, "mu2", low=0, low_inclusive=True, allowed="mu2 >= 0")
    pi = _checks.real_scalar(pi, "pi", low=0, high=1, allowed="class proportion 0 < pi < 1")
    rng = _rng(rng)
    n2 = round(pi * n)
    y = np.concatenate([-np.ones(n - n2), np.ones(n2)])
    mu = np.zeros(p)
    mu[0] = np.sqrt(mu2)
    X = rng.standard_normal((p, n))
    X[0] += mu[0] * y  # + mu y^T, mu along e_1
    return X, y, mu


def sample(problem, *, rng=None):
    """Draw a training set ``(X, y, mu)`` for a :class:`~rmtdyn.Problem` that has ``p`` and ``n``.

    Examples
    --------
    >>> X, y, mu = sample(Problem(p=4, n=6, mu2=2.0, pi=0.5), rng=1)
    >>> X.shape, int((y > 0).sum())
    ((4, 6), 3)
    """
    if not isinstance(problem, Problem):
        raise _checks.ArgumentTypeError(f"problem must be an rmtdyn.Problem; got {type(problem).__name__}")
    if problem.p is None:
        raise ValueError("this Problem has only c; give p and n to draw data")
    return gaussian_mixture(problem.p, problem.n, problem.mu2, pi=problem.pi, rng=rng)
