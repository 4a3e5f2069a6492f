"""The generalised Marčenko–Pastur law for a noise covariance :math:`C` (book chapter 9).

The Stieltjes transform of the companion spectrum solves the fixed point (eq.
``cov-fixed-point``)

.. math::

    z = -\\frac1{\\tilde m} + \\frac1n\\sum_{j=1}^p \\frac{\\lambda_j}{1 + \\lambda_j\\tilde m},

from which follow the density and the edge of the limiting spectrum of :math:`XX^T/n`, the
location of the spike the mean creates, and the deterministic equivalents of one resolvent
and of a product of two (eqs. ``cov-qbar`` and ``cov-two-resolvent``; see
:mod:`rmtdyn.covariance` for the model).
"""

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from . import _checks
from .covariance import Covariance, _cov  # noqa: F401  (Covariance: the doctests')

__all__ = ["companion_stieltjes", "stieltjes", "density", "support_edge", "spike_location",
           "deterministic_equivalent", "two_resolvent_de"]


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
