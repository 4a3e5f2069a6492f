"""The explorer's model: its parameters in, the numbers of its three panels out (no widgets).

:class:`Settings` holds the sliders' values, checked against their ranges;
:func:`panels` computes everything the three panels of
:class:`rmtdyn.explorer.Explorer` show (theory curves, optimal stopping, the
:math:`t = \\infty` levels, the Marčenko–Pastur spectrum with its atom and spike,
:math:`E^2/V` against its bound) as a :class:`Panels` result, and :func:`info_html`
its summary line.  The view (:mod:`rmtdyn.explorer`) only draws these numbers, so
they can be tested, and used, without ipywidgets or matplotlib.
"""

from dataclasses import dataclass
import functools
import math

import numpy as np

from . import _checks, spectrum
from ._json import Result
from .params import Problem, gd_step_is_stable
from .theory import cauchy_schwarz_bound, limits, optimal_stopping, predict

__all__ = ["Settings", "Panels", "panels", "info_html", "C_RANGE", "MU2_RANGE", "SIGMA2_RANGE",
           "ALPHA_RANGE", "LOG10_T_RANGE"]

C_RANGE = (0.05, 20.0)
"""Range of the dimension ratio slider (log scale)."""
MU2_RANGE = (0.05, 50.0)
"""Range of the signal strength slider :math:`\\|\\mu\\|^2` (log scale)."""
SIGMA2_RANGE = (0.0, 5.0)
"""Range of the initialisation variance slider."""
ALPHA_RANGE = (1e-3, 1.0)
"""Range of the learning-rate slider (log scale)."""
LOG10_T_RANGE = (-2.0, 10.0)
"""Range of the time window, in :math:`\\log_{10} t` (the slider's and the model's one bound; the
theory's adaptive rule holds to :math:`t = 10^{10}`, also at :math:`c = 1`)."""


_ERROR_TOPS = (0.06, 0.12, 0.25, 0.55)  # y-limits of the error panel (a coarse ladder, see _render)


def _nice_ceil(x):
    # smallest of 1, 1.5, 2, 3, 5, 7 times a power of ten that is >= x (x > 0)
    k = math.floor(math.log10(x))
    for m in (1.0, 1.5, 2.0, 3.0, 5.0, 7.0, 10.0):
        if m * 10.0 ** k >= x * (1 - 1e-12):
            return m * 10.0 ** k
    return 10.0 ** (k + 1)  # pragma: no cover


@functools.lru_cache(maxsize=64)
def _mp_curve(c, points=240):
    # The MP density on a grid refined at both edges (Chebyshev spacing), cached per c:
    # the spectrum panel only depends on c, mu2 (the spike) and nothing else.
    lm, lp = spectrum.mp_edges(c)
    theta = np.linspace(0.0, np.pi, points)
    x = lm + 0.5 * (lp - lm) * (1 - np.cos(theta))
    dens = spectrum.mp_density(x, c)
    x.flags.writeable = False
    dens.flags.writeable = False
    return x, dens


def _in_range(value, name, bounds):
    return _checks.real_scalar(value, name, low=bounds[0], high=bounds[1], low_inclusive=True,
                               high_inclusive=True, allowed=f"{bounds[0]:g} <= {name} <= {bounds[1]:g}")


def _field(result, name):
    # limits() gives a dict or a result object, depending on the library version
    return result[name] if isinstance(result, dict) else getattr(result, name)


@dataclass(frozen=True, eq=False)
class Settings(Result):
    """The explorer's parameters (the sliders), checked against their ranges.

    Examples
    --------
    >>> st = Settings(c=2.0, log10_t=(0, 3), dynamics="gd")
    >>> st.times(5).tolist(), st.window()
    ([1.0, 6.0, 32.0, 178.0, 1000.0], (1.0, 1000.0))
    """

    c: float = 0.5
    mu2: float = 4.0
    sigma2: float = 0.1
    alpha: float = 0.01
    log10_t: tuple = (0.0, 5.0)
    dynamics: str = "flow"

    def __post_init__(self):
        set_ = functools.partial(object.__setattr__, self)
        set_("c", _in_range(self.c, "c", C_RANGE))
        set_("mu2", _in_range(self.mu2, "mu2", MU2_RANGE))
        set_("sigma2", _in_range(self.sigma2, "sigma2", SIGMA2_RANGE))
        set_("alpha", _in_range(self.alpha, "alpha", ALPHA_RANGE))
        try:
            lo, hi = (float(v) for v in self.log10_t)
        except (TypeError, ValueError):
            raise _checks.ArgumentTypeError(f"log10_t must be a pair (a, b) of numbers; got {self.log10_t!r}") from None
        if not (LOG10_T_RANGE[0] <= lo < hi <= LOG10_T_RANGE[1]):
            raise ValueError(f"log10_t must satisfy {LOG10_T_RANGE[0]:g} <= a < b <= {LOG10_T_RANGE[1]:g}; "
                             f"got {self.log10_t!r}")
        set_("log10_t", (lo, hi))
        set_("dynamics", _checks.dynamics(self.dynamics))

    @property
    def problem(self):
        """The asymptotic :class:`~rmtdyn.Problem` (only :math:`c`)."""
        return Problem(c=self.c, mu2=self.mu2, sigma2=self.sigma2, alpha=self.alpha)

    def times(self, points):
        """``points`` log-spaced times of the window (unique step counts >= 1 for GD)."""
        points = _checks.positive_int(points, "points")
        t = np.geomspace(10.0 ** self.log10_t[0], 10.0 ** self.log10_t[1], points)
        if self.dynamics == "gd":
            t = np.unique(np.maximum(1.0, np.round(t)))
        return t

    def window(self):
        """The plotted time interval ``(tmin, tmax)`` (at least one step for GD)."""
        tmin, tmax = 10.0 ** self.log10_t[0], 10.0 ** self.log10_t[1]
        if self.dynamics == "gd":
            tmin = max(tmin, 1.0)
            tmax = max(tmax, 1.5 * tmin)
        return tmin, tmax

    def simulation_problem(self, p):
        """The finite problem simulated: ``p`` fixed, ``n = round(p/c)`` (at least 2)."""
        p = _checks.positive_int(p, "p", minimum=2)
        return Problem(p=p, n=max(2, int(round(p / self.c))), mu2=self.mu2, sigma2=self.sigma2,
                       alpha=self.alpha)


@dataclass(frozen=True, eq=False)
class Panels(Result):
    """Every number the explorer's three panels show, for one :class:`Settings`.

    ``unstable`` is the message when GD with this step diverges (then the error
    curves, ``prediction`` and ``stopping`` are empty / ``None``).  ``t_opt`` is
    ``None`` unless :math:`0 < t^\\star < \\infty`; ``atom`` and ``spike`` are ``None``
    when not present; ``snr`` is :math:`E^2/V` divided by ``cs_bound``; ``spectrum_peak`` is the
    height the density is shown to (clipped at 1.2 near :math:`c = 1`, or the atom's mass).
    """

    settings: Settings
    problem: Problem
    t: np.ndarray
    test_error: np.ndarray
    train_error: np.ndarray
    snr: np.ndarray
    cs_bound: float
    xlim: tuple
    error_top: float
    mp_x: np.ndarray
    mp_density: np.ndarray
    atom: float | None
    spike: float | None
    spectrum_xlim: tuple
    spectrum_top: float
    spectrum_peak: float
    test_error_inf: float | None = None
    train_error_inf: float | None = None
    t_opt: float | None = None
    test_error_opt: float | None = None
    unstable: str | None = None
    prediction: object = None
    stopping: object = None


def panels(settings, *, points=200):
    """The numbers of the three panels for ``settings``: the explorer's model, without widgets.

    Notes
    -----
    Every number comes from the library: :func:`rmtdyn.predict`,
    :func:`rmtdyn.theory.optimal_stopping`, :func:`rmtdyn.limits`, the
    Marčenko–Pastur law of :mod:`rmtdyn.spectrum`, and the bound

    .. math::

        \\frac{E^2}{V} \\le \\frac{\\|\\mu\\|^4}{\\|\\mu\\|^2 + c}

    of book chapter 7.

    Examples
    --------
    >>> pn = panels(Settings(c=2.0, mu2=4.0), points=20)
    >>> pn.atom, round(pn.spike, 4), pn.t_opt is not None, pn.unstable
    (0.5, 7.5, True, None)
    """
    if not isinstance(settings, Settings):
        raise _checks.ArgumentTypeError(f"settings must be an rmtdyn.explorer.Settings; got {type(settings).__name__}")
    points = _checks.positive_int(points, "points", minimum=10)
    problem = settings.problem
    t = settings.times(points)
    # (b) spectrum: depends on c and mu2 only
    x, dens = _mp_curve(problem.c)
    atom = spectrum.mp_atom(problem.c)
    # near c = 1 the density blows up like x^(-1/2) at the left edge: clip the view there
    top = min(float(dens.max()), 1.2)
    if atom > 0:
        top = max(top, atom)
    spike = problem.spike if problem.spike_isolated else None
    xr = _nice_ceil(1.08 * (problem.lambda_plus if spike is None else spike) + 0.05)
    common = dict(settings=settings, problem=problem, t=t, mp_x=x, mp_density=dens,
                  atom=float(atom) if atom > 0 else None, spike=spike, spectrum_xlim=(-0.04 * xr, xr),
                  spectrum_top=_nice_ceil(1.35 * top), spectrum_peak=top, xlim=settings.window(),
                  cs_bound=cauchy_schwarz_bound(problem))
    if settings.dynamics == "gd" and not gd_step_is_stable(problem.alpha, problem.lambda_max, problem.gamma):
        empty = np.array([])
        return Panels(**common, test_error=empty, train_error=empty, snr=empty, error_top=_ERROR_TOPS[-1],
                      unstable=(f"α = {problem.alpha:.3g} is unstable for gradient descent here: "
                                f"it needs α < 2/λ_max = {problem.max_stable_alpha:.3g}."))
    # (a) errors and (c) E^2/V: depend on everything
    pr = predict(problem, t, dynamics=settings.dynamics)
    opt = optimal_stopping(problem, dynamics=settings.dynamics)
    lim = limits(problem)
    test_inf, train_inf = float(_field(lim, "test_error")), float(_field(lim, "train_error"))
    finite_opt = 0.0 < opt.t_opt < math.inf
    top = max(float(np.nanmax(pr.test_error)), float(np.nanmax(pr.train_error)), test_inf, train_inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        snr = np.where(pr.V > 0, pr.E ** 2 / pr.V, np.nan)
    return Panels(**common, test_error=pr.test_error, train_error=pr.train_error,
                  snr=snr / common["cs_bound"],
                  error_top=next(v for v in _ERROR_TOPS if v >= min(1.1 * top, _ERROR_TOPS[-1])),
                  test_error_inf=test_inf, train_error_inf=train_inf,
                  t_opt=float(opt.t_opt) if finite_opt else None,
                  test_error_opt=float(opt.test_error_opt) if finite_opt else None,
                  prediction=pr, stopping=opt)


def info_html(pn):
    """The explorer's summary line for :class:`Panels` ``pn`` (HTML)."""
    if pn.unstable is not None:
        return ""
    problem, opt, unit = pn.problem, pn.stopping, pn.settings.dynamics
    tmin, tmax = pn.xlim
    if opt.t_opt == math.inf:
        stop = "t* = ∞: stopping early gains nothing"
    elif opt.t_opt == 0:
        stop = "t* → 0⁺ (σ² = 0: the first step is the best)"
    else:
        where = "" if tmin <= opt.t_opt <= tmax else " (outside the time window)"
        stop = f"t* = {opt.t_opt:.4g}" + (" steps" if unit == "gd" else "") + where
    return (
        f"<b>{stop}</b>; test error at t*: {opt.test_error_opt:.4f}, at t = ∞: {opt.test_error_inf:.4f}; "
        f"training error at t = ∞: {opt.train_error_inf:.4f}. "
        f"Spectrum: bulk [{problem.lambda_minus:.3g}, {problem.lambda_plus:.3g}]"
        + (f", mass {1 - 1 / problem.c:.3g} at 0" if problem.c > 1 else "")
        + (f", spike λs = {problem.spike:.3g} isolated (‖μ‖⁴ = {problem.mu2 ** 2:.3g} > c)"
           if problem.spike_isolated else
           f", no isolated spike (‖μ‖⁴ = {problem.mu2 ** 2:.3g} ≤ c = {problem.c:.3g})")
        + f". Cauchy–Schwarz bound on E²/V: {pn.cs_bound:.4g}."
        + (f" GD needs α < {problem.max_stable_alpha:.3g}." if unit == "gd" else ""))
