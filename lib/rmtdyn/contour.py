"""The main theorem in its contour-integral form, evaluated numerically (Cauchy).

With :math:`m` the Marčenko–Pastur Stieltjes transform and
:math:`\\kappa = \\|\\mu\\|^2 + c`, for a positively oriented contour
:math:`\\gamma` enclosing 0, the bulk and the spike (book chapter 4, eqs.
``E-contour``, ``V-contour``):

.. math::

    E &= -\\frac1{2\\pi i}\\oint_\\gamma g_t(z)\\,\\frac{\\|\\mu\\|^2 m(z)}{1 + \\kappa m(z)}\\,dz, &
    V &= \\frac1{2\\pi i}\\oint_\\gamma \\Big[\\frac{g_t(z)^2}{1 + \\kappa m(z)} - \\sigma^2 f_t(z)^2 m(z)\\Big]dz,\\\\
    E_\\mathrm{tr} &= \\frac1{2\\pi i}\\oint_\\gamma \\frac{g_t(z)}{1 + \\kappa m(z)}\\,dz, &
    V_\\mathrm{tr} &= \\frac1{2\\pi i}\\oint_\\gamma z\\Big[\\frac{g_t(z)^2}{1 + \\kappa m(z)} - \\sigma^2 f_t(z)^2 m(z)\\Big]dz.

The contour is a Bernstein ellipse around :math:`[0, \\lambda_{\\max}]`: the
trapezoid rule in its angle converges geometrically, like :math:`\\rho^{-N}`.  Once
:math:`m` is known at the N nodes, every time costs one row of a matrix product.
"""

from dataclasses import dataclass
import math
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from . import _checks
from .filters import filters
from .params import Problem
from .spectrum import mp_stieltjes
from .quadrature import QuadratureWarning
from .theory import Prediction

__all__ = ["Contour", "ellipse", "for_problem", "enclosing", "contour_integral", "matrix_function",
           "predict_contour"]


@dataclass(frozen=True)
class Contour:
    """Nodes ``z`` and weights ``dz`` with :math:`\\frac1{2\\pi i}\\oint F\\,dz \\approx \\operatorname{Re}\\sum_j F(z_j)\\,dz_j`."""

    z: np.ndarray
    dz: np.ndarray
    rho: float
    left: float
    right: float


def ellipse(left, right, *, rho=1.5, nodes=None, half_step=False):
    """Bernstein ellipse with foci ``left`` < ``right`` and parameter ``rho`` > 1.

    .. math::

        z(\\theta) = \\frac{l + r}2 + \\frac{r - l}2\\Big(\\frac{\\rho+\\rho^{-1}}2\\cos\\theta
                     + i\\,\\frac{\\rho-\\rho^{-1}}2\\sin\\theta\\Big),

    weights :math:`z'(\\theta_j)/(iN)`.  Default ``nodes``: enough for
    :math:`\\rho^{-N} < 10^{-16}` (at least 64).  ``half_step=True`` puts the nodes at
    :math:`\\theta_j = 2\\pi(j + \\frac12)/N` (``nodes`` even: conjugate pairs, none real).

    Examples
    --------
    >>> C = ellipse(0.0, 2.0, rho=2.0, nodes=64)
    >>> round(float(np.sum(C.dz / (C.z - 1.0)).real), 12)  # winding number around 1
    1.0
    """
    left = _checks.real_scalar(left, "left")
    right = _checks.real_scalar(right, "right")
    if not right > left:
        raise ValueError(f"right must be > left; got left={left:g}, right={right:g}")
    rho = _checks.real_scalar(rho, "rho", low=1, allowed="rho > 1")
    if nodes is None:
        nodes = max(64, int(math.ceil(37.0 / math.log(rho))))
    nodes = _checks.positive_int(nodes, "nodes", minimum=4)
    theta = 2 * np.pi * (np.arange(nodes) + (0.5 if half_step else 0.0)) / nodes
    h = 0.5 * (right - left)
    a, b = h * 0.5 * (rho + 1 / rho), h * 0.5 * (rho - 1 / rho)
    z = 0.5 * (left + right) + a * np.cos(theta) + 1j * b * np.sin(theta)
    dz = (-a * np.sin(theta) + 1j * b * np.cos(theta)) / (1j * nodes)
    return Contour(z=z, dz=dz, rho=rho, left=left, right=right)


def contour_integral(values, contour):
    """:math:`\\frac1{2\\pi i}\\oint F\\,dz` from values ``(..., N)`` at the contour nodes (real part).

    Examples
    --------
    >>> C = ellipse(-1.0, 1.0, rho=2.0)
    >>> round(float(contour_integral(np.exp(C.z) / C.z, C)), 12)  # residue e^0 = 1
    1.0
    """
    return np.real(np.asarray(values) @ contour.dz)


def for_problem(problem, t=None, *, dynamics="flow", tol=1e-14, rho_max=1.6, growth=5.0):
    """The contour the theorem needs, chosen from the problem's limiting spectrum.

    A Bernstein ellipse with foci 0 and :math:`\\lambda_{\\max}` (so it encloses
    the origin, the bulk and the spike when isolated).  Its parameter
    :math:`\\rho \\le` ``rho_max`` is shrunk until :math:`|f_t(z)| \\le e^{\\mathrm{growth}}`
    on it for the largest time (beyond that the integrals lose digits to
    cancellation), and its number of nodes is chosen for the accuracy ``tol``:

    .. math::

        N = \\Big\\lceil \\frac{\\log(1/\\mathrm{tol})}{\\log\\rho} + 4\\alpha t_{\\max}\\lambda_{\\max}\\Big\\rceil,

    the first term for the singularities inside (error :math:`\\sim\\rho^{-N}`), the
    second to resolve the entire factor :math:`f_t^2` (with a margin of 2).

    Examples
    --------
    >>> C = for_problem(Problem(c=0.5, mu2=4.0), [10.0, 100.0])
    >>> round(C.left, 3), round(C.right, 3), C.z.size >= 256
    (0.0, 5.625, True)
    """
    if not isinstance(problem, Problem):
        raise TypeError(f"problem must be an rmtdyn.Problem; got {type(problem).__name__}")
    dynamics = _checks.dynamics(dynamics)
    tol = _checks.real_scalar(tol, "tol", low=0, high=1, allowed="0 < tol < 1")
    t_max = 0.0 if t is None else float(_checks.times(t, integer=(dynamics == "gd")).max())
    if not np.isfinite(t_max):
        raise ValueError("the contour form needs finite times; use rmtdyn.predict for t = inf")
    return enclosing(0.0, problem.lambda_max, t_max, alpha=problem.alpha, dynamics=dynamics,
                     gamma=problem.gamma, tol=tol, rho_max=rho_max, growth=growth)


def enclosing(left, right, t_max, *, alpha, dynamics="flow", gamma=0.0, tol=1e-14, rho_max=1.6,
              growth=5.0, half_step=False, min_nodes=256):
    """The one contour builder: an ellipse around ``[left, right]`` fit for the filters up to ``t_max``.

    Its :math:`\\rho \\le` ``rho_max`` is shrunk (by 0.7 in :math:`\\rho - 1`) until
    :math:`|f_{t_{\\max}}(z)| \\le e^{\\mathrm{growth}}` on it, and

    .. math::

        N = \\Big\\lceil \\frac{\\log(1/\\mathrm{tol})}{\\log\\rho} + 4\\alpha t_{\\max}(r - l)\\Big\\rceil
        \\quad(\\ge \\texttt{min\\_nodes}),

    (book chapter 4, eq. ``contour-nodes``).  Used by :func:`for_problem` and by
    :func:`rmtdyn.covariance.contour_for` (``half_step=True``: no real node, ``N`` even).

    Examples
    --------
    >>> C = enclosing(0.0, 5.625, 100.0, alpha=0.01)
    >>> C.z.size >= 256, round(C.rho, 3)
    (True, 1.6)
    """
    rho = _checks.real_scalar(rho_max, "rho_max", low=1, allowed="rho_max > 1")
    while t_max > 0:
        C = ellipse(left, right, rho=rho, nodes=256, half_step=half_step)
        f, _ = filters(C.z, [t_max], alpha=alpha, dynamics=dynamics, gamma=gamma)
        if np.log(np.abs(f).max()) <= growth or rho < 1.002:
            break
        rho = 1 + 0.7 * (rho - 1)
    scale = alpha * t_max * (right - left)
    nodes = max(min_nodes, int(math.ceil(math.log(1 / tol) / math.log(rho) + 4.0 * scale)))
    if half_step:
        nodes += nodes % 2
    return ellipse(left, right, rho=rho, nodes=nodes, half_step=half_step)


def matrix_function(M, a, b, f, contour):
    """:math:`a^T f(M)\\, b` by Cauchy's formula with the exact resolvent of a finite matrix.

    .. math::

        a^T f(M)\\, b = -\\frac{1}{2\\pi i}\\oint_\\gamma f(z)\\, a^T (M - zI)^{-1} b\\, dz

    (book chapter 4, eq. ``cauchy-matrix``), one linear solve per node; ``contour``
    must enclose every eigenvalue of ``M`` and ``f`` be analytic inside it.

    Parameters
    ----------
    M : ndarray, shape (p, p)
        Symmetric matrix.
    a, b : ndarray, shape (p,)
    f : callable
        Vectorised analytic function of a complex array.
    contour : Contour

    Examples
    --------
    >>> M = np.array([[2.0, 1.0], [1.0, 2.0]]); a = np.array([1.0, 0.0])
    >>> C = ellipse(0.5, 3.5, rho=2.0)
    >>> round(float(matrix_function(M, a, a, np.exp, C)), 10) == round(float(np.cosh(1) * np.e**2), 10)
    True
    """
    M = _checks.finite_array(M, "M", ndim=2)
    p = M.shape[0]
    if M.shape != (p, p):
        raise ValueError(f"M must be square; got shape {M.shape}")
    a = _checks.finite_array(a, "a", ndim=1, shape=(p,))
    b = _checks.finite_array(b, "b", ndim=1, shape=(p,))
    if not isinstance(contour, Contour):
        raise ValueError("contour must be an rmtdyn.contour.Contour (see ellipse())")
    eye = np.eye(p)
    with threadpool_limits(limits=1, user_api="blas"):  # many small solves: threads only cost
        vals = np.array([a @ np.linalg.solve(M - zj * eye, b) for zj in contour.z])
    return -contour_integral(np.asarray(f(contour.z)) * vals, contour)


def predict_contour(problem, t, *, dynamics="flow", contour=None, rtol=1e-8):
    """The theorem's contour integrals, evaluated by the trapezoid rule.

    Parameters
    ----------
    problem : Problem
    t : array_like
        Finite times (flow) or step counts (GD).
    dynamics : {"flow", "gd"}
    contour : Contour, optional
        Default: a Bernstein ellipse around :math:`[0, \\lambda_{\\max}]` whose
        :math:`\\rho` is chosen so that :math:`|f_t(z)| \\le e^5` on it.
    rtol : float, default 1e-8
        A :class:`rmtdyn.quadrature.QuadratureWarning` is raised (naming the setting) where the
        estimated relative error of E, V, E_train or V_train exceeds it: the rule on every
        other node gives the truncation error, the size of the summed terms the rounding.

    Returns
    -------
    Prediction

    Notes
    -----
    See the module docstring.  Agrees with :func:`rmtdyn.theory.predict` (real
    line + residue) to about 1e-12 for the book's parameters.  A ridge penalty
    ``problem.gamma`` shifts the filters to :math:`f_t(z+\\gamma)`, :math:`g_t(z+\\gamma)`,
    still entire at finite times, so the same contour serves (book chapter 9).

    Examples
    --------
    >>> pb = Problem(c=0.5, mu2=4.0, sigma2=0.1, alpha=0.01)
    >>> predict_contour(pb, [100]).test_error.round(4).tolist()
    [0.0484]
    """
    if not isinstance(problem, Problem):
        raise TypeError(f"problem must be an rmtdyn.Problem; got {type(problem).__name__}")
    dynamics = _checks.dynamics(dynamics)
    t = _checks.times(t, integer=(dynamics == "gd"))
    rtol = _checks.real_scalar(rtol, "rtol", low=0, high=1, allowed="relative tolerance 0 < rtol < 1")
    if not np.isfinite(t).all():
        raise ValueError("the contour form needs finite times; use rmtdyn.predict for t = inf")
    if dynamics == "gd":
        problem.check_gd_step()
    C = contour if contour is not None else for_problem(problem, t, dynamics=dynamics)
    if not isinstance(C, Contour):
        raise ValueError("contour must be an rmtdyn.contour.Contour (see ellipse())")
    c, mu2, s2 = problem.c, problem.mu2, problem.sigma2
    m = mp_stieltjes(C.z, c)
    d = 1 + (mu2 + c) * m
    f, g = filters(C.z, t, alpha=problem.alpha, dynamics=dynamics, gamma=problem.gamma)
    core = g * g / d - s2 * f * f * m
    F = np.stack([-g * (mu2 * m / d), core, g / d, core * C.z])   # E, V, E_train, V_train
    full = np.real(F @ C.dz)
    # error estimate: the trapezoid rule on the ellipse converges like rho^-N, so the rule on
    # every other node (N/2) has about the square root of the error of the full rule; plus
    # the rounding of sums whose terms are larger than the result
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.abs(full)
        rounding = 1e-15 * (np.abs(F) @ np.abs(C.dz)) / scale
        if C.z.size % 2 == 0:
            half = np.real(F[..., ::2] @ (2 * C.dz[::2]))
            r = np.abs(full - half) / scale
            trunc = np.where(r < 1e-3, 10 * r * r, r)
        else:
            trunc = np.zeros_like(full)
        err = np.nan_to_num(np.max(trunc + rounding, axis=0), nan=np.inf)
    if (err > rtol).any():
        j = int(np.argmax(err))
        warnings.warn(f"rmtdyn.predict_contour: estimated relative error {err[j]:.1e} > rtol={rtol:.0e} "
                      f"at t={t[j]:.6g} ({dynamics}, c={c:g}, mu2={mu2:g}, alpha={problem.alpha:g}, "
                      f"{C.z.size} nodes, rho={C.rho:.4g}); the contour form loses digits at large "
                      "alpha*t: use rmtdyn.predict", QuadratureWarning, stacklevel=2)
    E, V, Etr, Vtr = full
    return Prediction.from_moments(t, E, V, Etr, Vtr, dynamics=dynamics)
