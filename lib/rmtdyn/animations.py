"""Animations of the book: time (or the ratio c) as a scrubbable frame, for the static HTML book.

Each function returns a :class:`matplotlib.animation.FuncAnimation` whose frames are
computed by the rest of the library (one source of truth): :func:`rmtdyn.dynamics.weights`
for a training run, :func:`rmtdyn.predict` for the theory.  :func:`jshtml` turns an
animation into the self-contained JavaScript player (PNG frames embedded in the
page, play/step buttons and a slider) that the book shows; it needs no kernel and
fetches nothing.

The figures are created without :mod:`matplotlib.pyplot` (a bare
:class:`matplotlib.figure.Figure`), so a notebook cell that builds an animation does
not also print a static copy of its first frame.  Frames are small on purpose
(``dpi`` 80 by default, a few tens of frames): every frame is a PNG inside the HTML page.
"""

import re

import numpy as np

from . import _checks
from .data import gaussian_mixture
from . import dynamics as _dynamics
from .dynamics import _check_xyw, draw_run, weights
from .params import Problem
from .theory import limits, optimal_stopping, predict

__all__ = ["jshtml", "animate_eigendirections", "animate_statistic", "animate_c_sweep"]

# <link> tags to external style sheets (matplotlib's player links Font Awesome on a CDN).
_EXTERNAL_LINK = re.compile(r"<link\b[^>]*\bhref=[\"']?(?:https?:)?//[^>]*>\s*", re.IGNORECASE)

#: Largest size of one embedded animation, in MB (matplotlib's ``animation.embed_limit``).
EMBED_LIMIT_MB = 20.0


def _frame_times(t, name="t"):
    t = _checks.times(t, name)
    if t.size < 2:
        raise ValueError(f"{name} must hold at least 2 times (one frame each); got {t.size}")
    if not np.isfinite(t).all():
        raise ValueError(f"{name} must be finite (one frame per finite time); got {t.tolist()}")
    return t


def _figure(figsize, dpi):
    dpi = _checks.real_scalar(dpi, "dpi", low=10, high=300, low_inclusive=True,
                              allowed="dpi in [10, 300]")
    from matplotlib.figure import Figure  # on use: `import rmtdyn.animations` stays light
    return Figure(figsize=figsize, dpi=dpi, layout="constrained")


def _animation(fig, update, frames, interval):
    from matplotlib.animation import FuncAnimation
    anim = FuncAnimation(fig, update, frames=frames, interval=interval, blit=False)
    # Every frame is computed before the animation exists and the figure is not managed by
    # pyplot, so dropping an animation unrendered loses nothing: silence matplotlib's
    # "deleted without rendering" warning, meant for pyplot windows.
    anim._draw_was_started = True
    return anim


def _interval(interval):
    return _checks.real_scalar(interval, "interval", low=0, allowed="interval > 0 (milliseconds)")


def jshtml(anim, *, default_mode="once", embed_limit=EMBED_LIMIT_MB):
    """The animation as an HTML/JavaScript player, for display in a notebook or the book.

    A thin wrapper of :meth:`matplotlib.animation.Animation.to_jshtml` that raises the
    embedding limit to ``embed_limit`` MB (matplotlib's default, 20 MB, applies
    otherwise) and returns an :class:`IPython.display.HTML` object.  The frames are
    rendered at the figure's own ``dpi``.  matplotlib's player links a Font Awesome
    style sheet from a CDN for its button icons; that link is removed, so the page
    fetches nothing (the book's theme provides Font Awesome; elsewhere the buttons keep
    their titles).

    Parameters
    ----------
    anim : matplotlib.animation.Animation
    default_mode : {"once", "loop", "reflect"}
        What the player does at the last frame.
    embed_limit : float
        Largest size of the embedded frames, in MB.

    Returns
    -------
    IPython.display.HTML

    Notes
    -----
    The page holds every frame as a base64 PNG, so its size is about
    :math:`\\tfrac43 \\sum_k |\\mathrm{png}_k|`: choose few frames and a small ``dpi``.

    Examples
    --------
    >>> anim = animate_c_sweep([0.5, 2.0], mu2=4.0, sigma2=0.1, alpha=0.01, t=[1.0, 10.0, 100.0])
    >>> html = jshtml(anim)
    >>> html.data.count("data:image/png;base64"), "https://" in html.data
    (2, False)
    """
    from matplotlib import animation, rc_context
    from IPython.display import HTML
    if not isinstance(anim, animation.Animation):
        raise _checks.ArgumentTypeError(f"anim must be a matplotlib Animation; got {type(anim).__name__}")
    if default_mode not in ("once", "loop", "reflect"):
        raise ValueError(f"default_mode must be 'once', 'loop' or 'reflect'; got {default_mode!r}")
    embed_limit = _checks.real_scalar(embed_limit, "embed_limit", low=0, allowed="embed_limit > 0 (MB)")
    with rc_context({"animation.embed_limit": embed_limit}):
        html = anim.to_jshtml(default_mode=default_mode)
    return HTML(_EXTERNAL_LINK.sub("", html))


def animate_eigendirections(X, y, w0, *, alpha, t, dynamics="flow", figsize=(6.4, 3.6), dpi=80,
                            interval=250):
    """The coefficients of the weights along every eigenvector of :math:`M`, frame by frame in t.

    One point per eigenvector :math:`u_j` of :math:`M = XX^T/n`: at eigenvalue
    :math:`\\lambda_j` (horizontal axis) the coefficient :math:`s_j\\,u_j^T w(t)` (filled)
    and its limit :math:`s_j\\,u_j^T w(\\infty)` (open), each direction oriented by the
    sign :math:`s_j` of its limit.  A vertical line marks :math:`\\lambda = 1/(\\alpha t)`:
    directions to its right have covered most of their way (gradient flow).

    Parameters
    ----------
    X : ndarray, shape (p, n)
    y : ndarray, shape (n,)
    w0 : ndarray, shape (p,)
        One training run (e.g. from :func:`rmtdyn.dynamics.draw_run`).
    alpha : float
        Learning rate.
    t : array_like
        Finite times (flow) or step counts (GD), one frame each, in the order shown.
    dynamics : {"flow", "gd"}
    figsize : (float, float)
    dpi : float
        Resolution of the frames.
    interval : float
        Delay between frames when playing, in ms.

    Returns
    -------
    matplotlib.animation.FuncAnimation
        ``frames = len(t)``; frame ``k`` shows ``weights(X, y, w0, alpha=alpha, t=[t[k]])``.

    Notes
    -----
    By the closed form (book eq. ``w-closed-form``),

    .. math::

        u_j^T w(t) = f_t(\\lambda_j)\\,u_j^T w_0 + g_t(\\lambda_j)\\,u_j^T\\frac{Xy}{n},

    and for gradient flow :math:`f_t(\\lambda) = e^{-\\alpha t\\lambda}` (eq.
    ``dyn-coefficient``): the gap to the limit shrinks by :math:`e^{-1}` at
    :math:`t = 1/(\\alpha\\lambda_j)`.

    Examples
    --------
    >>> X, y, mu, w0 = draw_run(Problem(p=8, n=16, mu2=4.0, sigma2=0.1), rng=0)
    >>> anim = animate_eigendirections(X, y, w0, alpha=0.1, t=[1.0, 10.0, 100.0])
    >>> len(list(anim.new_frame_seq()))
    3
    """
    X, y, w0 = _check_xyw(X, y, w0)
    t = _frame_times(t)
    interval = _interval(interval)
    W = weights(X, y, w0, alpha=alpha, t=t, dynamics=dynamics)   # validates alpha, dynamics
    w_inf = weights(X, y, w0, alpha=alpha, t=[np.inf], dynamics=dynamics)[0]
    p, n = X.shape
    lam, U = np.linalg.eigh(X @ X.T / n)
    lam = np.clip(lam, 0.0, None)
    target = U.T @ w_inf
    sign = np.where(target < 0, -1.0, 1.0)
    coef = sign * (W @ U)                                   # shape (T, p)
    target = sign * target

    fig = _figure(figsize, dpi)
    ax = fig.add_subplot()
    ax.scatter(lam, target, s=14, facecolors="none", edgecolors="0.55", lw=0.8,
               label=r"limit $s_j u_j^{\mathsf{T}} w(\infty)$")
    points = ax.scatter(lam, coef[0], s=10, color="C3", label=r"$s_j u_j^{\mathsf{T}} w(t)$")
    lo = min(coef.min(), target.min())
    hi = max(coef.max(), target.max())
    pad = 0.05 * (hi - lo)
    ax.set_ylim(lo - pad, hi + pad)
    ax.set_xlim(0.0, lam.max() * 1.05)
    front = ax.axvline(np.inf, color="C0", ls="--", lw=1, label=r"$\lambda = 1/(\alpha t)$")
    unit = "k" if dynamics == "gd" else "t"
    stamp = ax.text(0.98, 0.04, "", transform=ax.transAxes, ha="right", va="bottom")
    ax.set_xlabel(r"eigenvalue $\lambda_j$ of $M = XX^{\mathsf{T}}/n$")
    ax.set_ylabel("coefficient along $u_j$")
    ax.legend(frameon=False, loc="upper left", fontsize=9)

    def update(k):
        points.set_offsets(np.column_stack([lam, coef[k]]))
        x_front = 1.0 / (alpha * t[k]) if t[k] > 0 else np.inf
        front.set_xdata([x_front, x_front])
        stamp.set_text(f"${unit} = {t[k]:.3g}$")
        return points, front, stamp

    update(0)
    return _animation(fig, update, t.size, interval)


def animate_statistic(problem, t, *, n_test=4000, rng=0, seed=None, bins=50, dynamics="flow",
                      figsize=(6.4, 3.6), dpi=80, interval=250):
    """Histograms of the test statistic :math:`w(t)^T\\hat x` of both classes against the theorem.

    One training run and ``n_test`` fresh test points are drawn once (from ``seed``);
    frame ``k`` shows the histogram of :math:`w(t_k)^T\\hat x` for each class and the two
    Gaussian densities the theorem predicts.

    Parameters
    ----------
    problem : Problem
        Needs ``p`` and ``n`` (a run is simulated).
    t : array_like
        Finite times (flow) or step counts (GD), one frame each.
    n_test : int
        Number of test points (half of each class).
    rng : int, numpy.random.Generator or None, default 0
        An int ``s`` seeds the run (``draw_run(problem, rng=s)``) and, with ``s + 1``, the
        test points; a ``Generator`` (or ``None``, fresh entropy) draws both in turn.
        ``seed`` is its older name.
    bins : int
        Number of histogram bins (the same edges in every frame).
    dynamics : {"flow", "gd"}
    figsize, dpi, interval
        As in :func:`animate_eigendirections`.

    Returns
    -------
    matplotlib.animation.FuncAnimation

    Notes
    -----
    By the theorem (book eq. ``thm-test-predictions``), for a test point of class
    :math:`\\hat y = \\pm 1`,

    .. math::

        w(t)^T\\hat x \\approx \\mathcal N\\big(\\hat y\\,E(t),\\, V(t)\\big),\\qquad
        \\text{test error} = Q\\big(E(t)/\\sqrt{V(t)}\\big).

    Examples
    --------
    >>> pb = Problem(p=32, n=64, mu2=4.0, sigma2=0.1, alpha=0.01)
    >>> anim = animate_statistic(pb, [10.0, 100.0], n_test=200, rng=0)
    >>> len(list(anim.new_frame_seq()))
    2
    """
    if not isinstance(problem, Problem):
        raise _checks.ArgumentTypeError(f"problem must be an rmtdyn.Problem; got {type(problem).__name__}")
    if problem.p is None or problem.n is None:
        raise ValueError("problem must have p and n set (a training run is simulated)")
    t = _frame_times(t)
    n_test = _checks.positive_int(n_test, "n_test", minimum=2)
    if seed is not None:  # the older name, which replaces the default rng=0
        if not (isinstance(rng, int) and rng == 0):
            raise ValueError("animate_statistic takes rng or its older name seed, not both")
        rng = seed
    if rng is None or isinstance(rng, np.random.Generator):
        rng_run = rng_test = _checks.generator(rng)
    else:
        rng_run = _checks.generator(rng)
        rng_test = _checks.generator(int(rng) + 1)
    bins = _checks.positive_int(bins, "bins", minimum=2)
    interval = _interval(interval)
    X, y, mu, w0 = draw_run(problem, rng=rng_run)
    W = weights(X, y, w0, alpha=problem.alpha, t=t, dynamics=dynamics)
    X_test, y_test, mu_test = gaussian_mixture(problem.p, n_test, problem.mu2, rng=rng_test)
    if not np.array_equal(mu_test, mu):   # pragma: no cover - the sampler fixes mu = ||mu|| e_1
        raise RuntimeError("test points and training data must share the class mean")
    stat = W @ X_test                                           # shape (T, n_test)
    theory = predict(problem, t, dynamics=dynamics)
    E, sd = theory.E, np.sqrt(theory.V)
    err_run = _dynamics.test_error(W, mu)

    lo, hi = np.quantile(stat, [0.001, 0.999])
    lo, hi = min(lo, -hi), max(hi, -lo)                         # symmetric about 0
    edges = np.linspace(lo, hi, bins + 1)
    x = np.linspace(lo, hi, 400)
    hist = np.stack([[np.histogram(s[y_test == cls], bins=edges, density=True)[0]
                      for cls in (-1, 1)] for s in stat])      # shape (T, 2, bins)
    from scipy.stats import norm  # on use, as matplotlib: `import rmtdyn.animations` stays light
    pdf = np.stack([[norm.pdf(x, cls * E[k], sd[k]) for cls in (-1, 1)] for k in range(t.size)])

    fig = _figure(figsize, dpi)
    ax = fig.add_subplot()
    steps, curves = [], []
    for i, (cls, color) in enumerate(zip((-1, 1), ("C0", "C1"))):
        steps.append(ax.stairs(hist[0, i], edges, fill=True, alpha=0.35, color=color,
                               label=f"class {cls:+d}, one run"))
        curves.append(ax.plot(x, pdf[0, i], color=color, lw=2,
                              label=r"$\mathcal{N}(" + ("-" if cls < 0 else "+") + r"E, V)$, theorem")[0])
    ax.axvline(0.0, color="0.5", lw=0.8)
    ax.set_xlim(lo, hi)
    ax.set_ylim(0.0, 1.08 * max(hist.max(), pdf.max()))
    unit = "k" if dynamics == "gd" else "t"
    stamp = ax.text(0.98, 0.97, "", transform=ax.transAxes, ha="right", va="top", fontsize=9)
    ax.set_xlabel(r"test statistic $w(t)^{\mathsf{T}}\hat x$")
    ax.set_ylabel("density")
    ax.legend(frameon=False, loc="upper left", fontsize=8)

    def update(k):
        for i in range(2):
            steps[i].set_data(values=hist[k, i])
            curves[i].set_ydata(pdf[k, i])
        stamp.set_text(f"${unit} = {t[k]:.3g}$\ntest error: theory {theory.test_error[k]:.3f}, "
                       f"run {err_run[k]:.3f}")
        return (*steps, *curves, stamp)

    update(0)
    return _animation(fig, update, t.size, interval)


def animate_c_sweep(c, *, mu2, sigma2, alpha, t, dynamics="flow", figsize=(7.6, 3.0), dpi=80,
                    interval=250):
    """Theoretical learning curves as the ratio :math:`c = p/n` sweeps a grid (e.g. through 1).

    Left: test and training error against time for the frame's :math:`c`, with the
    optimal stopping time :math:`t^\\star` and the error at :math:`t = \\infty`.
    Right: the test error at :math:`t = \\infty` and at :math:`t^\\star` against
    :math:`c`, with the frame's :math:`c` marked.

    Parameters
    ----------
    c : array_like
        Values of :math:`c > 0`, one frame each, in the order shown.
    mu2, sigma2, alpha : float
        The other parameters of :class:`rmtdyn.Problem`.
    t : array_like
        Finite times > 0 of the curves (log axis).
    figsize, dpi, interval
        As in :func:`animate_eigendirections`.
    dynamics : {"flow", "gd"}

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Frame ``k`` shows ``predict(Problem(c=c[k], ...), t)``.

    Notes
    -----
    The curves are :math:`Q(E/\\sqrt V)` and
    :math:`Q(E_\\mathrm{tr}/\\sqrt{V_\\mathrm{tr} - E_\\mathrm{tr}^2})` of the theorem
    (book eqs. ``thm-test-predictions``, ``thm-train-predictions``); :math:`t^\\star` is
    eq. ``t-star``.  At :math:`c = 1` the late-time test error is :math:`1/2`.

    Examples
    --------
    >>> anim = animate_c_sweep([0.5, 1.0, 2.0], mu2=4.0, sigma2=0.1, alpha=0.01, t=[1.0, 10.0, 100.0])
    >>> len(list(anim.new_frame_seq()))
    3
    """
    try:
        c = np.asarray(c, dtype=float)
    except (TypeError, ValueError):
        raise _checks.ArgumentTypeError(f"c must be a sequence of ratios c > 0; got {c!r}") from None
    if c.ndim != 1 or c.size < 2:
        raise ValueError(f"c must be a 1-D sequence of at least 2 ratios c > 0; got shape {c.shape}")
    if not (np.isfinite(c).all() and (c > 0).all()):
        raise ValueError(f"c must hold finite ratios c > 0; got {c.tolist()}")
    t = _frame_times(t)
    if (t <= 0).any():
        raise ValueError("t must be > 0 (the time axis is logarithmic)")
    interval = _interval(interval)
    problems = [Problem(c=ck, mu2=mu2, sigma2=sigma2, alpha=alpha) for ck in c]   # validates
    preds = [predict(pb, t, dynamics=dynamics) for pb in problems]
    test = np.stack([pr.test_error for pr in preds])
    train = np.stack([pr.train_error for pr in preds])
    stops = [optimal_stopping(pb, dynamics=dynamics) for pb in problems]
    t_opt = np.array([s.t_opt for s in stops])
    err_opt = np.array([s.test_error_opt for s in stops])
    err_inf = np.array([limits(pb)["test_error"] for pb in problems])

    fig = _figure(figsize, dpi)
    ax, bx = fig.subplots(1, 2, width_ratios=(1.4, 1))
    test_line, = ax.plot(t, test[0], color="C0", lw=2, label="test error")
    train_line, = ax.plot(t, train[0], color="C1", lw=2, ls="--", label="training error")
    inf_line = ax.axhline(err_inf[0], color="C3", lw=1, ls=":", label=r"test error at $t = \infty$")
    opt_mark, = ax.plot([], [], "o", color="C0", mfc="white", label=r"$t^\star$")
    ax.set_xscale("log")
    ax.set_xlim(t.min(), t.max())
    ax.set_ylim(0.0, 0.52)
    unit = "step $k$" if dynamics == "gd" else "time $t$"
    ax.set_xlabel(f"training {unit}")
    ax.set_ylabel("misclassification rate")
    ax.legend(frameon=False, loc="lower left", fontsize=8)
    stamp = ax.text(0.98, 0.97, "", transform=ax.transAxes, ha="right", va="top")
    order = np.argsort(c)
    bx.plot(c[order], err_inf[order], color="C3", lw=1.5, label=r"$t = \infty$")
    bx.plot(c[order], err_opt[order], color="C0", lw=1.5, label=r"$t = t^\star$")
    now = bx.axvline(c[0], color="0.4", lw=1)
    bx.set_xscale("log")
    from matplotlib.ticker import NullFormatter
    bx.xaxis.set_minor_formatter(NullFormatter())
    bx.set_ylim(0.0, 0.52)
    bx.set_xlabel(r"$c = p/n$")
    bx.set_ylabel("test error")
    bx.legend(frameon=False, loc="upper right", fontsize=8)

    def update(k):
        test_line.set_ydata(test[k])
        train_line.set_ydata(train[k])
        inf_line.set_ydata([err_inf[k], err_inf[k]])
        if np.isfinite(t_opt[k]) and t.min() <= t_opt[k] <= t.max():
            opt_mark.set_data([t_opt[k]], [err_opt[k]])
        else:
            opt_mark.set_data([], [])
        now.set_xdata([c[k], c[k]])
        stamp.set_text(f"$c = {c[k]:.2f}$")
        return test_line, train_line, inf_line, opt_mark, now, stamp

    update(0)
    return _animation(fig, update, c.size, interval)
