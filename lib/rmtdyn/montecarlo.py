"""Monte Carlo: one runner for every experiment (Gaussian mixture, any noise covariance, real images).

An experiment is a *draw function* ``draw(rng) -> Draw``: one run's training set
:math:`(X, y)`, its initialisation :math:`w_0`, and what the test error is measured on
(the exact error of a Gaussian model, or a held-out set of samples).  :func:`run` calls
it once per run with that run's own generator, trains by gradient flow or descent
(book chapter 2, eq. ``w-closed-form``) at every requested time, and records

* the test error: exact for a Gaussian model with mean :math:`\\mu` and noise covariance
  :math:`C = FF^T`, :math:`Q\\big(w^T\\mu/\\sqrt{w^TCw}\\big)`; empirical on a held-out set;
* the training error, the fraction of :math:`y_i x_i^Tw < 0` (ties count 1/2);
* the same per class at a threshold :math:`\\tau` ("label +1 iff :math:`w^Tx > \\tau`").

One eigendecomposition :math:`XX^T/n = U\\Lambda U^T` per run gives every time at once:
:math:`w(t) = U c(t)` with :math:`c(t) = f_t(\\Lambda)U^Tw_0 + g_t(\\Lambda)U^TXy/n`, and
all training margins are one product :math:`(X^TU)\\,c(t)` for all :math:`t`.  While
:math:`\\alpha t\\lambda_{\\max}` is moderate a Chebyshev expansion of the filters is cheaper
still (:mod:`rmtdyn.chebyshev`: a few dozen products by :math:`XX^T/n` instead of the
eigendecomposition); its error bound certifies every counted sign, and a run whose sign it
cannot vouch for is redone by the eigendecomposition.  The errors counted are then the same
on either path.
"""

import math
from dataclasses import dataclass

import numpy as np

from . import _checks, chebyshev
from ._json import Result, to_jsonable
from .dynamics import _spectral_solve, draw_run, gradient_descent, gradient_flow_expm
from .params import Problem
from .theory import error_rate

__all__ = ["Draw", "Simulation", "PoolSimulation", "run", "rng_streams", "simulate"]

_EPS = np.finfo(float).eps


@dataclass(frozen=True, eq=False)
class Draw:
    """One run of an experiment: training data, initialisation and test model.

    Give either ``mu`` (exact Gaussian test error, noise covariance :math:`FF^T`
    with ``cov_factor`` :math:`F`, identity when ``None``; a 1-D ``cov_factor`` is
    a diagonal :math:`F`) or ``X_test`` and ``y_test`` (empirical error on held-out samples).

    Attributes
    ----------
    X : ndarray, shape (p, n)
    y : ndarray, shape (n,), labels -1 and +1
    w0 : ndarray, shape (p,)
    mu, cov_factor, X_test, y_test : ndarray or None
    """

    X: np.ndarray
    y: np.ndarray
    w0: np.ndarray
    mu: np.ndarray | None = None
    cov_factor: np.ndarray | None = None
    X_test: np.ndarray | None = None
    y_test: np.ndarray | None = None

    def check(self):
        """Raise ``ValueError`` naming the field that has a wrong shape or value; return ``self``."""
        if not isinstance(self.X, np.ndarray) or self.X.ndim != 2:
            raise ValueError("Draw.X must be a 2-D array (p, n)")
        p, n = self.X.shape
        if np.shape(self.y) != (n,) or not np.isin(self.y, (-1.0, 1.0)).all():
            raise ValueError(f"Draw.y must have shape ({n},) and hold labels -1 and +1 only")
        if np.shape(self.w0) != (p,):
            raise ValueError(f"Draw.w0 must have shape ({p},); got {np.shape(self.w0)}")
        if (self.mu is None) == (self.X_test is None):
            raise ValueError("Draw needs either mu (exact Gaussian test error) or X_test and y_test")
        if self.mu is not None and np.shape(self.mu) != (p,):
            raise ValueError(f"Draw.mu must have shape ({p},); got {np.shape(self.mu)}")
        if self.cov_factor is not None and np.shape(self.cov_factor)[:1] != (p,):
            raise ValueError(f"Draw.cov_factor must have shape ({p},) or ({p}, k)")
        if self.X_test is not None:
            if np.ndim(self.X_test) != 2 or np.shape(self.X_test)[0] != p or self.y_test is None \
                    or np.shape(self.y_test) != (np.shape(self.X_test)[1],):
                raise ValueError(f"Draw.X_test must have shape ({p}, m) and y_test shape (m,)")
        if not (np.isfinite(self.X).all() and np.isfinite(self.w0).all()):
            raise ValueError("Draw.X and Draw.w0 must hold finite numbers only")
        return self


_CLASS_FIELDS = ("test_error_c1", "test_error_c2", "train_error_c1", "train_error_c2")


@dataclass(frozen=True, eq=False)
class Simulation(Result):
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

    _CLASS_FIELDS = _CLASS_FIELDS

    def mean_sem(self, name):
        """Mean over runs and its standard error (NaN with one run) of the field ``name``."""
        if name not in ("test_error", "train_error") + _CLASS_FIELDS + ("test_margin_mean", "test_margin_var"):
            raise ValueError(f"name must be an error field of the simulation; got {name!r}")
        a = getattr(self, name, None)
        if a is None:
            raise ValueError(f"{name} was not recorded in this simulation")
        return a.mean(axis=0), self._sem(a)

    @property
    def runs(self):
        return self.test_error.shape[0]

    @staticmethod
    def _sem(a):
        return a.std(axis=0, ddof=1) / np.sqrt(a.shape[0]) if a.shape[0] > 1 else np.full(a.shape[1], np.nan)

    test_error_mean = property(lambda self: self.test_error.mean(axis=0), doc="Mean test error over runs.")
    train_error_mean = property(lambda self: self.train_error.mean(axis=0), doc="Mean training error over runs.")
    test_error_sem = property(lambda self: self._sem(self.test_error),
                              doc="Standard error of the mean test error (NaN with a single run).")
    train_error_sem = property(lambda self: self._sem(self.train_error),
                               doc="Standard error of the mean training error (NaN with a single run).")

    def as_dict(self, *, classes=False):
        """Means and standard errors over runs as plain lists (the command line's ``simulate --json``).

        Infinite times are ``"inf"``; the SEM of a single run is ``None``
        (:func:`rmtdyn._json.to_jsonable`).  With ``classes=True`` also ``threshold``
        and the per-class ``..._mean`` and ``..._sem`` (``test_error_c1``,
        ``test_error_c2``, ``train_error_c1``, ``train_error_c2``).
        """
        out = {"t": self.t, "test_error_mean": self.test_error_mean, "test_error_sem": self.test_error_sem,
               "train_error_mean": self.train_error_mean, "train_error_sem": self.train_error_sem}
        if classes and self.threshold is not None:
            out["threshold"] = self.threshold
            for name in _CLASS_FIELDS:
                out[name + "_mean"], out[name + "_sem"] = self.mean_sem(name)
        return to_jsonable(out)


@dataclass(frozen=True, eq=False)
class PoolSimulation(Simulation):
    """:class:`Simulation` measured on held-out samples, with the moments of the test margins.

    Attributes
    ----------
    test_margin_mean, test_margin_var : ndarray, shape (runs, T)
        Mean and variance (``ddof=1``) of the margins :math:`y_i x_i^T w(t)` over the
        held-out samples of each run: the empirical counterparts of :math:`E(t)` and
        :math:`V(t)` of the theorem.
    """

    test_margin_mean: np.ndarray = None
    test_margin_var: np.ndarray = None

    def gaussian_error(self):
        """Per-run :math:`Q(m/s)` from the margins' mean :math:`m` and variance :math:`s^2`.

        The error the held-out margins *would* have if they were Gaussian; its
        distance to :attr:`test_error` measures how non-Gaussian the real statistic is.

        .. math::

            \\hat\\varepsilon_\\mathrm{Gauss}(t) = Q\\big(m(t)/s(t)\\big)

        (book chapter 8, eqs. ``rd-margins`` and ``rd-gaussian-gap``).

        Returns
        -------
        ndarray, shape (runs, T)
        """
        return error_rate(self.test_margin_mean, variance=self.test_margin_var)


def rng_streams(rng, runs):
    """One independent generator per run, children of ``rng`` (SciPy's convention, SPEC 7).

    An int seeds ``numpy.random.default_rng`` and ``None`` takes fresh entropy; a
    ``Generator`` is spawned (so it gives new streams each call).  Run ``r`` gets
    the same stream whatever ``runs`` is.

    Examples
    --------
    >>> a, b = rng_streams(0, 2)
    >>> float(a.random()) == float(rng_streams(0, 5)[0].random())
    True
    """
    runs = _checks.positive_int(runs, "runs")
    return _checks.generator(rng).spawn(runs)


def _count_wrong(scores, tau, sign, band=0.0):
    """Per column: counts of wrong decisions and of scores within ``band`` of ``tau``.

    ``sign`` +1: class +1, wrong below ``tau``; -1: class -1, wrong above it.  With
    ``band = 0`` the second count is that of the ties (score == tau).
    """
    above, below = _column_count(scores > tau + band), _column_count(scores < tau - band)
    wrong = below if sign > 0 else above
    return wrong, scores.shape[0] - above - below


def _column_count(mask):
    # True entries per column: a sum of bytes, 6x faster than count_nonzero(axis=0) on an (n, T) mask
    return np.add.reduce(mask.view(np.uint8), axis=0, dtype=np.uint16 if mask.shape[0] < 65536 else np.int64)


def _rate(wrong, ties, m):
    # a tie (e.g. w = 0) counts as a coin flip; no samples: no error
    return wrong / m + 0.5 * (ties / m) if m else np.zeros(np.shape(wrong))


def _class_rows(y):
    """Row order putting class -1 first, and the class sizes."""
    neg = y < 0
    n1 = int(neg.sum())
    if n1 == 0 or n1 == y.size or neg[:n1].all():
        return None, n1
    return np.argsort(~neg, kind="stable"), n1


def _sample_errors(scores, n1, tau, zero_tau, band=None):
    """Pooled (threshold 0) and per-class (threshold tau) error rates of (n, T) scores sorted class -1 first.

    ``band`` (per time): the scores are those of an approximate path, each within ``band`` of
    the exact one.  Returns ``None`` when a score lies within ``band`` of a threshold
    (its side is then uncertain).
    """
    n = scores.shape[0]
    s1, s2 = scores[:n1], scores[n1:]
    b = 0.0 if band is None else band
    (w1, t1), (w2, t2) = _count_wrong(s1, tau, -1, b), _count_wrong(s2, tau, +1, b)
    if band is not None and ((t1 + t2)[band > 0] > 0).any():
        return None
    c1, c2 = _rate(w1, t1, n1), _rate(w2, t2, n - n1)
    if not zero_tau:
        (w1, t1), (w2, t2) = _count_wrong(s1, 0.0, -1, b), _count_wrong(s2, 0.0, +1, b)
        if band is not None and ((t1 + t2)[band > 0] > 0).any():
            return None
    return _rate(w1 + w2, t1 + t2, n), c1, c2


_U32 = 2.0 ** -24  # unit roundoff of float32


def _band(XB, C, X, err):
    """Per time: how far a float64 score ``(XB @ C.T)[i, t]`` may be from the exact :math:`x_i^Tw(t)`.

    :math:`\\max_i\\|x_i\\|\\,\\mathrm{err}_t` for the path, plus the product's rounding
    :math:`(q+2)\\epsilon` times ``size`` :math:`= \\max_i\\|(X^TB)_i\\|\\,\\|C_t\\|`, the bound of
    :math:`|(X^TB)_i|\\cdot|C_t|` also returned.
    """
    size = math.sqrt(np.einsum("ij,ij->i", XB, XB).max()) * np.sqrt(np.einsum("ij,ij->i", C, C))
    return math.sqrt(np.einsum("ij,ij->j", X, X).max()) * err + (XB.shape[1] + 2) * _EPS * size, size


def _certified_errors(XB, C, X, err, n1):
    """Pooled and per-class error rates at threshold 0 of the scores ``XB @ C.T`` of an approximate path.

    The product is formed in float32 (half the time of float64); each score is then known
    within :math:`\\gamma_{q+2}\\|(X^TB)_i\\|\\,\\|C_t\\| + \\|x_i\\|\\,\\mathrm{err}_t` of the exact
    :math:`x_i^Tw(t)`, and the few scores inside that band are recomputed in float64 (with
    the float64 band).  Returns ``None`` if a score is still within its band: its sign is not
    certain, and the caller takes the eigendecomposition.
    """
    n, q = XB.shape
    S = XB.astype(np.float32) @ C.T.astype(np.float32)
    g = (q + 2) * _U32 / (1 - (q + 2) * _U32)
    band64, size = _band(XB, C, X, err)
    band = np.nextafter((band64 + 1.01 * g * size).astype(np.float32), np.float32(np.inf))
    s1, s2 = S[:n1], S[n1:]
    above1, below2 = _column_count(s1 > band), _column_count(s2 < -band)
    unsure = (n1 - above1 - _column_count(s1 < -band)) + (n - n1 - below2 - _column_count(s2 > band))
    wrong1, wrong2 = above1.astype(np.int64), below2.astype(np.int64)
    cols = np.flatnonzero(unsure)
    if cols.size:
        i, j = np.nonzero(np.abs(S[:, cols]) <= band[cols])
        j = cols[j]
        exact = np.einsum("ij,ij->i", XB[i], C[j])
        if (np.abs(exact) <= band64[j]).any():
            return None
        np.add.at(wrong1, j[(i < n1) & (exact > 0)], 1)
        np.add.at(wrong2, j[(i >= n1) & (exact < 0)], 1)
    zero = np.zeros(C.shape[0])
    return (wrong1 + wrong2) / n, _rate(wrong1, zero, n1), _rate(wrong2, zero, n - n1)


def _solve(d, t, alpha, gamma, dynamics, method, cache):
    """(basis B or None for the identity, coefficients C (T, q), X^T B, error bound or None): w(t) = B C[t].

    ``"auto"`` takes the Chebyshev expansion (:mod:`rmtdyn.chebyshev`) when it is the cheaper
    path; it alone gives an error bound (per time, on the distance to the exact w(t)),
    and its basis is not orthonormal.
    """
    if method == "auto":
        scored = d.X.shape[1] + (0 if d.X_test is None else d.X_test.shape[1])
        out = chebyshev.solve(d.X, d.y, d.w0, t, alpha=alpha, gamma=gamma, dynamics=dynamics,
                              evaluated=scored, cache=cache)
        if out is not None:
            return out
    if method in ("auto", "eig"):
        return (*_spectral_solve(d.X, d.y, d.w0, t, alpha, gamma, dynamics), None)
    if dynamics == "gd":
        return None, gradient_descent(d.X, d.y, d.w0, alpha=alpha, steps=t, gamma=gamma), d.X.T, None
    return None, gradient_flow_expm(d.X, d.y, d.w0, alpha=alpha, t=t, gamma=gamma), d.X.T, None


def _errors(XB, C, X, err, n1, tau, zero_tau):
    """Error rates (pooled, class 1, class 2) of the samples ``X`` (sorted class -1 first).

    ``err`` (per time) bounds the distance of an approximate path to the exact one; then
    ``None`` when a score is too close to a threshold for its side to be certain.
    """
    if err is None:
        return _sample_errors(XB @ C.T, n1, tau, zero_tau)
    if zero_tau:
        return _certified_errors(XB, C, X, err, n1)
    return _sample_errors(XB @ C.T, n1, tau, zero_tau, _band(XB, C, X, err)[0])


def _one_run(d, t, tau, zero_tau, alpha, gamma, dynamics, method, cache=None):
    B, C, XB, err = _solve(d, t, alpha, gamma, dynamics, method, cache)
    order, n1 = _class_rows(d.y)
    if order is not None:
        XB = XB[order]
    out = {}
    train = _errors(XB, C, d.X, err, n1, tau, zero_tau)
    if train is None:  # a sign the expansion cannot vouch for: take the eigendecomposition
        return _one_run(d, t, tau, zero_tau, alpha, gamma, dynamics, "eig")
    out["train_error"], out["train_error_c1"], out["train_error_c2"] = train
    if d.mu is not None:  # exact Gaussian test error given w
        E = C @ (d.mu if B is None else d.mu @ B)
        F = d.cov_factor  # w^T C w = ||F^T w||^2 = ||(F^T B) c||^2
        if F is None:
            G = C if err is None else C @ np.linalg.qr(B, mode="r").T  # ||B c|| = ||R c||
        elif B is None:
            G = C * F if F.ndim == 1 else C @ F
        else:
            G = C @ (F[:, None] * B).T if F.ndim == 1 else C @ (B.T @ F)
        V = np.einsum("ij,ij->i", G, G)
        out["test_error"] = error_rate(E, V)
        with np.errstate(invalid="ignore"):
            out["test_error_c1"] = error_rate(E + tau, V)
            out["test_error_c2"] = error_rate(E - tau, V)
    else:  # empirical on the held-out samples
        order_te, m1 = _class_rows(d.y_test)
        Xte, yte = (d.X_test, d.y_test) if order_te is None else (d.X_test[:, order_te], d.y_test[order_te])
        XteB = Xte.T if B is None else Xte.T @ B
        test = _errors(XteB, C, Xte, err, m1, tau, zero_tau)
        if test is None:
            return _one_run(d, t, tau, zero_tau, alpha, gamma, dynamics, "eig")
        out["test_error"], out["test_error_c1"], out["test_error_c2"] = test
        out["test_margin_mean"], out["test_margin_var"] = _margin_moments(XteB, yte, C)
    return out


def _margin_moments(XB, y, C):
    """Mean and variance (two-pass) over the samples of the margins y_i x_i^T w(t), at every time.

    With a small basis (q columns) they come from the mean and covariance of the
    z_i = y_i (X^T B)_i: margin = z_i . c(t); otherwise from the (m, T) margins.
    """
    m, q = XB.shape
    Z = XB * y[:, None]
    if q * (m + C.shape[0]) < m * C.shape[0]:
        zbar = Z.mean(axis=0)
        Z -= zbar
        return C @ zbar, np.einsum("ij,ij->i", C @ ((Z.T @ Z) / (m - 1)), C)
    margins = Z @ C.T
    mean = margins.mean(axis=0)
    margins -= mean
    return mean, np.einsum("ij,ij->j", margins, margins) / (m - 1)


def run(draw, t, *, runs, rng=None, alpha, gamma=0.0, dynamics="flow", method="auto", threshold=0.0,
        progress=None):
    """Run a Monte-Carlo experiment: ``runs`` draws, each trained and evaluated at every time ``t``.

    Parameters
    ----------
    draw : callable
        ``draw(rng) -> Draw``, one run's data from the run's own generator.
    t : array_like
        Times (flow) or step counts (GD).
    runs : int
        Number of independent runs (>= 1).
    rng : int, numpy.random.Generator or None
        Source of the runs' generators (:func:`rng_streams`).
    alpha : float
        Learning rate.
    gamma : float, default 0.0
        Ridge penalty :math:`\\frac\\gamma2\\|w\\|^2` added to the loss.
    dynamics : {"flow", "gd"}
    method : {"auto", "eig", "iterate"}
        ``"auto"``: per run the cheaper path, all times at once: a Chebyshev expansion
        of the filters (:func:`rmtdyn.chebyshev.solve`; each counted sign certified by
        its error bound, or the run is redone by the eigendecomposition) or one
        eigendecomposition;
        ``"eig"``: always the eigendecomposition;
        ``"iterate"``: the references :func:`rmtdyn.dynamics.gradient_descent` (GD) or
        :func:`rmtdyn.dynamics.gradient_flow_expm` (flow).
    threshold : float or array_like, shape (T,), default 0.0
        Threshold :math:`\\tau` of the per-class errors (one per time; ``inf`` allowed).
    progress : callable, optional
        Called as ``progress(done, runs)`` after each run; an exception it raises
        stops the simulation and propagates (a way to cancel).

    Returns
    -------
    Simulation
        A :class:`PoolSimulation` (with the moments of the held-out margins) when the
        draws give held-out samples.

    Notes
    -----
    .. math::

        w(t) = U\\big(f_t(\\Lambda)U^Tw_0 + g_t(\\Lambda)U^TXy/n\\big),\\qquad
        \\varepsilon_\\mathrm{test} = Q\\Big(\\frac{w^T\\mu}{\\sqrt{w^TCw}}\\Big)

    (book chapter 2, eq. ``w-closed-form``; chapter 1, eq. ``setup-model``).  The
    runs use one BLAS thread each: their matrices are small, and threads cost more
    in synchronisation than they gain.

    Examples
    --------
    >>> def draw(rng):
    ...     y = np.repeat([-1.0, 1.0], 20); mu = np.r_[1.5, np.zeros(9)]
    ...     return Draw(X=rng.standard_normal((10, 40)) + np.outer(mu, y), y=y, w0=np.zeros(10), mu=mu)
    >>> sim = run(draw, [0, 50], runs=3, rng=0, alpha=0.1)
    >>> sim.test_error_mean.round(3).tolist()
    [0.5, 0.1]
    """
    if not callable(draw):
        raise _checks.ArgumentTypeError(f"draw must be a callable draw(rng) -> Draw; got {type(draw).__name__}")
    dynamics = _checks.dynamics(dynamics)
    t = _checks.times(t, integer=(dynamics == "gd"))
    runs = _checks.positive_int(runs, "runs")
    alpha = _checks.real_scalar(alpha, "alpha", low=0, allowed="learning rate alpha > 0")
    gamma = _checks.real_scalar(gamma, "gamma", low=0, low_inclusive=True, allowed="ridge penalty gamma >= 0")
    if method not in ("auto", "eig", "iterate"):
        raise ValueError(f"method must be 'auto', 'eig' or 'iterate'; got {method!r}")
    if method == "iterate" and not np.isfinite(t).all():
        raise ValueError("method='iterate' needs finite times; use method='eig' for t = inf")
    if progress is not None and not callable(progress):
        raise _checks.ArgumentTypeError(f"progress must be a callable progress(done, runs) or None; got {progress!r}")
    tau = _threshold(threshold, t)
    zero_tau = not tau.any()
    streams = rng_streams(rng, runs)
    from threadpoolctl import threadpool_limits
    rows, cache = [], {}
    with threadpool_limits(limits=1, user_api="blas"):
        for r, stream in enumerate(streams):
            d = draw(stream)
            if not isinstance(d, Draw):
                raise _checks.ArgumentTypeError(f"draw must return an rmtdyn.montecarlo.Draw; got {type(d).__name__}")
            rows.append(_one_run(d.check(), t, tau, zero_tau, alpha, gamma, dynamics, method, cache))
            if progress is not None:
                progress(r + 1, runs)
    fields = {name: np.array([row[name] for row in rows]) for name in rows[0]}
    cls = PoolSimulation if "test_margin_mean" in fields else Simulation
    return cls(t=t, dynamics=dynamics, threshold=tau, **fields)


def _threshold(threshold, t):
    try:
        tau = np.asarray(threshold, dtype=float)
    except (TypeError, ValueError):
        raise _checks.ArgumentTypeError(f"threshold must be a number or an array of numbers; got {threshold!r}") from None
    if tau.ndim > 1 or (tau.ndim == 1 and tau.shape != t.shape) or np.isnan(tau).any():
        raise ValueError(f"threshold must be a number or an array of shape ({t.size},) "
                         "(one per time; inf allowed, not NaN)")
    return np.broadcast_to(tau, t.shape).astype(float)


def simulate(problem, t, *, runs, rng=None, seed=None, dynamics="flow", method="auto", threshold=0.0,
             progress=None):
    """Monte-Carlo training and test error of gradient descent on the Gaussian mixture.

    Each run draws fresh data and a fresh :math:`w_0` (:func:`rmtdyn.dynamics.draw_run`)
    from its own child of ``rng`` (so run ``r`` is the same whatever ``runs`` and
    ``method`` are), trains, and records the exact test error and the training error,
    pooled at threshold 0 and per class at ``threshold`` (:func:`run`).
    ``problem.gamma`` adds the ridge penalty and ``problem.pi`` sets the class
    proportions of the training data.

    Parameters
    ----------
    problem : Problem
        Must have ``p`` and ``n``.
    t : array_like
        Times (flow) or step counts (GD).
    runs : int
        Number of independent runs (>= 1).
    rng : int, numpy.random.Generator or None
        Source of the run generators (SciPy's convention); ``seed`` is its older name.
    dynamics : {"flow", "gd"}
    method : {"auto", "eig", "iterate"}
        ``"auto"``: the cheaper of a Chebyshev expansion and one eigendecomposition per
        run, all times at once (:func:`run`); ``"eig"``: always the eigendecomposition;
        ``"iterate"``: the references, :func:`~rmtdyn.dynamics.gradient_descent` (GD) or
        :func:`~rmtdyn.dynamics.gradient_flow_expm` (flow).
    threshold : float or array_like, shape (T,), default 0.0
        Threshold :math:`\\tau` of the per-class errors (one per time, e.g. the
        theory's :func:`rmtdyn.theory.bayes_threshold`); the test errors per class
        are exact given :math:`w`: :math:`Q((w^T\\mu \\pm \\tau)/\\|w\\|)`.
    progress : callable, optional
        Called as ``progress(done, runs)`` after each run.

    Returns
    -------
    Simulation

    Notes
    -----
    .. math::

        x_i = y_i\\mu + z_i,\\quad z_i \\sim \\mathcal N(0, I_p),\\qquad
        \\varepsilon_\\mathrm{test}(t) = Q\\big(w(t)^T\\mu/\\|w(t)\\|\\big)

    (book chapter 1, eq. ``setup-model``).

    Examples
    --------
    >>> pb = Problem(p=32, n=64, mu2=4.0, sigma2=0.1, alpha=0.01)
    >>> sim = simulate(pb, [0, 100], runs=4, rng=0)
    >>> sim.test_error_mean.round(3).tolist()
    [0.487, 0.046]
    """
    if not isinstance(problem, Problem):
        raise _checks.ArgumentTypeError(f"problem must be an rmtdyn.Problem; got {type(problem).__name__}")
    if problem.p is None:
        raise ValueError("simulate needs a Problem with p and n (not only c)")
    if dynamics == "gd":
        problem.check_gd_step()
    rng = _checks.rng_alias(rng, seed, "simulate")

    def draw(stream):
        X, y, mu, w0 = draw_run(problem, rng=stream)
        return Draw(X=X, y=y, w0=w0, mu=mu)
    return run(draw, t, runs=runs, rng=rng, alpha=problem.alpha, gamma=problem.gamma, dynamics=dynamics,
               method=method, threshold=threshold, progress=progress)
