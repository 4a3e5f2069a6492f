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
system) are the independent references it is tested against.
"""

from dataclasses import dataclass

import numpy as np
from scipy.linalg import eigh, expm
from threadpoolctl import threadpool_limits

from . import _checks
from .data import _rng, sample
from .filters import filters
from .params import Problem
from .theory import error_rate

__all__ = ["gradient_descent", "gradient_flow_expm", "weights", "test_error", "train_error",
           "draw_run", "Simulation", "simulate"]


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


class _Spectral:
    """One eigendecomposition of M = XX^T/n and the data projected on its eigenvectors."""

    def __init__(self, X, y):
        p, n = X.shape
        lam, U = eigh(X @ X.T / n, overwrite_a=True, check_finite=False)
        tol = max(p, n) * np.finfo(float).eps * max(lam[-1], 1.0)
        null = lam <= tol
        lam[null] = 0.0  # exact null space when p > n: gradient steps never move w there
        b = U.T @ (X @ y / n)
        b[null] = 0.0    # Xy/n lies in the range of X
        self.lam, self.U, self.b, self.null = lam, U, b, null
        self.XU = X.T @ U  # (n, p): training scores are XU @ coefficients

    def coefficients(self, w0, t, alpha, dynamics, gamma=0.0):
        f, g = filters(self.lam, t, alpha=alpha, dynamics=dynamics, gamma=gamma)
        # null directions get no gradient: g(0) b = 0 there (g(0) = inf at t = inf)
        g[:, self.null] = 0.0
        return f * (self.U.T @ w0) + g * self.b  # (T, p) in the eigenbasis


def _gamma(gamma):
    return _checks.real_scalar(gamma, "gamma", low=0, low_inclusive=True,
                               allowed="ridge penalty gamma >= 0")


def _stable_or_raise(lam_max, alpha, dynamics, gamma=0.0):
    if dynamics == "gd" and alpha >= 2.0 / (lam_max + gamma):
        raise ValueError(f"alpha={alpha:g} is an unstable gradient-descent step for this sample: "
                         f"GD needs alpha < 2/(lambda_max + gamma) = {2.0 / (lam_max + gamma):.6g}")


def weights(X, y, w0, *, alpha, t, dynamics="flow", gamma=0.0):
    """Weights at every requested time from one eigendecomposition of :math:`XX^T/n`.

    .. math::

        w(t) = U\\big(f_t(\\Lambda)\\,U^Tw_0 + g_t(\\Lambda)\\,U^T Xy/n\\big),
        \\qquad XX^T/n = U\\Lambda U^T

    (book chapter 2, eq. ``w-closed-form``), with :math:`\\Lambda + \\gamma I` in the
    filters under a ridge penalty ``gamma``.  Eigenvalues below
    :math:`\\max(p,n)\\,\\epsilon\\,\\lambda_{\\max}` are treated as exact zeros.

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
    sp = _Spectral(X, y)
    _stable_or_raise(sp.lam[-1], alpha, dynamics, gamma)
    return sp.coefficients(w0, t, alpha, dynamics, gamma) @ sp.U.T


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


def _margin_error(margins):
    # margins: (n, T); a zero margin (w = 0) counts as a coin flip
    return ((margins < 0).mean(axis=0) + 0.5 * (margins == 0).mean(axis=0))


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
    return _margin_error(y[:, None] * (X.T @ W.T))


def draw_run(problem, *, rng):
    """Draw one run's data and initialisation: ``(X, y, mu, w0)``.

    :math:`w_0` has i.i.d. :math:`\\mathcal N(0, \\sigma^2/p)` entries; it is drawn
    after the data from the same generator.

    Examples
    --------
    >>> X, y, mu, w0 = draw_run(Problem(p=3, n=4, mu2=1.0, sigma2=0.3), rng=0)
    >>> X.shape, w0.shape
    ((3, 4), (3,))
    """
    rng = _rng(rng)
    X, y, mu = sample(problem, rng=rng)
    w0 = rng.standard_normal(problem.p) * np.sqrt(problem.sigma2 / problem.p)
    return X, y, mu, w0


@dataclass(frozen=True)
class Simulation:
    """Monte-Carlo errors, one row per run (arrays of shape ``(runs, T)``).

    ``test_error`` and ``train_error`` use the threshold 0 (the paper's rule, all
    samples pooled).  The per-class errors ``test_error_c1`` (class
    :math:`\\mathcal C_1`, label -1), ``test_error_c2`` (label +1),
    ``train_error_c1``, ``train_error_c2`` use the rule "label +1 iff
    :math:`w^T x >` ``threshold``" (shape ``(T,)``) and are ``None`` when not recorded.
    """

    t: np.ndarray
    test_error: np.ndarray
    train_error: np.ndarray
    dynamics: str = "flow"
    threshold: np.ndarray | None = None
    test_error_c1: np.ndarray | None = None
    test_error_c2: np.ndarray | None = None
    train_error_c1: np.ndarray | None = None
    train_error_c2: np.ndarray | None = None

    _CLASS_FIELDS = ("test_error_c1", "test_error_c2", "train_error_c1", "train_error_c2")

    def mean_sem(self, name):
        """Mean over runs and its standard error (NaN with one run) of the field ``name``."""
        a = getattr(self, name)
        if a is None:
            raise ValueError(f"{name} was not recorded in this simulation")
        return a.mean(axis=0), self._sem(a)

    @property
    def runs(self):
        return self.test_error.shape[0]

    def _sem(self, a):
        return a.std(axis=0, ddof=1) / np.sqrt(a.shape[0]) if a.shape[0] > 1 else np.full(a.shape[1], np.nan)

    @property
    def test_error_mean(self):
        return self.test_error.mean(axis=0)

    @property
    def test_error_sem(self):
        """Standard error of the mean over runs (NaN with a single run)."""
        return self._sem(self.test_error)

    @property
    def train_error_mean(self):
        return self.train_error.mean(axis=0)

    @property
    def train_error_sem(self):
        """Standard error of the mean over runs (NaN with a single run)."""
        return self._sem(self.train_error)

    def as_dict(self, *, classes=False):
        """Plain lists (``"inf"`` for infinite times; SEM of a single run is ``None``).

        With ``classes=True`` also ``threshold`` and the per-class ``..._mean`` and
        ``..._sem`` (``test_error_c1``, ``test_error_c2``, ``train_error_c1``, ``train_error_c2``).
        """
        def enc(a):
            return [None if np.isnan(v) else ("inf" if np.isinf(v) else float(v)) for v in a]
        out = {"t": enc(self.t), "test_error_mean": enc(self.test_error_mean),
               "test_error_sem": enc(self.test_error_sem),
               "train_error_mean": enc(self.train_error_mean),
               "train_error_sem": enc(self.train_error_sem)}
        if classes and self.threshold is not None:
            out["threshold"] = enc(self.threshold)
            for name in self._CLASS_FIELDS:
                mean, sem = self.mean_sem(name)
                out[name + "_mean"], out[name + "_sem"] = enc(mean), enc(sem)
        return out


def simulate(problem, t, *, runs, seed, dynamics="flow", method="eig", threshold=0.0,
             progress=None):
    """Monte-Carlo training and test error of gradient descent at the requested times.

    Each run draws fresh data and a fresh :math:`w_0` from its own child of
    ``numpy.random.default_rng(seed)`` (so run ``r`` is the same whatever
    ``runs`` and ``method`` are), trains, and records the exact test error
    (:func:`test_error`) and the training error (:func:`train_error`), pooled at
    threshold 0 and per class at ``threshold``.  ``problem.gamma`` adds the ridge
    penalty and ``problem.pi`` sets the class proportions of the training data.

    Parameters
    ----------
    problem : Problem
        Must have ``p`` and ``n``.
    t : array_like
        Times (flow) or step counts (GD).
    runs : int
        Number of independent runs (>= 1).
    seed : int
        Seed of the run generators.
    dynamics : {"flow", "gd"}
    method : {"eig", "iterate"}
        ``"eig"``: one eigendecomposition per run, all times at once (fast);
        ``"iterate"``: the references, :func:`gradient_descent` (GD) or
        :func:`gradient_flow_expm` (flow).
    threshold : float or array_like, shape (T,), default 0.0
        Threshold :math:`\\tau` of the per-class errors (one per time, e.g. the
        theory's :func:`rmtdyn.theory.bayes_threshold`); the test errors per class
        are exact given :math:`w`: :math:`Q((w^T\\mu \\pm \\tau)/\\|w\\|)`.
    progress : callable, optional
        Called as ``progress(done, runs)`` after each run (e.g. to move a
        progress bar); an exception it raises stops the simulation and
        propagates (a way to cancel).

    Returns
    -------
    Simulation

    Examples
    --------
    >>> pb = Problem(p=32, n=64, mu2=4.0, sigma2=0.1, alpha=0.01)
    >>> sim = simulate(pb, [0, 100], runs=4, seed=0)
    >>> sim.test_error_mean.round(3).tolist()
    [0.487, 0.046]
    """
    if not isinstance(problem, Problem):
        raise ValueError(f"problem must be an rmtdyn.Problem; got {type(problem).__name__}")
    if problem.p is None:
        raise ValueError("simulate needs a Problem with p and n (not only c)")
    dynamics = _checks.dynamics(dynamics)
    t = _checks.times(t, integer=(dynamics == "gd"))
    runs = _checks.positive_int(runs, "runs")
    seed = _checks.positive_int(seed, "seed", minimum=0)
    if method not in ("eig", "iterate"):
        raise ValueError(f"method must be 'eig' or 'iterate'; got {method!r}")
    if progress is not None and not callable(progress):
        raise ValueError(f"progress must be a callable progress(done, runs) or None; got {progress!r}")
    if dynamics == "gd":
        problem.check_gd_step()
    if method == "iterate" and not np.isfinite(t).all():
        raise ValueError("method='iterate' needs finite times; use method='eig' for t = inf")
    tau = np.asarray(threshold, dtype=float)
    if tau.ndim > 1 or (tau.ndim == 1 and tau.shape != t.shape) or np.isnan(tau).any():
        raise ValueError(f"threshold must be a number or an array of shape ({t.size},) "
                         "(one per time; inf allowed, not NaN)")
    tau = np.broadcast_to(tau, t.shape).astype(float)
    # The per-run matrices are small (p x p, n x T): multithreaded BLAS costs more in
    # synchronisation than it gains here (measured 2.3x slower on 2 cores), so the runs
    # are computed with one BLAS thread.
    with threadpool_limits(limits=1, user_api="blas"):
        out = _monte_carlo(problem, t, runs, seed, dynamics, method, tau, progress)
    return Simulation(t=t, dynamics=dynamics, threshold=tau, **out)


def _monte_carlo(problem, t, runs, seed, dynamics, method, tau, progress=None):
    alpha, gamma = problem.alpha, problem.gamma
    names = ("test_error", "train_error") + Simulation._CLASS_FIELDS
    out = {name: np.empty((runs, t.size)) for name in names}
    for r, rng in enumerate(np.random.default_rng(seed).spawn(runs)):
        X, y, mu, w0 = draw_run(problem, rng=rng)
        if method == "eig":
            sp = _Spectral(X, y)
            _stable_or_raise(sp.lam[-1], alpha, dynamics, gamma)
            C = sp.coefficients(w0, t, alpha, dynamics, gamma)
            m = sp.U.T @ mu
            Ew, Vw = C @ m, np.einsum("ij,ij->i", C, C)
            scores = sp.XU @ C.T  # (n, T): x_i^T w
        else:
            if dynamics == "gd":
                W = gradient_descent(X, y, w0, alpha=alpha, steps=t, gamma=gamma)
            else:
                W = gradient_flow_expm(X, y, w0, alpha=alpha, t=t, gamma=gamma)
            Ew, Vw = W @ mu, np.einsum("ij,ij->i", W, W)
            scores = X.T @ W.T
        out["test_error"][r] = error_rate(Ew, Vw)
        out["train_error"][r] = _margin_error(y[:, None] * scores)
        with np.errstate(invalid="ignore"):
            out["test_error_c1"][r] = error_rate(Ew + tau, Vw)
            out["test_error_c2"][r] = error_rate(Ew - tau, Vw)
        pos = y > 0
        # class C2 (+1) is wrong below the threshold, class C1 (-1) above it; ties count 1/2
        out["train_error_c2"][r] = _margin_error(scores[pos] - tau)
        out["train_error_c1"][r] = _margin_error(tau - scores[~pos])
        if progress is not None:
            progress(r + 1, runs)
    return out
