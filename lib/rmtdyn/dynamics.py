"""Gradient descent on the data: by iteration, by matrix exponential, by one eigendecomposition.

The loss :math:`L(w) = \\frac1{2n}\\|y^T - w^TX\\|^2` has gradient
:math:`-\\frac1n X(y - X^Tw)`.  Gradient descent with step :math:`\\alpha`,

.. math::

    w_{k+1} = w_k + \\frac{\\alpha}{n} X (y - X^T w_k),

and its continuous-time limit (gradient flow) :math:`\\dot w = \\frac\\alpha n X(y - X^Tw)`
have the closed form :math:`w = f(M)w_0 + g(M)Xy/n` with :math:`M = XX^T/n`
(book chapter 2, eq. ``w-closed-form``).  With the l2 penalty
:math:`\\frac\\gamma2\\|w\\|^2` (``gamma``, book chapter 9) the gradient gains
:math:`\\gamma w` and :math:`M` becomes :math:`M + \\gamma I` in the filters.
:func:`weights` evaluates it at every
requested time from one eigendecomposition; :func:`gradient_descent` (plain
iteration) and :func:`gradient_flow_expm` (matrix exponential of an augmented
system) are the independent references it is tested against.  The Monte-Carlo runner built on
them is :mod:`rmtdyn.montecarlo` (``rmtdyn.dynamics.simulate`` and ``Simulation`` still name it).
"""

import numpy as np
from scipy.linalg import eigh, expm
from scipy.linalg.blas import dsyrk

from . import _checks
from .data import sample
from .filters import filters
from .params import Problem, check_gd_step
from .theory import error_rate

__all__ = ["gradient_descent", "gradient_flow_expm", "weights", "test_error", "train_error",
           "draw_run", "Simulation", "simulate"]


def __getattr__(name):  # the runner moved to rmtdyn.montecarlo; these names stay here too
    if name in ("Simulation", "simulate"):
        from . import montecarlo
        return getattr(montecarlo, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _check_xyw(X, y, w0):
    X = _checks.finite_array(X, "X", ndim=2)
    p, n = X.shape
    y = _checks.finite_array(y, "y", ndim=1, shape=(n,))
    if not np.isin(y, (-1.0, 1.0)).all():
        raise ValueError("y must hold labels -1 and +1 only")
    w0 = _checks.finite_array(w0, "w0", ndim=1, shape=(p,))
    return X, y, w0


def gradient_descent(X, y, w0, *, alpha, steps, gamma=0.0):
    """Iterate gradient descent and return :math:`w_k` at the requested step counts.

    The reference implementation: one matrix-vector product pair per step.

    Parameters
    ----------
    X : ndarray, shape (p, n)
    y : ndarray, shape (n,)
    w0 : ndarray, shape (p,)
    alpha : float
        Step size.
    steps : array_like of int
        Step counts :math:`k \\ge 0` (any order).
    gamma : float, default 0.0
        Ridge penalty: :math:`w_{k+1} = w_k + \\frac\\alpha n X(y - X^Tw_k) - \\alpha\\gamma w_k`.

    Returns
    -------
    W : ndarray, shape (len(steps), p)

    Examples
    --------
    >>> X = np.array([[1.0, -1.0], [0.5, 0.5]]); y = np.array([1.0, -1.0])
    >>> gradient_descent(X, y, np.zeros(2), alpha=0.5, steps=[0, 1]).tolist()
    [[0.0, 0.0], [0.5, 0.0]]
    """
    X, y, w0 = _check_xyw(X, y, w0)
    alpha = _checks.real_scalar(alpha, "alpha", low=0, allowed="learning rate alpha > 0")
    steps = _checks.times(steps, "steps", integer=True)
    gamma = _gamma(gamma)
    if not np.isfinite(steps).all():
        raise ValueError("steps must be finite for the iterated reference (use weights() for inf)")
    n = X.shape[1]
    order = np.argsort(steps, kind="stable")
    out = np.empty((steps.size, w0.size))
    w, k = w0.copy(), 0
    for idx in order:
        target = int(steps[idx])
        while k < target:
            if gamma:
                w += (alpha / n) * (X @ (y - X.T @ w)) - (alpha * gamma) * w
            else:
                w += (alpha / n) * (X @ (y - X.T @ w))
            k += 1
        out[idx] = w
    return out


def gradient_flow_expm(X, y, w0, *, alpha, t, gamma=0.0):
    """Gradient flow by the matrix exponential of the augmented linear system.

    :math:`\\frac{d}{dt}\\binom{w}{1} = \\begin{pmatrix}-\\alpha M & \\alpha Xy/n\\\\ 0 & 0\\end{pmatrix}\\binom{w}{1}`,
    so :math:`\\binom{w(t)}{1} = \\exp(tA)\\binom{w_0}{1}`: no eigendecomposition, no inverse.
    With a ridge penalty ``gamma`` the block :math:`-\\alpha M` becomes :math:`-\\alpha(M + \\gamma I)`.

    Examples
    --------
    >>> X = np.array([[1.0, -1.0]]); y = np.array([1.0, -1.0])
    >>> round(float(gradient_flow_expm(X, y, np.zeros(1), alpha=1.0, t=[1.0])[0, 0]), 6)  # 1 - e^-1
    0.632121
    """
    X, y, w0 = _check_xyw(X, y, w0)
    alpha = _checks.real_scalar(alpha, "alpha", low=0, allowed="learning rate alpha > 0")
    t = _checks.times(t)
    gamma = _gamma(gamma)
    if not np.isfinite(t).all():
        raise ValueError("t must be finite for the matrix-exponential reference")
    p, n = X.shape
    A = np.zeros((p + 1, p + 1))
    A[:p, :p] = -alpha * (X @ X.T) / n
    if gamma:
        A[:p, :p] -= alpha * gamma * np.eye(p)
    A[:p, p] = alpha * (X @ y) / n
    v0 = np.append(w0, 1.0)
    return np.array([(expm(ti * A) @ v0)[:p] for ti in t])


def _gamma(gamma):
    return _checks.real_scalar(gamma, "gamma", low=0, low_inclusive=True,
                               allowed="ridge penalty gamma >= 0")


def _eigen(X, y):
    """One eigendecomposition of M = XX^T/n: eigenvalues (exact zeros below max(p, n) eps lambda_max),
    eigenvectors U, X^T U (n, p) and U^T Xy/n."""
    p, n = X.shape
    M = dsyrk(1.0 / n, X)  # upper triangle of XX^T/n: half the flops of X @ X.T
    lam, U = eigh(M, lower=False, overwrite_a=True, check_finite=False, driver="evd")
    null = lam <= max(p, n) * np.finfo(float).eps * max(lam[-1], 1.0)
    lam[null] = 0.0  # exact null space when p > n: gradient steps never move w there
    XU = X.T @ U
    b = (y @ XU) / n
    b[null] = 0.0  # Xy/n lies in the range of X
    return lam, U, XU, b, null


#: Largest condition number of the n x n Gram matrix for which the p > n path is taken
#: (its eigenvectors then give orthonormal eigenvectors of XX^T/n to ~1e-12).
THIN_MAX_CONDITION = 1e4


def _eigen_thin(X, y):
    """p > n: the n non-zero eigen-pairs of M = XX^T/n from the n x n Gram matrix X^T X/n.

    With X^T X/n = V diag(lam) V^T, the eigenvectors of M are u_j = X v_j/sqrt(n lam_j) and
    X^T u_j = sqrt(n lam_j) v_j: an n x n eigendecomposition instead of a p x p one.
    ``None`` when the Gram matrix is too ill-conditioned for that (then the p x p path is used).
    """
    n = X.shape[1]
    G = dsyrk(1.0 / n, X, trans=1)  # upper triangle of X^T X/n
    lam, V = eigh(G, lower=False, overwrite_a=True, check_finite=False, driver="evd")
    if not lam[0] * THIN_MAX_CONDITION > lam[-1]:
        return None
    s = np.sqrt(n * lam)
    XU = V * s
    return lam, (X @ V) / s, XU, (y @ XU) / n


def _spectral_solve(X, y, w0, t, alpha, gamma, dynamics):
    """Basis B (p, q), coefficients C (T, q) with w(t) = B C[t], and X^T B.

    B holds the eigenvectors of M = XX^T/n.  When p > n it is the cheapest exact basis:
    the n eigenvectors of the range of X (from the n x n Gram matrix) and the unit vector
    along the part of w0 outside that range, which no gradient step moves (only the ridge
    penalty shrinks it, by f_t(0)).
    """
    p, n = X.shape
    thin = _eigen_thin(X, y) if p > n else None
    if thin is None:
        lam, U, XU, b, null = _eigen(X, y)
        a = w0 @ U
    else:
        lam, U, XU, b = thin
        a = w0 @ U
        rest = w0 - U @ a  # component of w0 in the null space of M
        norm = float(np.sqrt(rest @ rest))
        U = np.column_stack([rest / norm if norm > 0 else rest, U])
        XU = np.column_stack([np.zeros(n), XU])  # X^T (null space) = 0
        lam, a, b = np.r_[0.0, lam], np.r_[norm, a], np.r_[0.0, b]
        null = lam == 0
    _stable_or_raise(lam[-1], alpha, dynamics, gamma)
    f, g = filters(lam, t, alpha=alpha, dynamics=dynamics, gamma=gamma)
    g[:, null] = 0.0  # null directions get no gradient: g(0) b = 0 there (g(0) = inf at t = inf)
    f *= a
    g *= b
    f += g  # coefficients f a + g b, in place
    return U, f, XU


def _stable_or_raise(lam_max, alpha, dynamics, gamma=0.0):
    if dynamics == "gd":
        check_gd_step(alpha, lam_max, gamma, what="this sample")


def weights(X, y, w0, *, alpha, t, dynamics="flow", gamma=0.0):
    """Weights at every requested time from one eigendecomposition of :math:`XX^T/n`.

    .. math::

        w(t) = U\\big(f_t(\\Lambda)\\,U^Tw_0 + g_t(\\Lambda)\\,U^T Xy/n\\big),
        \\qquad XX^T/n = U\\Lambda U^T

    (book chapter 2, eq. ``w-closed-form``), with :math:`\\Lambda + \\gamma I` in the
    filters under a ridge penalty ``gamma``.  Eigenvalues below
    :math:`\\max(p,n)\\,\\epsilon\\,\\lambda_{\\max}` are treated as exact zeros.  When
    :math:`p > n` the decomposition is that of the :math:`n\\times n` matrix :math:`X^TX/n`
    (same non-zero eigenvalues, eigenvectors :math:`Xv/\\sqrt{n\\lambda}`), and the part of
    :math:`w_0` outside the range of :math:`X` is carried as one extra direction.

    Returns
    -------
    W : ndarray, shape (T, p)

    Examples
    --------
    >>> X = np.array([[1.0, -1.0], [0.5, 0.5]]); y = np.array([1.0, -1.0])
    >>> weights(X, y, np.zeros(2), alpha=0.5, t=[1], dynamics="gd").round(12).tolist()
    [[0.5, 0.0]]
    """
    X, y, w0 = _check_xyw(X, y, w0)
    alpha = _checks.real_scalar(alpha, "alpha", low=0, allowed="learning rate alpha > 0")
    dynamics = _checks.dynamics(dynamics)
    t = _checks.times(t, integer=(dynamics == "gd"))
    gamma = _gamma(gamma)
    U, C, _ = _spectral_solve(X, y, w0, t, alpha, gamma, dynamics)
    return C @ U.T


def test_error(W, mu):
    """Exact test error of each weight vector on the Gaussian mixture.

    For :math:`\\hat x = \\pm\\mu + z`, :math:`w^T\\hat x \\sim \\mathcal N(\\pm w^T\\mu, \\|w\\|^2)`, so
    the error on either class is :math:`Q(w^T\\mu/\\|w\\|)` (1/2 for :math:`w = 0`).

    Examples
    --------
    >>> round(float(test_error(np.array([[1.0, 0.0]]), np.array([1.0, 0.0]))[0]), 6)  # Q(1)
    0.158655
    """
    W = np.atleast_2d(_checks.finite_array(W, "W"))
    mu = _checks.finite_array(mu, "mu", ndim=1, shape=(W.shape[1],))
    return error_rate(W @ mu, np.einsum("ij,ij->i", W, W))


def train_error(X, y, W):
    """Fraction of training samples with :math:`y_i x_i^T w < 0` (ties count 1/2), per weight vector.

    Examples
    --------
    >>> X = np.array([[1.0, -1.0, 1.0]]); y = np.array([1.0, -1.0, -1.0])
    >>> train_error(X, y, np.array([[1.0], [0.0]])).round(4).tolist()
    [0.3333, 0.5]
    """
    X = _checks.finite_array(X, "X", ndim=2)
    y = _checks.finite_array(y, "y", ndim=1, shape=(X.shape[1],))
    W = np.atleast_2d(_checks.finite_array(W, "W"))
    if W.shape[1] != X.shape[0]:
        raise ValueError(f"W must have shape (T, p={X.shape[0]}); got {W.shape}")
    margins = y[:, None] * (X.T @ W.T)
    return (margins < 0).mean(axis=0) + 0.5 * (margins == 0).mean(axis=0)  # a tie (w = 0): coin flip


def draw_run(problem, *, rng=None):
    """Draw one run's data and initialisation: ``(X, y, mu, w0)``.

    :math:`w_0` has i.i.d. :math:`\\mathcal N(0, \\sigma^2/p)` entries; it is drawn
    after the data from the same generator.

    Examples
    --------
    >>> X, y, mu, w0 = draw_run(Problem(p=3, n=4, mu2=1.0, sigma2=0.3), rng=0)
    >>> X.shape, w0.shape
    ((3, 4), (3,))
    """
    rng = _checks.generator(rng)
    X, y, mu = sample(problem, rng=rng)
    w0 = rng.standard_normal(problem.p) * np.sqrt(problem.sigma2 / problem.p)
    return X, y, mu, w0
