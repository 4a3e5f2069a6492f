"""Limiting spectra: the Marčenko–Pastur law, its Stieltjes transform, the spike.

Everything the theory integrates against lives here:

* the Marčenko–Pastur (MP) law :math:`\\nu` of :math:`ZZ^T/n` with ratio
  :math:`c = p/n`, its density, its atom at 0 when :math:`c > 1`, and its
  Stieltjes transform :math:`m(z)` on the whole plane off the support;
* the signal measure :math:`\\mu(dx)` that weights the spectrum of
  :math:`XX^T/n` by the alignment of its eigenvectors with :math:`\\mu` (book
  chapter 5, eq. ``mu-measure``), with its Dirac mass at the spike
  :math:`\\lambda_s` when :math:`\\|\\mu\\|^4 > c`;
* a fixed-node quadrature for the square-root edges of the bulk.

The quadrature is Gauss–Chebyshev of the second kind, exact for
:math:`\\int \\sqrt{(x-\\lambda_-)(\\lambda_+-x)}\\,P(x)\\,dx` with :math:`P` a
polynomial of degree :math:`< 2N`, so it converges geometrically for the smooth
(entire) integrands of the theory.  The two near-singular factors of the
densities, :math:`1/x` in :math:`\\nu` (when :math:`c \\approx 1`) and
:math:`1/(\\lambda_s - x)` in :math:`\\mu` (near the phase transition), are
removed exactly by subtracting the integrand's value at the pole and using the
closed-form mass (see :func:`integrate_nu`, :func:`integrate_mu`).
"""

import numpy as np

from . import _checks

__all__ = [
    "mp_edges", "mp_density", "mp_atom", "mp_stieltjes", "empirical_stieltjes",
    "spike_location", "spike_weight", "mu_density", "mu_bulk_mass", "mu_stieltjes",
    "bulk_rule", "integrate_nu", "integrate_mu", "nu_expect", "mu_expect",
    "resolvent", "deterministic_equivalent", "bilinear_de", "density_from_stieltjes",
    "DEFAULT_NODES",
]

DEFAULT_NODES = 512
"""Default number of bulk quadrature nodes (accurate to ~1e-13 for alpha*t up to ~300)."""


def _c(c):
    return _checks.real_scalar(c, "c", low=0, allowed="c = p/n > 0")


def _mu2(mu2):
    return _checks.real_scalar(mu2, "mu2", low=0, allowed="mu2 = ||mu||^2 > 0")


def mp_edges(c):
    """Edges of the Marčenko–Pastur bulk, :math:`\\lambda_\\pm = (1 \\pm \\sqrt c)^2`.

    Examples
    --------
    >>> mp_edges(0.25)
    (0.25, 2.25)
    """
    c = _c(c)
    s = c ** 0.5
    return (1 - s) ** 2, (1 + s) ** 2


def mp_atom(c):
    """Mass of the MP law at 0, :math:`(1 - 1/c)^+` (the :math:`p - n` null eigenvalues).

    Examples
    --------
    >>> mp_atom(0.5), mp_atom(2.0)
    (0.0, 0.5)
    """
    c = _c(c)
    return max(0.0, 1 - 1 / c)


def mp_density(x, c):
    """Density of the absolutely continuous part of the MP law.

    .. math::

        \\nu(dx) = \\frac{\\sqrt{(x-\\lambda_-)^+(\\lambda_+-x)^+}}{2\\pi c x}\\,dx
                  + \\left(1 - \\frac1c\\right)^+ \\delta_0(dx)

    (book chapter 3, eq. ``mp-law``).  Returns the density only; the atom is
    :func:`mp_atom`.

    Examples
    --------
    >>> round(float(mp_density(1.0, 1.0)), 6)  # sqrt(3)/(2 pi)
    0.275664
    """
    c = _c(c)
    x = np.asarray(x, dtype=float)
    lm, lp = mp_edges(c)
    inside = (x > lm) & (x < lp)
    xs = np.where(inside, x, 1.0)
    val = np.sqrt(np.clip((xs - lm) * (lp - xs), 0, None)) / (2 * np.pi * c * xs)
    return np.where(inside, val, 0.0)


def _branch_sqrt(z, lm, lp):
    # sqrt(z - lm) * sqrt(z - lp) with principal roots: analytic off [lm, lp],
    # equal to +z + O(1) at infinity; on the cut (real z) it gives the z + i0 limit.
    return np.sqrt(z - lm) * np.sqrt(z - lp)


def mp_stieltjes(z, c):
    """Stieltjes transform :math:`m(z) = \\int \\nu(dx)/(x - z)` of the MP law.

    The root of :math:`c z m^2 - (1 - c - z) m + 1 = 0` (book chapter 3, eq.
    ``mp-quadratic``) with :math:`m(z) \\sim -1/z` at infinity, written as

    .. math::

        m(z) = \\frac{2}{1 - c - z - \\sqrt{z-\\lambda_-}\\sqrt{z-\\lambda_+}},

    which is analytic off :math:`[\\lambda_-, \\lambda_+]` (and off 0 when
    :math:`c > 1`) and free of cancellation for large :math:`|z|` and near 0.
    For real ``z`` inside the bulk the value is the limit from the upper
    half-plane, whose imaginary part is :math:`\\pi` times the density.

    Parameters
    ----------
    z : complex or array_like
        Points off the support.
    c : float
        Ratio :math:`p/n > 0`.

    Examples
    --------
    >>> complex(mp_stieltjes(-1.0, 0.5)).real  # real and positive left of the support
    0.5615528128088303
    """
    c = _c(c)
    z = np.asarray(z, dtype=complex)
    lm, lp = mp_edges(c)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 2.0 / (1 - c - z - _branch_sqrt(z, lm, lp))


def empirical_stieltjes(eigenvalues, z):
    """Empirical Stieltjes transform :math:`\\frac1p\\sum_i 1/(\\lambda_i - z)`.

    Examples
    --------
    >>> complex(empirical_stieltjes([1.0, 3.0], 2j))
    (0.2153846153846154+0.27692307692307694j)
    """
    lam = _checks.finite_array(eigenvalues, "eigenvalues", ndim=1)
    z = np.asarray(z, dtype=complex)
    return np.mean(1.0 / (lam[:, None] - z.reshape(-1)[None, :]), axis=0).reshape(z.shape)


def spike_location(c, mu2):
    """Spike position :math:`\\lambda_s = c + 1 + \\|\\mu\\|^2 + c/\\|\\mu\\|^2`.

    It solves :math:`1 + (\\|\\mu\\|^2 + c)\\,m(\\lambda_s) = 0` on the physical
    branch only when :math:`\\|\\mu\\|^4 > c` (book chapter 3, eq. ``spike``).

    Examples
    --------
    >>> spike_location(0.5, 4.0)
    5.625
    """
    c, mu2 = _c(c), _mu2(mu2)
    return c + 1 + mu2 + c / mu2


def spike_weight(c, mu2):
    """Dirac mass of :math:`\\mu(dx)` at the spike, :math:`(\\|\\mu\\|^4 - c)^+/\\|\\mu\\|^2`.

    Examples
    --------
    >>> spike_weight(0.5, 4.0), spike_weight(4.0, 1.0)
    (3.875, 0.0)
    """
    c, mu2 = _c(c), _mu2(mu2)
    return max(0.0, mu2 * mu2 - c) / mu2


def mu_density(x, c, mu2):
    """Density of the bulk part of the signal measure :math:`\\mu(dx)`.

    .. math::

        \\mu(dx) = \\frac{\\sqrt{(x-\\lambda_-)^+(\\lambda_+-x)^+}}{2\\pi(\\lambda_s - x)}\\,dx
        + \\frac{(\\|\\mu\\|^4 - c)^+}{\\|\\mu\\|^2}\\,\\delta_{\\lambda_s}(dx)

    (book chapter 5, eq. ``mu-measure``); its Stieltjes transform is
    :func:`mu_stieltjes`.  Returns the density only; the atom is
    :func:`spike_weight`.

    Examples
    --------
    >>> round(float(mu_density(1.5, 0.5, 4.0)), 6)
    0.054565
    """
    c, mu2 = _c(c), _mu2(mu2)
    x = np.asarray(x, dtype=float)
    lm, lp = mp_edges(c)
    ls = spike_location(c, mu2)
    inside = (x > lm) & (x < lp)
    xs = np.where(inside, x, 0.5 * (lm + lp))
    val = np.sqrt(np.clip((xs - lm) * (lp - xs), 0, None)) / (2 * np.pi * (ls - xs))
    return np.where(inside, val, 0.0)


def mu_bulk_mass(c, mu2):
    """Mass of the bulk part of :math:`\\mu`: :math:`\\|\\mu\\|^2` below the transition, :math:`c/\\|\\mu\\|^2` above.

    Computed from the closed form
    :math:`\\frac12\\big[\\lambda_s - \\frac{\\lambda_-+\\lambda_+}2 - \\sqrt{(\\lambda_s-\\lambda_-)(\\lambda_s-\\lambda_+)}\\big]`
    of :math:`\\int \\sqrt{(x-\\lambda_-)(\\lambda_+-x)}/(2\\pi(\\lambda_s-x))\\,dx`,
    so that bulk plus :func:`spike_weight` is :math:`\\|\\mu\\|^2` on both sides.

    Examples
    --------
    >>> mu_bulk_mass(0.5, 4.0), mu_bulk_mass(4.0, 1.0)
    (0.125, 1.0)
    """
    c, mu2 = _c(c), _mu2(mu2)
    lm, lp = mp_edges(c)
    ls = spike_location(c, mu2)
    return float(0.5 * (ls - 0.5 * (lm + lp) - np.sqrt((ls - lm) * (ls - lp))))


def mu_stieltjes(z, c, mu2):
    """Stieltjes transform of :math:`\\mu`: :math:`\\|\\mu\\|^2 m(z) / (1 + (\\|\\mu\\|^2 + c) m(z))`.

    This is the deterministic equivalent of :math:`\\mu^T Q(z)\\, Xy/n` with
    :math:`Q(z) = (XX^T/n - zI)^{-1}` (book chapter 5, eq. ``bilinear-de``).

    Examples
    --------
    >>> round(complex(mu_stieltjes(-1.0, 0.5, 4.0)).real, 6)
    0.636864
    """
    c, mu2 = _c(c), _mu2(mu2)
    m = mp_stieltjes(z, c)
    with np.errstate(divide="ignore", invalid="ignore"):
        return mu2 * m / (1 + (mu2 + c) * m)


def bulk_rule(c, nodes=DEFAULT_NODES):
    """Gauss–Chebyshev (second kind) rule on the MP bulk.

    Returns nodes ``x`` and weights ``w`` with

    .. math::

        \\int_{\\lambda_-}^{\\lambda_+} \\sqrt{(x-\\lambda_-)(\\lambda_+-x)}\\, h(x)\\,dx
        \\approx \\sum_k w_k h(x_k),\\qquad
        x_k = \\tfrac{\\lambda_-+\\lambda_+}2 + 2\\sqrt c\\cos\\theta_k,\\;
        \\theta_k = \\tfrac{k\\pi}{N+1},

    exact when :math:`h` is a polynomial of degree :math:`< 2N`.

    Examples
    --------
    >>> x, w = bulk_rule(0.5, nodes=8)
    >>> bool(np.isclose(w.sum(), 2 * np.pi * 0.5))  # int sqrt((x-a)(b-x)) dx = 2 pi c
    True
    """
    c = _c(c)
    nodes = _checks.positive_int(nodes, "nodes", minimum=2)
    lm, lp = mp_edges(c)
    half = 0.5 * (lp - lm)
    theta = np.arange(1, nodes + 1) * np.pi / (nodes + 1)
    x = 0.5 * (lm + lp) + half * np.cos(theta)
    w = half * half * np.pi / (nodes + 1) * np.sin(theta) ** 2
    return x, w


def integrate_nu(h_nodes, h_zero, c, rule):
    """:math:`\\int h\\,d\\nu` over the full MP law (bulk and atom) from values at the nodes.

    Writes :math:`h(x) = h(0) + x\\,\\frac{h(x)-h(0)}{x}` so that the :math:`1/x`
    of the density cancels (accurate even at :math:`c = 1`):

    .. math::

        \\int h\\,d\\nu = h(0) + \\frac{1}{2\\pi c}\\int\\sqrt{(x-\\lambda_-)(\\lambda_+-x)}\\,
        \\frac{h(x)-h(0)}{x}\\,dx,

    using that :math:`\\nu` has total mass 1.

    Parameters
    ----------
    h_nodes : array_like, shape (..., N)
        :math:`h` at the nodes of ``rule``.
    h_zero : array_like, shape (...)
        :math:`h(0)`.
    c : float
        Ratio :math:`p/n`.
    rule : tuple
        ``(x, w)`` from :func:`bulk_rule`.
    """
    x, w = rule
    v = w / (2 * np.pi * c * x)  # bounded: w ~ sin^2 vanishes where x -> lambda_- = 0
    # linear in h, so the divided difference is applied to the weights, not to h
    return np.asarray(h_zero) * (1 - v.sum()) + np.asarray(h_nodes) @ v


def integrate_mu(h_nodes, h_spike, c, mu2, rule):
    """:math:`\\int h\\,d\\mu` over the full signal measure (bulk and spike) from node values.

    Writes :math:`h(x) = h(\\lambda_s) + (\\lambda_s - x)\\frac{h(x) - h(\\lambda_s)}{\\lambda_s - x}`:
    the constant part integrates to :math:`h(\\lambda_s)\\,\\|\\mu\\|^2` (total mass, atom
    included), the rest has a smooth integrand even at the phase transition:

    .. math::

        \\int h\\,d\\mu = \\|\\mu\\|^2 h(\\lambda_s) - \\frac1{2\\pi}\\int\\sqrt{(x-\\lambda_-)(\\lambda_+-x)}\\,
        \\frac{h(\\lambda_s) - h(x)}{\\lambda_s - x}\\,dx.

    Pass ``h_spike=None`` to integrate the bulk directly (no atom; only valid
    below the transition, used when :math:`h(\\lambda_s)` is not representable).
    """
    x, w = rule
    h_nodes = np.asarray(h_nodes)
    ls = spike_location(c, mu2)
    if h_spike is None:
        if mu2 * mu2 > c:
            raise ValueError("the direct bulk rule omits the spike atom; it is only valid "
                             "below the phase transition (mu2**2 <= c)")
        return (h_nodes / (ls - x)) @ w / (2 * np.pi)
    v = w / (2 * np.pi * (ls - x))  # bounded even at the transition (w ~ sin^2 at the edge)
    return np.asarray(h_spike) * (mu2 - v.sum()) + h_nodes @ v


def nu_expect(h, c, *, nodes=DEFAULT_NODES):
    """:math:`\\int h\\,d\\nu` for a vectorised callable ``h`` (bulk and atom at 0).

    Examples
    --------
    >>> round(float(nu_expect(lambda x: x, 2.0)), 12)   # mean of MP is 1
    1.0
    >>> round(float(nu_expect(lambda x: x**2, 0.5)), 12)  # second moment 1 + c
    1.5
    """
    c = _c(c)
    rule = bulk_rule(c, nodes)
    return float(integrate_nu(h(rule[0]), np.reshape(h(np.zeros(())), ()), c, rule))


def mu_expect(h, c, mu2, *, nodes=DEFAULT_NODES):
    """:math:`\\int h\\,d\\mu` for a vectorised callable ``h`` (bulk and spike atom).

    Examples
    --------
    >>> round(float(mu_expect(lambda x: np.ones_like(x), 0.5, 4.0)), 12)  # total mass mu2
    4.0
    """
    c, mu2 = _c(c), _mu2(mu2)
    rule = bulk_rule(c, nodes)
    h_spike = np.reshape(h(np.asarray(spike_location(c, mu2))), ())
    return float(integrate_mu(h(rule[0]), h_spike, c, mu2, rule))


def resolvent(M, z):
    """Resolvent :math:`Q(z) = (M - zI)^{-1}` of a symmetric matrix (book chapter 3, eq. ``resolvent``).

    Computed by a linear solve, not from an eigendecomposition.

    Examples
    --------
    >>> resolvent(np.diag([1.0, 3.0]), 2j).round(3).tolist()
    [[(0.2+0.4j), 0j], [0j, (0.231+0.154j)]]
    """
    M = _checks.finite_array(M, "M", ndim=2)
    if M.shape[0] != M.shape[1]:
        raise ValueError(f"M must be square; got shape {M.shape}")
    z = complex(z)
    return np.linalg.solve(M - z * np.eye(M.shape[0]), np.eye(M.shape[0], dtype=complex))


def _mean_vector(mu):
    mu = _checks.finite_array(mu, "mu", ndim=1)
    if not (mu @ mu) > 0:
        raise ValueError("mu must be a non-zero vector (the class mean)")
    return mu


def deterministic_equivalent(z, c, mu):
    """Deterministic equivalent :math:`\\bar Q(z)` of the resolvent of :math:`XX^T/n`, :math:`X = \\mu y^T + Z`.

    .. math::

        \\bar Q(z) = m(z)\\, I_p - \\frac{m(z)^2}{1 + (\\|\\mu\\|^2 + c)\\, m(z)}\\,\\mu\\mu^T

    (book chapter 3, eq. ``qbar``): for deterministic :math:`a, b` of bounded norm
    and :math:`A` of bounded operator norm, :math:`a^T(Q - \\bar Q)b \\to 0` and
    :math:`\\frac1p\\operatorname{tr}A(Q - \\bar Q) \\to 0` almost surely.

    Parameters
    ----------
    z : complex
        A point off :math:`[\\lambda_-, \\lambda_+] \\cup \\{\\lambda_s\\}` (and off 0 if c > 1).
    c : float
        Ratio :math:`p/n`.
    mu : array_like, shape (p,)
        The class mean.

    Returns
    -------
    ndarray, shape (p, p), complex

    Examples
    --------
    >>> Qb = deterministic_equivalent(-1.0, 0.5, np.array([2.0, 0.0]))
    >>> np.round(Qb.real, 4).tolist()
    [[0.2039, 0.0], [0.0, 0.5616]]
    """
    c = _c(c)
    mu = _mean_vector(mu)
    m = complex(mp_stieltjes(complex(z), c))
    mu2 = float(mu @ mu)
    return m * np.eye(mu.size) - (m * m / (1 + (mu2 + c) * m)) * np.outer(mu, mu)


def bilinear_de(a, b, z, c, mu):
    """:math:`a^T \\bar Q(z) b` without forming the matrix, for an array of ``z``.

    .. math::

        a^T\\bar Q(z) b = m(z)\\, a^Tb - \\frac{m(z)^2\\,(a^T\\mu)(\\mu^Tb)}{1 + (\\|\\mu\\|^2 + c)\\, m(z)}

    Examples
    --------
    >>> mu = np.array([2.0, 0.0])
    >>> round(complex(bilinear_de(mu, mu, -1.0, 0.5, mu)).real, 6)
    0.81568
    """
    c = _c(c)
    mu = _mean_vector(mu)
    a = _checks.finite_array(a, "a", ndim=1, shape=mu.shape)
    b = _checks.finite_array(b, "b", ndim=1, shape=mu.shape)
    m = mp_stieltjes(z, c)
    mu2 = float(mu @ mu)
    return m * (a @ b) - m * m * (a @ mu) * (mu @ b) / (1 + (mu2 + c) * m)


def density_from_stieltjes(stieltjes, x, *, eps=1e-9):
    """Density recovered by the inversion formula :math:`\\frac1\\pi\\operatorname{Im} s(x + i\\varepsilon)`.

    Parameters
    ----------
    stieltjes : callable
        Vectorised Stieltjes transform :math:`s(z) = \\int \\frac{\\rho(dx)}{x - z}`.
    x : array_like
        Real points.
    eps : float, default 1e-9
        Distance above the real axis (> 0); for an empirical transform use a
        width of a few eigenvalue spacings.

    Examples
    --------
    >>> x = np.array([0.5, 1.0, 2.0])
    >>> np.allclose(density_from_stieltjes(lambda z: mp_stieltjes(z, 0.5), x), mp_density(x, 0.5))
    True
    """
    eps = _checks.real_scalar(eps, "eps", low=0, allowed="eps > 0")
    x = np.asarray(x, dtype=float)
    return np.asarray(stieltjes(x + 1j * eps)).imag / np.pi
