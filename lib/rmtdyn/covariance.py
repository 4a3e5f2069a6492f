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
"""

from dataclasses import dataclass
import math
import warnings

import numpy as np
from scipy.optimize import brentq, minimize_scalar
from threadpoolctl import threadpool_limits

from . import _checks
from .contour import Contour, contour_integral, ellipse, enclosing
from .data import _rng
from .filters import filters
from .params import Problem, check_gd_step
from .quadrature import QuadratureWarning
from .theory import Prediction, error_rate

__all__ = ["Covariance", "companion_stieltjes", "stieltjes", "density", "support_edge",
           "spike_location", "deterministic_equivalent", "two_resolvent_de", "contour_for",
           "predict", "sample", "simulate"]


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


class _Spec:
    """Distinct eigenvalues of C with their weights (multiplicity / n), and sums over them."""

    def __init__(self, covariance, c, mu_energy=None):
        lam = covariance.eigenvalues
        p = lam.size
        self.c = _checks.real_scalar(c, "c", low=0, allowed="c = p/n > 0")
        self.n = p / self.c
        vals, inv = np.unique(lam, return_inverse=True)
        counts = np.bincount(inv, minlength=vals.size).astype(float)
        self.lam, self.w = vals, counts / self.n     # (1/n) sum_j over the p eigenvalues
        self.pw = counts / p                         # (1/p) sum_j
        self.mu = (np.zeros(vals.size) if mu_energy is None
                   else np.bincount(inv, weights=mu_energy, minlength=vals.size))

    def s(self, m):
        """(1/n) sum lambda/(1 + lambda m) for an array m (shape (...,))."""
        return (self.w * self.lam / (1 + np.multiply.outer(m, self.lam))).sum(-1)

    def newton(self, z, m, maxiter=40):
        lam, w = self.lam, self.w
        step = np.inf
        with np.errstate(all="ignore"):
            for _ in range(maxiter):
                d = 1 + lam * m
                G = -1 / m + np.sum(w * lam / d) - z
                dG = 1 / (m * m) - np.sum(w * lam * lam / (d * d))
                step = G / dG
                m = m - step
                if not np.isfinite(m):
                    return m, False
                if abs(step) <= 4e-16 * abs(m):
                    return m, True
        return m, bool(abs(step) <= 1e-10 * abs(m))

    def solve_path(self, zs):
        """Companion Stieltjes transform along an ordered path in the upper half-plane.

        Starts far above the first point (where m ~ -1/z) and continues point to point
        with Newton's method, halving a step whenever Newton fails or leaves the
        upper half-plane (Im m > 0 is the sign of a Stieltjes transform there).
        """
        zs = np.asarray(zs, dtype=complex)
        scale = float(np.sum(self.w * self.lam)) + float(self.lam.max()) + 1.0
        top = zs[0].real + 1j * (abs(zs[0].imag) + 20 * scale)
        m = -1 / top
        m, _ = self.newton(top, m)
        out = np.empty(zs.size, dtype=complex)
        prev = top
        for i, z in enumerate(zs):
            target, depth = z, 0
            while True:
                cand, ok = self.newton(target, m)
                if ok and cand.imag > 0:
                    m, prev = cand, target
                    if target == z:
                        break
                    target, depth = z, 0
                    continue
                depth += 1
                if depth > 60:
                    raise RuntimeError(f"generalised MP solver did not converge at z={z}")
                target = 0.5 * (prev + target)
            out[i] = m
        return out


def _upper(z):
    z = np.asarray(z, dtype=complex)
    if (z.imag == 0).any():
        raise ValueError("z must be off the real axis (use x + 1j*eps for real points)")
    return z


def _solve(spec, z):
    """Companion transform at arbitrary non-real points (each continued from far above it)."""
    z = _upper(z)
    flat = z.reshape(-1)
    up = np.where(flat.imag > 0, flat, flat.conj())
    m = np.array([spec.solve_path(up[i:i + 1])[0] for i in range(up.size)], dtype=complex)
    m = np.where(flat.imag > 0, m, m.conj())
    return m.reshape(z.shape)


def _solve_contour(spec, z):
    """Companion transform on a closed contour symmetric about the real axis, with no real node.

    The upper nodes are ordered by angle about the centre and solved along the
    contour from its top, first towards the right end, then towards the left end;
    the lower nodes are the conjugates.
    """
    z = _upper(z)
    up = np.flatnonzero(z.imag > 0)
    centre = 0.5 * (z.real.min() + z.real.max())
    order = up[np.argsort(np.angle(z[up] - centre))]   # from the right end (angle 0) to the left (pi)
    top = int(np.argmax(z[order].imag))
    right = order[:top + 1][::-1]                        # top -> right end
    left = order[top:]                                   # top -> left end
    m = np.empty(z.size, dtype=complex)
    m[right] = spec.solve_path(z[right])
    m[left] = spec.solve_path(z[left])
    low = np.flatnonzero(z.imag < 0)
    # lower half: m(conj z) = conj m(z), from each lower node's mirror image
    low = np.flatnonzero(z.imag < 0)
    if low.size:
        dist = np.abs(z[low].conj()[:, None] - z[up][None, :])
        near = np.argmin(dist, axis=1)
        ok = dist[np.arange(low.size), near] <= 1e-12 * (1 + np.abs(z[low]))
        m[low[ok]] = m[up[near[ok]]].conj()
        if not ok.all():
            m[low[~ok]] = _solve(spec, z[low[~ok]])
    return m


def companion_stieltjes(covariance, z, *, c):
    """Stieltjes transform :math:`\\tilde m(z)` of the limiting spectrum of :math:`\\frac1n \\tilde Z^TC\\tilde Z` (:math:`n\\times n`).

    The solution with :math:`\\operatorname{Im}\\tilde m > 0` for :math:`\\operatorname{Im}z > 0` of
    (book chapter 9, eq. ``cov-fixed-point``)

    .. math::

        z = -\\frac1{\\tilde m} + \\frac1n\\sum_{j=1}^p\\frac{\\lambda_j}{1 + \\lambda_j\\tilde m},

    found by Newton's method continued from far above the real axis.  Then
    :math:`k = -z\\tilde m = 1/(1 + \\delta)` with :math:`\\delta(z) = \\frac1n\\operatorname{tr}C\\bar Q(z)`.

    Parameters
    ----------
    covariance : Covariance
    z : complex or array_like
        Points off the real axis.
    c : float
        :math:`p/n > 0`.

    Examples
    --------
    >>> from rmtdyn.spectrum import mp_stieltjes
    >>> z = np.array([1.0 + 0.5j, -1.0 + 0.1j])
    >>> mt = companion_stieltjes(Covariance.identity(50), z, c=0.5)
    >>> bool(np.allclose(mt, 0.5 * mp_stieltjes(z, 0.5) - 0.5 / z))  # c m - (1 - c)/z
    True
    """
    spec = _Spec(_cov(covariance), c)
    return _solve(spec, z)


def _q_sums(spec, z, m):
    """(1/p) tr Qbar, mu^T Qbar mu and k at points z with companion m."""
    d = 1 + np.multiply.outer(m, spec.lam)                     # (N, J)
    zz = np.asarray(z)[..., None]
    q = -1 / (zz * d)                                           # eigenvalues of Qbar
    return q, (q * spec.pw).sum(-1), (q * spec.mu).sum(-1), -np.asarray(z) * m


def stieltjes(covariance, z, *, c):
    """Stieltjes transform :math:`m(z) = \\frac1p\\operatorname{tr}\\bar Q(z)` of the generalised MP law.

    .. math::

        m(z) = \\frac1p\\sum_{j=1}^p \\frac1{k(z)\\lambda_j - z}

    (book chapter 9, eq. ``cov-qbar``): the limit of :math:`\\frac1p\\operatorname{tr}(M - zI)^{-1}`.

    Examples
    --------
    >>> from rmtdyn.spectrum import mp_stieltjes
    >>> z = np.array([2.0 + 1e-3j])
    >>> bool(np.allclose(stieltjes(Covariance.identity(10), z, c=0.5), mp_stieltjes(z, 0.5)))
    True
    """
    spec = _Spec(_cov(covariance), c)
    m = _solve(spec, z)
    return _q_sums(spec, np.asarray(z, dtype=complex), m)[1]


def density(covariance, x, *, c, eps=1e-6):
    """Density of the generalised MP law at real points ``x`` (inversion :math:`\\frac1\\pi\\operatorname{Im} m(x + i\\varepsilon)`).

    When :math:`c > 1` the law also has an atom :math:`1 - 1/c` at 0, not included.

    Examples
    --------
    >>> from rmtdyn.spectrum import mp_density
    >>> x = np.array([0.5, 1.0, 2.0])
    >>> bool(np.allclose(density(Covariance.identity(8), x, c=0.5, eps=1e-9), mp_density(x, 0.5), atol=1e-6))
    True
    """
    eps = _checks.real_scalar(eps, "eps", low=0, allowed="eps > 0")
    x = _checks.finite_array(x, "x", ndim=1)
    spec = _Spec(_cov(covariance), c)
    order = np.argsort(-x, kind="stable")  # walk from right to left along the axis
    z = x[order] + 1j * eps
    m = spec.solve_path(z)
    out = np.empty(x.size)
    out[order] = _q_sums(spec, z, m)[1].imag / np.pi
    return out


def _x_of_m(spec, m):
    return -1 / m + spec.s(m)


def support_edge(covariance, *, c):
    """Right edge of the generalised MP law: the minimum of :math:`x(\\tilde m)` on :math:`(-1/\\lambda_{\\max}, 0)`.

    With :math:`x(\\tilde m) = -1/\\tilde m + \\frac1n\\sum_j \\lambda_j/(1+\\lambda_j\\tilde m)` (the
    inverse of the companion transform on the real axis), convex on that interval
    (Silverstein and Choi).

    Examples
    --------
    >>> round(support_edge(Covariance.identity(10), c=0.5), 10)  # (1 + sqrt c)^2
    2.9142135624
    """
    spec = _Spec(_cov(covariance), c)
    return _edge(spec)[0]


def _edge(spec):
    lmax = spec.lam.max()
    res = minimize_scalar(lambda s: _x_of_m(spec, -s / lmax), bounds=(1e-12, 1 - 1e-12),
                          method="bounded", options={"xatol": 1e-13})
    return float(res.fun), float(-res.x / lmax)


def _spike(spec):
    """Isolated eigenvalue of M = K + bb^T (root of 1 + beta above the edge), or None."""
    edge, m_edge = _edge(spec)

    def h(m):  # 1 + mu^T Qbar mu + delta, written in terms of the companion m at real x(m)
        x = _x_of_m(spec, m)
        k = -x * m
        d = 1 + m * spec.lam
        return 1 + np.sum(spec.mu * (-1 / (x * d))) + (1 / k - 1)
    lo = m_edge + 1e-12 * abs(m_edge)
    if h(lo) >= 0:
        return None, edge
    hi = -1e-14 * abs(m_edge)
    mm = brentq(h, lo, hi, xtol=1e-300, rtol=1e-14)
    return float(_x_of_m(spec, mm)), edge


def spike_location(covariance, mu, *, c):
    """Isolated eigenvalue of :math:`XX^T/n` created by the mean (``None`` below the transition).

    The root above the bulk of :math:`1 + \\mu^T\\bar Q(x)\\mu + \\delta(x) = 0`
    (book chapter 9, eq. ``cov-spike``).

    Examples
    --------
    >>> from rmtdyn.spectrum import spike_location as sl
    >>> C = Covariance.identity(20); mu = C.default_mean(4.0)
    >>> round(spike_location(C, mu, c=0.5), 8) == round(sl(0.5, 4.0), 8)
    True
    """
    covariance = _cov(covariance)
    spec = _Spec(covariance, c, covariance.rotate(mu) ** 2)
    return _spike(spec)[0]


def deterministic_equivalent(covariance, z, *, c):
    """:math:`\\bar Q(z) = (k(z)C - zI)^{-1}` for the resolvent of :math:`\\frac1n C^{1/2}ZZ^TC^{1/2}` (one ``z``).

    .. math::

        \\bar Q(z) = U\\operatorname{diag}\\Big(\\frac1{k(z)\\lambda_j - z}\\Big)U^T

    (book chapter 9, eq. ``cov-qbar``).  ``z`` must be off the real axis.

    Examples
    --------
    >>> Qb = deterministic_equivalent(Covariance.identity(2), 1j, c=0.5)
    >>> from rmtdyn.spectrum import mp_stieltjes
    >>> bool(np.allclose(Qb, mp_stieltjes(1j, 0.5) * np.eye(2)))
    True
    """
    covariance = _cov(covariance)
    spec = _Spec(covariance, c)
    z = complex(z)
    m = _solve(spec, np.array([z]))[0]
    q = 1 / (-z * m * covariance.eigenvalues - z)
    U = covariance.eigenvectors
    return np.diag(q) if U is None else (U * q) @ U.T


def two_resolvent_de(covariance, A, z1, z2, *, c):
    """Deterministic equivalent of :math:`Q(z_1)AQ(z_2)` for :math:`Q` the resolvent of :math:`\\frac1nC^{1/2}ZZ^TC^{1/2}`.

    .. math::

        \\bar Q_1A\\bar Q_2 + \\frac{k_1k_2\\,\\frac1n\\operatorname{tr}(C\\bar Q_1A\\bar Q_2)}
        {1 - k_1k_2\\,\\frac1n\\operatorname{tr}(C\\bar Q_1C\\bar Q_2)}\\,\\bar Q_1C\\bar Q_2

    (book chapter 9, eq. ``cov-two-resolvent``), :math:`\\bar Q_i = \\bar Q(z_i)`, :math:`k_i = k(z_i)`.
    For :math:`A = C` it is :math:`\\bar Q_1C\\bar Q_2/\\Delta(z_1, z_2)`.

    Examples
    --------
    >>> from rmtdyn.spectrum import mp_stieltjes
    >>> z1, z2 = 1 + 1j, 2 - 0.5j
    >>> D = two_resolvent_de(Covariance.identity(3), np.eye(3), z1, z2, c=0.5)
    >>> m1, m2 = mp_stieltjes(z1, 0.5), mp_stieltjes(z2, 0.5)
    >>> bool(np.allclose(D, (m1 - m2) / (z1 - z2) * np.eye(3)))  # Q1 Q2 = (Q1 - Q2)/(z1 - z2)
    True
    """
    covariance = _cov(covariance)
    p = covariance.p
    A = _checks.finite_array(A, "A", ndim=2, shape=(p, p))
    n = p / _checks.real_scalar(c, "c", low=0, allowed="c = p/n > 0")
    Q1 = deterministic_equivalent(covariance, z1, c=c)
    Q2 = deterministic_equivalent(covariance, z2, c=c)
    k1 = complex(-z1 * companion_stieltjes(covariance, complex(z1), c=c))
    k2 = complex(-z2 * companion_stieltjes(covariance, complex(z2), c=c))
    Cm = covariance.matrix()
    QCQ = Q1 @ Cm @ Q2
    delta = 1 - k1 * k2 * np.trace(Cm @ QCQ) / n
    return Q1 @ A @ Q2 + (k1 * k2 * np.trace(Cm @ Q1 @ A @ Q2) / n / delta) * QCQ


def contour_for(covariance, mu, t, *, c, alpha, dynamics="flow", tol=1e-12, rho_max=1.6,
                growth=5.0):
    """The ellipse around the limiting spectrum of :math:`XX^T/n`, nodes shifted off the real axis.

    Foci 0 and :math:`R = \\max(\\text{edge}, \\text{spike})` (:func:`support_edge`,
    :func:`spike_location`); :math:`\\rho \\le` ``rho_max`` is shrunk until
    :math:`|f_t| \\le e^{\\mathrm{growth}}` on it, and
    :math:`N = \\lceil \\log(1/\\mathrm{tol})/\\log\\rho + 4\\alpha t_{\\max}R\\rceil` (even, at least 256)
    as in :func:`rmtdyn.contour.for_problem`.  The nodes are at half steps,
    :math:`\\theta_j = 2\\pi(j + \\frac12)/N`, so none is real and they come in conjugate pairs.

    Examples
    --------
    >>> C = Covariance.identity(10)
    >>> K = contour_for(C, C.default_mean(4.0), [100.0], c=0.5, alpha=0.01)
    >>> round(K.right, 4), bool((K.z.imag != 0).all())
    (5.625, True)
    """
    covariance = _cov(covariance)
    dynamics = _checks.dynamics(dynamics)
    alpha = _checks.real_scalar(alpha, "alpha", low=0, allowed="learning rate alpha > 0")
    tol = _checks.real_scalar(tol, "tol", low=0, high=1, allowed="0 < tol < 1")
    t = _checks.times(t, integer=(dynamics == "gd"))
    if not np.isfinite(t).all():
        raise ValueError("the contour form needs finite times")
    spec = _Spec(covariance, c, covariance.rotate(_mean(covariance, mu)) ** 2)
    spike, edge = _spike(spec)
    right = max(edge, spike if spike is not None else 0.0) * (1 + 1e-9)
    return _ellipse_half(spec, right, t, alpha, dynamics, tol, rho_max, growth)


def _ellipse_half(spec, right, t, alpha, dynamics, tol, rho_max, growth, min_nodes=256):
    return enclosing(0.0, right, float(np.max(t)), alpha=alpha, dynamics=dynamics, tol=tol,
                     rho_max=rho_max, growth=growth, half_step=True, min_nodes=min_nodes)


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


def predict(problem, covariance, t, *, mu=None, dynamics="flow", contour=None, tol=1e-12, rtol=1e-6):
    """Asymptotic test and training performance with noise covariance :math:`C`, at every time in ``t``.

    Parameters
    ----------
    problem : Problem
        Uses ``c``, ``mu2``, ``sigma2``, ``alpha`` (and ``p`` if given, which must match).
    covariance : Covariance
        The noise covariance :math:`C`.
    t : array_like
        Times (flow) or step counts (GD); ``inf`` gives the limit (for :math:`c \\ne 1`).
    mu : array_like, shape (p,), optional
        The class mean, with :math:`\\|\\mu\\|^2` = ``problem.mu2``.  Default: equal
        energy on every eigenvector of :math:`C` (:meth:`Covariance.default_mean`).
    dynamics : {"flow", "gd"}
    contour : Contour, optional
        Default :func:`contour_for`; must enclose :math:`[0, R]` and have no real node.
    tol : float, default 1e-12
        Quadrature accuracy aimed at by the default contour.
    rtol : float, default 1e-6
        A :class:`rmtdyn.quadrature.QuadratureWarning` names the setting where the estimated
        relative error exceeds it.  Split form: the difference to the same form with 40
        parabola nodes.  One ellipse: the difference to the trapezoid rule on its even-indexed
        nodes (:math:`N/2`, the same node values) plus the rounding of the sums; where it
        exceeds ``rtol`` the library's ellipse is refined (twice the nodes, up to 4096), a
        given ``contour`` is used as it is.  Both over-estimate (measured errors against the
        identity theorem: ~1e-11 and ~1e-13).

    Returns
    -------
    Prediction
        ``E`` = :math:`w^T\\mu`, ``V`` = :math:`w^TCw` (the test statistic's variance), so that
        the test error is :math:`Q(E/\\sqrt V)`; ``E_train``, ``V_train`` the mean and second
        moment of the margins :math:`y_ix_i^Tw`.

    Notes
    -----
    With :math:`\\bar Q` and :math:`k` of :func:`deterministic_equivalent`,
    :math:`A(z) = \\mu^T\\bar Q\\mu`, :math:`\\beta = A + \\delta`, :math:`\\delta = 1/k - 1`, and
    :math:`\\Delta` of :func:`two_resolvent_de` (book chapter 9, eqs. ``cov-E``, ``cov-V``):

    .. math::

        E &= -\\frac1{2\\pi i}\\oint g_t\\frac{A}{1+\\beta}dz,\\qquad
        E_\\mathrm{tr} = -\\frac1{2\\pi i}\\oint g_t\\frac{\\beta}{1+\\beta}dz,\\\\
        V &= \\frac1{(2\\pi i)^2}\\oint\\!\\!\\oint \\Big[g_t(z_1)g_t(z_2)
              \\frac{\\mu^T\\bar Q_1C\\bar Q_2\\mu + \\frac1n\\operatorname{tr}C\\bar Q_1C\\bar Q_2}
                   {\\Delta_{12}(1+\\beta_1)(1+\\beta_2)}
            + \\sigma^2 f_t(z_1)f_t(z_2)\\frac{\\frac1p\\operatorname{tr}\\bar Q_1C\\bar Q_2}{\\Delta_{12}}\\Big]dz_1dz_2,\\\\
        V_\\mathrm{tr} &= -\\frac1{2\\pi i}\\oint z\\Big[g_t^2\\frac{\\beta}{1+\\beta} + \\sigma^2f_t^2\\,m(z)\\Big]dz.

    The two-point traces have closed forms in the companion transform
    (e.g. :math:`\\frac1n\\operatorname{tr}C\\bar Q_1C\\bar Q_2 = \\frac{z_1 + 1/\\tilde m_1 - z_2 - 1/\\tilde m_2}{z_1z_2(\\tilde m_2 - \\tilde m_1)}`),
    so the double integral costs :math:`O(N^2)`, not :math:`O(N^2p)`.  For :math:`C = I` this
    is the theorem of chapter 5 (:func:`rmtdyn.predict`).

    Gradient flow with :math:`\\alpha tR > 5` is evaluated in split form,
    :math:`g_t = 1/z - e^{-\\alpha tz}/z`: the :math:`1/z` parts once on an ellipse, the parts
    carrying :math:`e^{-\\alpha tz}` on a parabola around :math:`[0, \\infty)` scaled to
    :math:`\\alpha t`, where they decay (48 nodes at any :math:`t`, instead of
    :math:`\\sim 4\\alpha tR` on one ellipse); the kernels between two node sets are sums over
    the eigenvalues of :math:`C`, exact for every pair.

    Examples
    --------
    >>> import rmtdyn as rd
    >>> pb = rd.Problem(c=0.5, mu2=4.0, sigma2=0.1, alpha=0.01)
    >>> predict(pb, Covariance.identity(64), [100]).test_error.round(4).tolist()
    [0.0484]
    """
    mu = _problem_mean(problem, covariance, mu)
    dynamics = _checks.dynamics(dynamics)
    t = _checks.times(t, integer=(dynamics == "gd"))
    rtol = _checks.real_scalar(rtol, "rtol", low=0, high=1, allowed="relative tolerance 0 < rtol < 1")
    if np.isinf(t).any() and contour is not None:
        raise ValueError("t = inf is computed on the library's own contours; pass contour=None")
    c, s2, alpha = problem.c, problem.sigma2, problem.alpha
    spec = _Spec(covariance, c, covariance.rotate(mu) ** 2)
    spike, edge = _spike(spec)
    right = max(edge, spike if spike is not None else 0.0) * (1 + 1e-9)
    if dynamics == "gd":
        check_gd_step(alpha, right, what="this covariance")
    if contour is not None:
        if not isinstance(contour, Contour):
            raise ValueError("contour must be an rmtdyn.contour.Contour")
        K = contour
        if (K.z.imag == 0).any():
            raise ValueError("contour must have no node on the real axis (see contour_for)")
    E, V, Etr, Vtr = (np.empty(t.shape) for _ in range(4))
    # gradient flow at large alpha*t*R: the filter e^{-alpha t z} is split off onto parabolas
    # (their node count does not grow with alpha t); short times keep the one ellipse
    inf = np.isinf(t)
    if inf.any():
        with threadpool_limits(limits=1, user_api="blas"):
            lim = _limits(spec, right, alpha, s2, c)
        for arr, v in zip((E, V, Etr, Vtr), lim):
            arr[inf] = v
    zero = t == 0
    if zero.any():   # w = w0: nothing learned, ||w0||^2 -> sigma2 tr(C)/p; margins: sigma2 tr(C)/p
        v0 = s2 * float(np.sum(spec.pw * spec.lam))
        E[zero], V[zero], Etr[zero], Vtr[zero] = 0.0, v0, 0.0, v0
    split = (dynamics == "flow") & (alpha * t * right > _SPLIT_AT) & (contour is None) & ~inf & ~zero
    rest = ~split & ~inf & ~zero
    setting = f"c={c:g}, mu2={problem.mu2:g}, sigma2={s2:g}, alpha={alpha:g}, p={covariance.p}"
    if rest.any():
        if contour is None:
            K = _ellipse_half(spec, right, t[rest], alpha, dynamics, tol, 1.6, 5.0)
        while True:
            *out, err = _integrals(spec, K, t[rest], alpha, dynamics, s2)
            # refine the library's own ellipse (same rho, twice the nodes) while the estimate
            # exceeds rtol, up to _MAX_NODES; a given contour is used as it is
            if contour is not None or not (err > rtol).any() or 2 * K.z.size > _MAX_NODES:
                break
            K = ellipse(0.0, right, rho=K.rho, nodes=2 * K.z.size, half_step=True)
        _warn_error(err, rtol, t[rest], f"{dynamics}, {setting}, one ellipse of {K.z.size} nodes, "
                                        f"rho={K.rho:.4g}")
        for arr, v in zip((E, V, Etr, Vtr), out):
            arr[rest] = v
    if split.any():
        with threadpool_limits(limits=1, user_api="blas"):  # many small products: threads only cost
            *out, err = _split_integrals(spec, right, t[split], alpha, s2)
        _warn_error(err, rtol, t[split], f"flow, {setting}, split form, {_PARABOLA_NODES} parabola nodes")
        for arr, v in zip((E, V, Etr, Vtr), out):
            arr[split] = v
    return Prediction.from_moments(t, E, V, Etr, Vtr, dynamics=dynamics)


_SPLIT_AT = 5.0     # alpha * t * R above which gradient flow uses the split form
_PARABOLA_NODES = 48
_COARSE_NODES = 40   # the rule the error estimate compares with
_MAX_NODES = 4096    # cap of the one-ellipse refinement (the double integral holds N^2/2 kernels)


def _node_data(spec, z, m):
    q, trq, A, k = _q_sums(spec, z, m)
    return dict(z=z, q=q, trq=trq, A=A, k=k, beta=A + 1 / k - 1)


def _kernels(a, b, spec):
    """Two-point kernels between node sets a and b, from their sums over the eigenvalues of C.

    :math:`\\frac1n\\operatorname{tr}C\\bar Q_1C\\bar Q_2 = \\sum_j w_j\\lambda_j^2 q_j(z_1)q_j(z_2)`
    and likewise :math:`\\mu^T\\bar Q_1C\\bar Q_2\\mu`, :math:`\\frac1p\\operatorname{tr}\\bar Q_1C\\bar Q_2`,
    with :math:`q_j(z) = -1/(z(1 + \\lambda_j\\tilde m(z)))`: exact at every pair, even
    where two nodes nearly coincide (no divided difference).
    """
    lam = spec.lam
    T = (a["q"] * (spec.w * lam * lam)) @ b["q"].T
    B = (a["q"] * (spec.mu * lam)) @ b["q"].T
    S = (a["q"] * (spec.pw * lam)) @ b["q"].T
    D = 1 - np.outer(a["k"], b["k"]) * T
    return (B + T) / (D * np.outer(1 + a["beta"], 1 + b["beta"])), S / D


def _parabola(scale, N=_PARABOLA_NODES):
    """Nodes of a parabola around [0, inf) for integrands with the factor e^{-scale z}.

    :math:`z(\\theta) = -N(0.1309 - 0.1194\\theta^2 + 0.25 i\\theta)/\\mathrm{scale}`, the
    mirror image of the optimised parabola for the inverse Laplace transform (Trefethen,
    Weideman & Schmelzer 2006: error about :math:`2.85^{-N}`), at the midpoints of
    :math:`N` steps in :math:`[-\\pi, \\pi]` (conjugate pairs, none real); ``dz`` includes
    :math:`1/(2\\pi i)`.  Upper nodes first, from the far end to the left end.
    """
    theta = -np.pi + (np.arange(N) + 0.5) * 2 * np.pi / N
    s = -N * (0.1309 - 0.1194 * theta ** 2 + 0.25j * theta)
    ds = -N * (-0.2388 * theta + 0.25j)
    return s / scale, ds / (1j * N * scale)


def _on_parabola(spec, scale, N=None):
    z, dz = _parabola(scale, N or _PARABOLA_NODES)
    N = z.size
    up = np.arange(N // 2)
    m = np.empty(N, dtype=complex)
    m[up] = spec.solve_path(z[up])
    m[N - 1 - up] = m[up].conj()            # z[N-1-j] = conj z[j]
    return dict(_node_data(spec, z, m), dz=dz)


def _split_integrals(spec, right, t, alpha, s2):
    """E, V, E_train, V_train for gradient flow at large alpha*t, with g_t = (1 - e^{-alpha t z})/z split.

    The t-independent parts (1/z) are integrated once on an ellipse around the spectrum; the
    parts carrying :math:`e^{-\\alpha t z}` on a parabola scaled to :math:`\\alpha t` that
    encloses :math:`[0, \\infty)`, where they decay (a group of times within a factor 2
    shares one parabola).  Cost :math:`O(N^2 J)` with :math:`N = 48`, whatever
    :math:`\\alpha t`.
    """
    K0 = _ellipse_half(spec, right, np.zeros(1), alpha, "flow", 1e-16, 3.0, 5.0, min_nodes=64)
    full0 = dict(_node_data(spec, K0.z, _solve_contour(spec, K0.z)), dz=K0.dz)
    at = alpha * t
    out = np.empty((2, 4, t.size))
    groups = np.floor(np.log2(at)).astype(int)
    for gidx in np.unique(groups):
        sel = np.flatnonzero(groups == gidx)
        scale = 1.5 * 2.0 ** gidx
        # the rule with 48 parabola nodes, and with 40 (and every other ellipse node): their
        # difference over-estimates the error of the first (it converges geometrically in N)
        for r, (n_par, step) in enumerate(((_PARABOLA_NODES, 1), (_COARSE_NODES, 2))):
            d1 = _on_parabola(spec, scale, n_par)
            d2 = _on_parabola(spec, 2 * scale, n_par)     # for e^{-2 alpha t z}
            out[r, :, sel] = np.array(_split_terms(spec, _every(full0, step), d1, d2, at[sel], s2)).T
    return (*out[0], _relative_gap(out[0], out[1]))


def _every(d, step):
    return {k: v[::step] * (step if k == "dz" else 1) for k, v in d.items()}


def _split_terms(spec, d0, d, d2, at, s2):
    z0, z, z2 = d0["z"], d["z"], d2["z"]
    P0 = d0["dz"] / z0
    ratio0 = d0["beta"] / (1 + d0["beta"])
    E0 = -np.real(np.sum(P0 * d0["A"] / (1 + d0["beta"])))
    Etr0 = -np.real(np.sum(P0 * ratio0))
    Ks00, _ = _kernels(d0, d0, spec)
    V0 = np.real(P0 @ Ks00 @ P0)
    e = np.exp(-np.outer(at, z))                 # (T, N)
    e2 = np.exp(-2 * np.outer(at, z2))
    Pt = e * (d["dz"] / z)                       # e^{-alpha t z} dz / z
    ratio = d["beta"] / (1 + d["beta"])
    E = E0 + np.real(Pt @ (d["A"] / (1 + d["beta"])))
    Etr = Etr0 + np.real(Pt @ ratio)
    # V_train: -oint z [g^2 beta/(1+beta) + s2 f^2 trq]; z g^2 = (1 - 2e + e^2)/z
    Vtr = (Etr0 + 2 * np.real(Pt @ ratio)
           - np.real((e2 * (d2["dz"] / z2)) @ (d2["beta"] / (1 + d2["beta"])))
           - s2 * np.real((e2 * d2["dz"] * z2) @ d2["trq"]))
    Ks_tt, Ki_tt = _kernels(d, d, spec)
    Ks_t0, _ = _kernels(d, d0, spec)
    F = e * d["dz"]
    V = (V0 - 2 * np.real(Pt @ (Ks_t0 @ P0)) + np.real(np.sum((Pt @ Ks_tt) * Pt, axis=1))
         + s2 * np.real(np.sum((F @ Ki_tt) * F, axis=1)))
    return E, V, Etr, Vtr


def _limits(spec, right, alpha, s2, c):
    """E, V, E_train, V_train at t = inf (flow, and stable GD, which has the same limit).

    At :math:`c = 1` the spectrum reaches 0, the variance grows without bound and the other
    moments converge only like :math:`(\\alpha t)^{-1/2}`: ``ValueError`` (give finite times).
    Otherwise the split form is evaluated at :math:`\\alpha t R = 10^2, 10^3, \\dots, 10^{16}`: the bulk is
    forgotten like :math:`e^{-\\alpha t\\lambda_-}` (what stays is the pole of :math:`1/z` at 0,
    or the null space of :math:`M` when :math:`c > 1`), and the limit is taken once three
    successive decades agree to 1e-12; if they never do, a ``ValueError`` names the setting.
    """
    if c == 1.0:
        raise ValueError("t = inf with a general covariance needs c != 1 (at c = 1 the variance grows "
                         "without bound and the limit is not computed); give finite times")
    hist = []
    for k in range(2, 17):
        t_k = 10.0 ** k / (right * alpha)
        try:
            hist.append([float(v[0]) for v in _split_integrals(spec, right, np.array([t_k]), alpha, s2)[:4]])
        except RuntimeError:
            break
        if len(hist) >= 3:
            h = np.array(hist[-3:])
            if np.all(np.abs(np.diff(h, axis=0)) <= 1e-12 * np.abs(h[-1])):
                return tuple(h[-1])
    raise ValueError(f"t = inf: the limit of this covariance does not settle by alpha*t*R = 1e{k} "
                     f"(c = {c:g}: the lower edge of the spectrum is too close to 0); give finite times")


def _integrals(spec, K, t, alpha, dynamics, s2):
    z, dz = K.z, K.dz
    m = _solve_contour(spec, z)
    q, trq, A, k = _q_sums(spec, z, m)
    delta = 1 / k - 1
    beta = A + delta
    f, g = filters(z, t, alpha=alpha, dynamics=dynamics)
    one = np.stack([-g * (A / (1 + beta)), -g * (beta / (1 + beta)),          # E, E_train, V_train
                    -z * (g * g * (beta / (1 + beta)) + s2 * f * f * trq)])
    E, Etr, Vtr = contour_integral(one, K)
    # two-point quantities: T = (1/n) tr C Q1 C Q2, B = mu^T Q1 C Q2 mu, S = (1/p) tr Q1 C Q2
    d = 1 + np.multiply.outer(m, spec.lam)
    a_mu = (spec.mu / d).sum(-1)                    # sum mu_j / (1 + lam_j m)
    e_p = (spec.pw / d).sum(-1)                     # (1/p) sum 1 / (1 + lam_j m)
    s_n = z + 1 / m                                 # (1/n) sum lam_j / (1 + lam_j m)
    # V = (1/(2 pi i))^2 sum_ij G_i K_ij G_j is real; the rows of the lower nodes give the
    # conjugate of those of their upper mirrors, so V = 2 Re sum_{i upper, j}.
    up = np.flatnonzero(z.imag > 0)
    if 2 * up.size != z.size:
        raise ValueError("the contour's nodes must come in conjugate pairs (see contour_for)")
    zu, mu_, ku = z[up], m[up], k[up]
    with np.errstate(divide="ignore", invalid="ignore"):
        den = np.outer(zu, z) * (m[None, :] - mu_[:, None])
        T = (s_n[up][:, None] - s_n[None, :]) / den
        B = (a_mu[up][:, None] - a_mu[None, :]) / den
        S = (e_p[up][:, None] - e_p[None, :]) / den
    lam = spec.lam
    qd2 = q[up] * q[up]                             # diagonal z1 = z2: direct sums
    i = np.arange(up.size)
    T[i, up] = (qd2 * spec.w * lam * lam).sum(-1)
    B[i, up] = (qd2 * spec.mu * lam).sum(-1)
    S[i, up] = (qd2 * spec.pw * lam).sum(-1)
    D = 1 - np.outer(ku, k) * T
    Ksig = (B + T) / (D * np.outer(1 + beta[up], 1 + beta))
    Kini = S / D
    G = g * dz
    F = f * dz

    # V = 2 Re sum_{i upper, j} (G_i G_j Ksig_ij + s2 F_i F_j Kini_ij), the rows split by the
    # parity of i (for the estimate below): a product per parity, then the sum over j
    Gu, Fu = G[:, up], F[:, up]
    ev, od = slice(0, None, 2), slice(1, None, 2)
    rows = [(Gu[:, r] @ Ksig[r]) * G + s2 * ((Fu[:, r] @ Kini[r]) * F) for r in (ev, od)]   # (T, N)
    V = 2 * np.real(rows[0].sum(-1) + rows[1].sum(-1))
    # error estimate: the same sums on the even-indexed nodes (the trapezoid rule with N/2 nodes,
    # weights doubled), kept complex: with half-step nodes that rule is shifted by a quarter
    # step, its leading error is imaginary (its real part would equal the full rule); plus the
    # rounding of sums whose terms exceed the result (as in rmtdyn.contour.predict_contour)
    N = z.size
    if (not np.array_equal(up, np.arange(N // 2))
            or np.abs(z[::-1] - z.conj()).max() > 1e-12 * (1 + np.abs(z).max())):
        return E, V, Etr, Vtr, np.full(t.shape, np.nan)   # not the nodes of contour_for: no estimate
    # node j < N/2 (upper) mirrors node N-1-j, of the other parity
    hE, hEtr, hVtr = 2 * (one[..., ev] @ dz[ev])
    # V on even x even nodes: rows of the even upper nodes on even columns, plus the conjugate
    # of the rows of the odd upper nodes (the mirrors of the even lower ones) on odd columns
    hV = 4 * (rows[0][:, ev].sum(-1) + np.conj(rows[1][:, od].sum(-1)))
    full = np.array([E, V, Etr, Vtr])
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.abs(one) @ np.abs(dz)
        kmax = max(np.abs(Ksig).max(), s2 * np.abs(Kini).max())
        vterms = kmax * (np.abs(G).sum(-1) + np.abs(F).sum(-1)) ** 2
        rounding = 1e-15 * np.array([terms[0], vterms, terms[1], terms[2]]) / np.abs(full)
    err = _relative_gap(full, np.array([hE, hV, hEtr, hVtr])) + np.nan_to_num(rounding.max(0), nan=np.inf)
    return E, V, Etr, Vtr, err


def _relative_gap(full, coarse):
    """max over the moments of |full - coarse| / |full| per time (inf where full is 0 or not finite).

    ``coarse`` is the same quantity by a rule that converges geometrically slower: the gap
    over-estimates the error of ``full`` (shared by both forms of :func:`predict`).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.nan_to_num((np.abs(full - coarse) / np.abs(full)).max(axis=0), nan=np.inf)


def _warn_error(err, rtol, t, what):
    """QuadratureWarning at the worst time where ``err`` exceeds ``rtol``; ``what`` names the setting."""
    bad = err > rtol
    if bad.any():
        j = int(np.argmax(np.where(np.isnan(err), -np.inf, err)))
        warnings.warn(f"rmtdyn.covariance.predict: estimated relative error {err[j]:.1e} > {rtol:.0e} "
                      f"at t={t[j]:.6g} ({what})", QuadratureWarning, stacklevel=3)


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
