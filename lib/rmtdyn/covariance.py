"""General noise covariance: the generalised Marčenko–Pastur law and the theorem for any :math:`C`.

The data of the model become :math:`x_i = y_i\\mu + C^{1/2}z_i` with :math:`z_i \\sim \\mathcal N(0, I_p)`
and :math:`C` symmetric positive definite (book chapter 9, section "General covariance").
Only :math:`\\tilde x_i = y_i x_i = \\mu + C^{1/2}\\tilde z_i` enters the loss, and with
:math:`b = \\tilde X 1/n` and :math:`u = 1/\\sqrt n`, :math:`\\tilde X/\\sqrt n = b\\,u^T + \\tilde X(I - uu^T)/\\sqrt n`,
so that

.. math::

    M = \\frac{XX^T}n = K + bb^T,\\qquad K = \\frac1n C^{1/2}\\tilde Z(I - uu^T)\\tilde Z^T C^{1/2},\\qquad
    b = \\mu + v,\\; v \\sim \\mathcal N(0, C/n),

with :math:`v` independent of :math:`K` (Gaussian :math:`z`), and the mean is an exact rank-one update
(Sherman–Morrison).  The resolvent of the sample covariance :math:`K` has the deterministic equivalent
(eq. ``cov-qbar``)

.. math::

    \\bar Q(z) = \\big(k(z)\\,C - zI\\big)^{-1},\\qquad k(z) = -z\\,\\tilde m(z),\\qquad
    z = -\\frac1{\\tilde m} + \\frac1n\\sum_{j=1}^p \\frac{\\lambda_j}{1 + \\lambda_j\\tilde m}

(eq. ``cov-fixed-point``; :math:`\\lambda_j` the eigenvalues of :math:`C`, :math:`\\tilde m` the
Stieltjes transform of the spectrum of the :math:`n\\times n` companion matrix), and the product of two
resolvents (eq. ``cov-two-resolvent``)

.. math::

    Q(z_1)\\,C\\,Q(z_2) \\leftrightarrow \\frac{\\bar Q(z_1)\\,C\\,\\bar Q(z_2)}{\\Delta(z_1, z_2)},\\qquad
    \\Delta = 1 - k(z_1)k(z_2)\\,\\frac1n\\operatorname{tr}C\\bar Q(z_1)C\\bar Q(z_2).

:func:`predict` evaluates the resulting contour integrals (the density has no closed form) by the
trapezoid rule, the variance as a double integral; :func:`simulate` is the Monte-Carlo reference.

This module holds the covariance type, the sampler and the runner; the law is in
:mod:`rmtdyn.covariance_law` and the theorem in :mod:`rmtdyn.covariance_theory`, whose
names are reached from here too (``rd.covariance.predict``), loaded on first use.
"""

import importlib
from dataclasses import dataclass
import math

import numpy as np

from . import _checks
from .data import _rng
from .params import Problem

__all__ = ["Covariance", "companion_stieltjes", "stieltjes", "density", "support_edge",
           "spike_location", "deterministic_equivalent", "two_resolvent_de", "contour_for",
           "predict", "sample", "simulate"]

_ELSEWHERE = {name: "covariance_law" for name in ("companion_stieltjes", "stieltjes", "density", "support_edge",
                                                  "spike_location", "deterministic_equivalent",
                                                  "two_resolvent_de")}
_ELSEWHERE.update(contour_for="covariance_theory", predict="covariance_theory")


def __getattr__(name):  # PEP 562: the law and the theorem, imported on first use
    if name in _ELSEWHERE:
        return getattr(importlib.import_module(f"{__package__}.{_ELSEWHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))


@dataclass(frozen=True, eq=False)
class Covariance:
    """A covariance :math:`C = U\\operatorname{diag}(\\lambda)U^T`, symmetric positive definite, frozen.

    Parameters
    ----------
    eigenvalues : array_like, shape (p,)
        :math:`\\lambda_j > 0`, finite.
    eigenvectors : array_like, shape (p, p), optional
        Orthonormal columns :math:`U`; ``None`` means :math:`U = I` (a diagonal :math:`C`).

    Examples
    --------
    >>> C = Covariance.two_level(4, low=0.5, high=2.0, fraction=0.5)
    >>> C.eigenvalues.tolist(), C.p
    ([2.0, 2.0, 0.5, 0.5], 4)
    >>> Covariance([1.0, -1.0])
    Traceback (most recent call last):
    ...
    ValueError: eigenvalues must be > 0 (C positive definite); got min -1
    """

    eigenvalues: np.ndarray
    eigenvectors: np.ndarray | None = None

    def __post_init__(self):
        lam = _checks.finite_array(self.eigenvalues, "eigenvalues", ndim=1)
        if lam.size == 0:
            raise ValueError("eigenvalues must hold at least one value")
        if not (lam > 0).all():
            raise ValueError(f"eigenvalues must be > 0 (C positive definite); got min {lam.min():g}")
        lam = lam.copy()
        lam.flags.writeable = False
        object.__setattr__(self, "eigenvalues", lam)
        if self.eigenvectors is not None:
            p = lam.size
            U = _checks.finite_array(self.eigenvectors, "eigenvectors", ndim=2, shape=(p, p))
            if not np.allclose(U.T @ U, np.eye(p), atol=1e-8):
                raise ValueError("eigenvectors must have orthonormal columns (U^T U = I)")
            U = U.copy()
            U.flags.writeable = False
            object.__setattr__(self, "eigenvectors", U)

    @property
    def p(self):
        """Dimension."""
        return self.eigenvalues.size

    @classmethod
    def from_matrix(cls, C, *, rtol=1e-10):
        """From a symmetric positive-definite matrix (checked to relative tolerance ``rtol``).

        Examples
        --------
        >>> Covariance.from_matrix([[2.0, 1.0], [1.0, 2.0]]).eigenvalues.round(12).tolist()
        [1.0, 3.0]
        >>> Covariance.from_matrix([[1.0, 2.0], [0.0, 1.0]])
        Traceback (most recent call last):
        ...
        ValueError: C must be symmetric; max |C - C^T| = 2
        """
        C = _checks.finite_array(C, "C", ndim=2)
        if C.shape[0] != C.shape[1]:
            raise ValueError(f"C must be square; got shape {C.shape}")
        asym = float(np.abs(C - C.T).max())
        if asym > rtol * max(float(np.abs(C).max()), 1e-300):
            raise ValueError(f"C must be symmetric; max |C - C^T| = {asym:g}")
        lam, U = np.linalg.eigh(0.5 * (C + C.T))
        if not lam[0] > 0:
            raise ValueError(f"C must be positive definite; smallest eigenvalue {lam[0]:g}")
        return cls(lam, U)

    @classmethod
    def identity(cls, p):
        """:math:`C = I_p` (the paper's case)."""
        return cls(np.ones(_checks.positive_int(p, "p")))

    @classmethod
    def two_level(cls, p, *, low, high, fraction):
        """Diagonal :math:`C` with ``round(fraction p)`` eigenvalues ``high`` first, then ``low``."""
        p = _checks.positive_int(p, "p")
        low = _checks.real_scalar(low, "low", low=0, allowed="low > 0")
        high = _checks.real_scalar(high, "high", low=0, allowed="high > 0")
        fraction = _checks.real_scalar(fraction, "fraction", low=0, high=1, low_inclusive=True,
                                       high_inclusive=True, allowed="0 <= fraction <= 1")
        k = int(round(fraction * p))
        return cls(np.concatenate([np.full(k, high), np.full(p - k, low)]))

    @classmethod
    def power_law(cls, p, *, exponent, trace=None):
        """Diagonal :math:`C` with :math:`\\lambda_j \\propto j^{-a}`, scaled to :math:`\\operatorname{tr}C` = ``trace`` (default p).

        Examples
        --------
        >>> C = Covariance.power_law(3, exponent=1.0, trace=11.0)
        >>> C.eigenvalues.round(6).tolist()
        [6.0, 3.0, 2.0]
        """
        p = _checks.positive_int(p, "p")
        a = _checks.real_scalar(exponent, "exponent", low=0, low_inclusive=True, allowed="exponent >= 0")
        trace = float(p) if trace is None else _checks.real_scalar(trace, "trace", low=0,
                                                                  allowed="trace > 0")
        lam = np.arange(1, p + 1, dtype=float) ** (-a)
        return cls(lam * (trace / lam.sum()))

    @classmethod
    def estimate(cls, noise, *, shrinkage=0.1):
        """Shrunk sample covariance of centred samples (columns): :math:`(1-s)\\hat C + s\\,\\frac{\\operatorname{tr}\\hat C}p I`.

        ``noise`` has shape (p, N), one centred sample per column (e.g. images minus
        their class mean); ``shrinkage`` :math:`s \\in (0, 1]` makes the estimate
        positive definite even when :math:`N < p` or pixels are constant.

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> C = Covariance.estimate(rng.standard_normal((3, 2000)), shrinkage=0.5)
        >>> bool(np.allclose(C.eigenvalues, 1.0, atol=0.05))
        True
        """
        noise = _checks.finite_array(noise, "noise", ndim=2)
        s = _checks.real_scalar(shrinkage, "shrinkage", low=0, high=1, high_inclusive=True,
                                allowed="0 < shrinkage <= 1")
        S = noise @ noise.T / noise.shape[1]
        lam, U = np.linalg.eigh(S)
        lam = np.clip(lam, 0.0, None)
        target = lam.mean()
        if not target > 0:
            raise ValueError("noise has no variance: cannot estimate a covariance")
        return cls((1 - s) * lam + s * target, U)

    def matrix(self):
        """The matrix :math:`C` (shape (p, p))."""
        if self.eigenvectors is None:
            return np.diag(self.eigenvalues)
        U = self.eigenvectors
        return (U * self.eigenvalues) @ U.T

    def sqrt_matrix(self):
        """The symmetric square root :math:`C^{1/2}`."""
        if self.eigenvectors is None:
            return np.diag(np.sqrt(self.eigenvalues))
        U = self.eigenvectors
        return (U * np.sqrt(self.eigenvalues)) @ U.T

    def rotate(self, v):
        """Coordinates :math:`U^T v` of a vector in the eigenbasis."""
        v = _checks.finite_array(v, "v", ndim=1, shape=(self.p,))
        return v if self.eigenvectors is None else self.eigenvectors.T @ v

    def default_mean(self, mu2):
        """The mean with equal energy :math:`\\|\\mu\\|^2/p` on every eigenvector (a 'generic' direction)."""
        mu2 = _checks.real_scalar(mu2, "mu2", low=0, allowed="mu2 > 0")
        e = np.full(self.p, math.sqrt(mu2 / self.p))
        return e if self.eigenvectors is None else self.eigenvectors @ e


def _cov(covariance):
    if not isinstance(covariance, Covariance):
        raise ValueError(f"covariance must be an rmtdyn.covariance.Covariance; got {type(covariance).__name__}")
    return covariance


def _mean(covariance, mu):
    if mu is None:
        raise ValueError("mu (the class mean, shape (p,)) is required")
    mu = _checks.finite_array(mu, "mu", ndim=1, shape=(covariance.p,))
    if not (mu @ mu) > 0:
        raise ValueError("mu must be a non-zero vector (the class mean)")
    return mu


def _problem_mean(problem, covariance, mu):
    if not isinstance(problem, Problem):
        raise ValueError(f"problem must be an rmtdyn.Problem; got {type(problem).__name__}")
    if problem.gamma != 0:
        # the general-covariance theorem and runner are derived and checked without a penalty
        raise ValueError(f"the general-covariance theory takes gamma = 0 (no ridge penalty); "
                         f"got problem.gamma = {problem.gamma:g}")
    covariance = _cov(covariance)
    if problem.p is not None and problem.p != covariance.p:
        raise ValueError(f"covariance has p={covariance.p} but problem has p={problem.p}")
    if mu is None:
        return covariance.default_mean(problem.mu2)
    mu = _mean(covariance, mu)
    if not math.isclose(float(mu @ mu), problem.mu2, rel_tol=1e-9):
        raise ValueError(f"mu must have ||mu||^2 = problem.mu2 = {problem.mu2:g}; got {float(mu @ mu):g}")
    return mu



def sample(covariance, mu, n, *, pi=0.5, rng=None):
    """Draw ``(X, y)``: :math:`x_i = y_i\\mu + C^{1/2}z_i`, labels as :func:`rmtdyn.data.gaussian_mixture`.

    Examples
    --------
    >>> C = Covariance.two_level(3, low=1.0, high=4.0, fraction=1/3)
    >>> X, y = sample(C, np.zeros(3) + 0.5, 4, rng=0)
    >>> X.shape, y.tolist()
    ((3, 4), [-1.0, -1.0, 1.0, 1.0])
    """
    covariance = _cov(covariance)
    mu = _checks.finite_array(mu, "mu", ndim=1, shape=(covariance.p,))
    n = _checks.positive_int(n, "n")
    pi = _checks.real_scalar(pi, "pi", low=0, high=1, allowed="class proportion 0 < pi < 1")
    rng = _rng(rng)
    n2 = round(pi * n)
    y = np.concatenate([-np.ones(n - n2), np.ones(n2)])
    return _draw(covariance, covariance.sqrt_matrix(), mu, y, rng), y


def _draw(covariance, S, mu, y, rng):
    Z = rng.standard_normal((covariance.p, y.size))
    noise = Z * np.sqrt(covariance.eigenvalues)[:, None] if covariance.eigenvectors is None else S @ Z
    return noise + np.outer(mu, y)


def simulate(problem, covariance, t, *, runs, rng=None, seed=None, mu=None, dynamics="flow", method="auto",
             threshold=0.0, progress=None):
    """Monte-Carlo test and training error of gradient descent on data with noise covariance :math:`C`.

    Each run (its own child of ``rng``; ``seed`` is the older name) draws :math:`X` as
    :func:`sample`, then :math:`w_0 \\sim \\mathcal N(0, \\sigma^2/p\\,I)`, trains (one
    eigendecomposition, all times), and records the exact test error
    :math:`Q(w^T\\mu/\\sqrt{w^TCw})` and the training error (the runner
    :func:`rmtdyn.montecarlo.run`, whose options ``method``, ``threshold`` and
    ``progress`` it passes on).  For :math:`C = I` and :math:`\\mu = \\sqrt{\\|\\mu\\|^2}e_1`
    it draws the same numbers as :func:`rmtdyn.simulate`.

    Returns
    -------
    Simulation

    Examples
    --------
    >>> import rmtdyn as rd
    >>> pb = rd.Problem(p=32, n=64, mu2=4.0, sigma2=0.1, alpha=0.01)
    >>> mu = np.zeros(32); mu[0] = 2.0
    >>> sim = simulate(pb, Covariance.identity(32), [0, 100], runs=4, rng=0, mu=mu)
    >>> sim.test_error_mean.round(3).tolist()
    [0.487, 0.046]
    """
    from .montecarlo import Draw, run
    mu = _problem_mean(problem, covariance, mu)
    if problem.p is None:
        raise ValueError("simulate needs a Problem with p and n (not only c)")
    rng = _checks.rng_alias(rng, seed, "simulate")
    n1, n2 = problem.n_per_class
    y = np.concatenate([-np.ones(n1), np.ones(n2)])
    S = covariance.sqrt_matrix()
    factor = np.sqrt(covariance.eigenvalues) if covariance.eigenvectors is None else S
    scale = np.sqrt(problem.sigma2 / problem.p)

    def draw(stream):
        X = _draw(covariance, S, mu, y, stream)
        return Draw(X=X, y=y, w0=stream.standard_normal(problem.p) * scale, mu=mu, cov_factor=factor)
    return run(draw, t, runs=runs, rng=rng, alpha=problem.alpha, gamma=problem.gamma, dynamics=dynamics,
               method=method, threshold=threshold, progress=progress)
