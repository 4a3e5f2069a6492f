"""A live explorer of the theory (ipywidgets): sliders in, three panels out.

:class:`Explorer` puts sliders on :math:`c`, :math:`\\|\\mu\\|^2`, :math:`\\sigma^2`,
:math:`\\alpha`, the time range and the choice gradient flow / gradient descent,
and redraws after every change:

(a) the theory test and training errors against :math:`t`
    (:func:`rmtdyn.predict`), the optimal stopping time
    (:func:`rmtdyn.theory.optimal_stopping`) and the :math:`t = \\infty` levels
    (:func:`rmtdyn.limits`);
(b) the spectrum of :math:`XX^T/n`: the Marčenko–Pastur density
    (:func:`rmtdyn.spectrum.mp_density`), its point mass at 0 when :math:`c > 1`
    (:func:`rmtdyn.spectrum.mp_atom`) and the spike :math:`\\lambda_s` when it is
    isolated (:attr:`rmtdyn.Problem.spike_isolated`);
(c) :math:`E^2/V` against its Cauchy–Schwarz bound
    (:func:`rmtdyn.theory.cauchy_schwarz_bound`).

A *Simulate* button runs :func:`rmtdyn.simulate` in a background thread with a
progress bar and overlays the Monte-Carlo means :math:`\\pm` one standard error on
panel (a).  Results are drawn only if no parameter changed while they were being
computed (a generation counter); otherwise they are discarded and the status line
says so.

The figure is a plain :class:`matplotlib.figure.Figure` drawn by the Agg backend
and shown as a PNG in an :class:`ipywidgets.Image`, so the same code runs in
JupyterLab (live), under ``%matplotlib inline`` (the static book shows
:attr:`Explorer.figure`) and in tests.  Nothing here re-derives a formula: every
number comes from the functions named above, through the explorer's model
:mod:`rmtdyn.panels` (:class:`Settings` in, :class:`Panels` out); this module is its view.
"""

import io
import math
import threading

import numpy as np

from . import _checks
from .montecarlo import simulate
from .params import gd_step_is_stable
from .panels import (ALPHA_RANGE, C_RANGE, LOG10_T_RANGE, MU2_RANGE, SIGMA2_RANGE, Panels, Settings,
                     info_html, panels)

__all__ = ["Explorer", "Settings", "Panels", "panels", "info_html", "C_RANGE", "MU2_RANGE", "SIGMA2_RANGE",
           "ALPHA_RANGE", "LOG10_T_RANGE"]


class _Stale(Exception):
    """Raised inside a simulation's progress callback to abandon a stale run."""


def _log_slider(widgets, value, bounds, description, step, fmt):
    return widgets.FloatLogSlider(value=value, base=10, min=math.log10(bounds[0]),
                                  max=math.log10(bounds[1]), step=step, description=description,
                                  readout_format=fmt, continuous_update=False,
                                  style={"description_width": "5.5em"},
                                  layout=widgets.Layout(width="24em"))


class Explorer:
    """Interactive explorer of the theory with optional Monte-Carlo overlay.

    Parameters
    ----------
    c : float, default 0.5
        Initial dimension ratio :math:`p/n`, in :data:`C_RANGE`.
    mu2 : float, default 4.0
        Initial signal strength :math:`\\|\\mu\\|^2`, in :data:`MU2_RANGE`.
    sigma2 : float, default 0.1
        Initial initialisation variance, in :data:`SIGMA2_RANGE`.
    alpha : float, default 0.01
        Initial learning rate, in :data:`ALPHA_RANGE`.
    log10_t : (float, float), default (0, 5)
        Initial time window :math:`[10^a, 10^b]` (step counts for GD), within
        :data:`LOG10_T_RANGE`.
    dynamics : {"flow", "gd"}, default "flow"
        Gradient flow or discrete gradient descent.
    points : int, default 200
        Number of log-spaced times of the theory curves (fewer, unique integers
        for GD).
    p : int, default 200
        Dimension of the simulated problems; :math:`n = \\mathrm{round}(p/c)`.
    runs : int, default 20
        Monte-Carlo runs per press of *Simulate*.
    seed : int, default 0
        Seed of the Monte Carlo (:func:`rmtdyn.simulate`).
    sim_points : int, default 9
        Number of log-spaced times of the simulation markers.
    figsize : (float, float), default (12.0, 4.2)
        Figure size in inches.
    dpi : int, default 80
        Resolution of the displayed PNG.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The whole explorer (also shown by displaying the object).
    figure : matplotlib.figure.Figure
        The three-panel figure (display it for a static picture).
    sliders : dict
        The controls: ``c``, ``mu2``, ``sigma2``, ``alpha``, ``log10_t``, ``dynamics``.
    button, progress, status, image
        The *Simulate* button, its progress bar, the status line and the image.

    Notes
    -----
    Every drawn number comes from the library: the curves of panel (a) are
    :func:`rmtdyn.predict` at :attr:`times`, the marker :math:`t^\\star` is
    :func:`rmtdyn.theory.optimal_stopping`, the horizontal levels are
    :func:`rmtdyn.limits` (book chapter 6, eq. ``t-infinity``); panel (c) is
    :math:`E(t)^2/V(t)` of the same prediction with the bound

    .. math::

        \\frac{E^2}{V} \\le \\frac{\\|\\mu\\|^4}{\\|\\mu\\|^2 + c}

    of book chapter 7.  With ``dynamics="gd"`` an unstable step
    :math:`\\alpha \\ge 2/\\lambda_{\\max}` (:meth:`rmtdyn.Problem.check_gd_step`)
    draws no curve and the status line says why.

    Examples
    --------
    >>> ex = Explorer(c=2.0, mu2=4.0, sigma2=0.1)
    >>> d = ex.plotted()
    >>> d["atom"], round(d["spike"], 4), d["t_opt"] is not None
    (0.5, 7.5, True)
    >>> ex.sliders["c"].value = 0.5
    >>> ex.plotted()["atom"] is None
    True
    """

    def __init__(self, *, c=0.5, mu2=4.0, sigma2=0.1, alpha=0.01, log10_t=(0.0, 5.0),
                 dynamics="flow", points=200, p=200, runs=20, seed=0, sim_points=9,
                 figsize=(12.0, 4.2), dpi=80):
        # imported here, not at module level: `import rmtdyn` (and its command line) stays light
        import ipywidgets as widgets
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        st = Settings(c=c, mu2=mu2, sigma2=sigma2, alpha=alpha, log10_t=log10_t, dynamics=dynamics)
        c, mu2, sigma2, alpha, (lo, hi), dynamics = (st.c, st.mu2, st.sigma2, st.alpha, st.log10_t,
                                                     st.dynamics)
        self._points = _checks.positive_int(points, "points", minimum=10)
        self._p = _checks.positive_int(p, "p", minimum=2)
        self._runs = _checks.positive_int(runs, "runs", minimum=2)
        self._seed = _checks.positive_int(seed, "seed", minimum=0)
        self._sim_points = _checks.positive_int(sim_points, "sim_points", minimum=1)
        dpi = _checks.positive_int(dpi, "dpi", minimum=10)

        self._lock = threading.RLock()
        self._generation = 0     # incremented at every parameter change
        self._sim_token = 0      # incremented at every press of Simulate
        self._thread = None
        self.simulation = None   # the Simulation drawn now (None if none)
        self.prediction = None
        self.stopping = None
        self.problem = None
        self.times = None

        self.sliders = {
            "c": _log_slider(widgets, c, C_RANGE, "c = p/n", 0.01, ".3g"),
            "mu2": _log_slider(widgets, mu2, MU2_RANGE, "‖μ‖²", 0.01, ".3g"),
            "sigma2": widgets.FloatSlider(value=sigma2, min=SIGMA2_RANGE[0], max=SIGMA2_RANGE[1],
                                          step=0.01, description="σ²", readout_format=".2f",
                                          continuous_update=False,
                                          style={"description_width": "5.5em"},
                                          layout=widgets.Layout(width="24em")),
            "alpha": _log_slider(widgets, alpha, ALPHA_RANGE, "α", 0.01, ".3g"),
            "log10_t": widgets.FloatRangeSlider(value=(lo, hi), min=LOG10_T_RANGE[0],
                                                max=LOG10_T_RANGE[1], step=0.1,
                                                description="log₁₀ t", readout_format=".1f",
                                                continuous_update=False,
                                                style={"description_width": "5.5em"},
                                                layout=widgets.Layout(width="24em")),
            "dynamics": widgets.ToggleButtons(options=[("gradient flow", "flow"),
                                                       ("gradient descent", "gd")],
                                              value=dynamics, description="dynamics",
                                              style={"description_width": "5.5em",
                                                     "button_width": "9em"}),
        }
        self.button = widgets.Button(description="Simulate", icon="play",
                                     tooltip=f"Monte Carlo: p = {self._p}, {self._runs} runs, seed {self._seed}")
        self.progress = widgets.IntProgress(value=0, min=0, max=self._runs, description="runs",
                                            layout=widgets.Layout(width="18em"))
        self.status = widgets.HTML(value="")
        self.info = widgets.HTML(value="")
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="100%", max_width=f"{figsize[0] * dpi}px"))

        # fixed margins (no layout engine): a constrained layout would cost more than the rest of a redraw
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.figure.subplots_adjust(left=0.05, right=0.99, bottom=0.12, top=0.77, wspace=0.22)
        FigureCanvasAgg(self.figure)
        self._blank, self._frames = None, {}
        self._build_axes()

        controls = widgets.HBox([
            widgets.VBox([self.sliders["c"], self.sliders["mu2"], self.sliders["sigma2"]]),
            widgets.VBox([self.sliders["alpha"], self.sliders["log10_t"], self.sliders["dynamics"]]),
        ])
        actions = widgets.HBox([self.button, self.progress, self.status])
        self.widget = widgets.VBox([controls, actions, self.image, self.info])
        self.widget.add_class("rmtdyn-explorer")

        for w in self.sliders.values():
            w.observe(self._on_change, names="value")
        self.button.on_click(lambda _b: self.simulate())
        self.update()

    # ------------------------------------------------------------------ figure
    def _build_axes(self):
        from matplotlib.collections import LineCollection

        fig = self.figure
        ax_err, ax_spec, ax_cs = fig.subplots(1, 3, width_ratios=(1.25, 1.0, 1.0))
        self.axes = {"error": ax_err, "spectrum": ax_spec, "snr": ax_cs}
        a = {}
        a["test"], = ax_err.plot([], [], color="C0", lw=2, label="test error (theory)")
        a["train"], = ax_err.plot([], [], color="C1", lw=2, label="training error (theory)")
        a["test_inf"] = ax_err.axhline(0.0, color="C0", ls=":", lw=1.2, label=r"$t=\infty$ levels")
        a["train_inf"] = ax_err.axhline(0.0, color="C1", ls=":", lw=1.2)
        a["t_opt_line"] = ax_err.axvline(1.0, color="k", ls="--", lw=1)
        a["t_opt"], = ax_err.plot([], [], "k*", ms=11, label=r"optimal stopping $t^\star$")
        a["sim_test"], = ax_err.plot([], [], "o", color="C0", mfc="white", mew=1.5, ms=5,
                                     label="test (simulation, mean ± SE)")
        a["sim_train"], = ax_err.plot([], [], "s", color="C1", mfc="white", mew=1.5, ms=5,
                                      label="training (simulation)")
        a["sim_test_se"] = LineCollection([], colors="C0", linewidths=1.5)
        a["sim_train_se"] = LineCollection([], colors="C1", linewidths=1.5)
        ax_err.add_collection(a["sim_test_se"])
        ax_err.add_collection(a["sim_train_se"])
        a["error_note"] = ax_err.text(0.02, 0.97, "", transform=ax_err.transAxes, va="top", ha="left",
                                      fontsize=9, color="C3")
        ax_err.set_xscale("log")
        ax_err.set_xlabel("training time $t$")
        ax_err.set_ylabel("misclassification rate")
        ax_err.legend(loc="lower left", bbox_to_anchor=(0.0, 1.02, 1.0, 0.3), ncols=2, fontsize=7.5, frameon=False)

        a["mp"], = ax_spec.plot([], [], color="C2", lw=2, label="Marčenko–Pastur density")
        a["atom"], = ax_spec.plot([], [], color="C4", lw=2.5, marker="o", ms=6,
                                  label=r"mass $1-1/c$ at 0")
        a["spike"], = ax_spec.plot([], [], color="C3", lw=2.5, marker="^", ms=7,
                                   label=r"isolated spike $\lambda_s$")
        ax_spec.set_xlabel(r"eigenvalue of $XX^{\mathsf{T}}/n$")
        ax_spec.set_ylabel("density / mass")
        ax_spec.legend(loc="lower left", bbox_to_anchor=(0.0, 1.02, 1.0, 0.3), ncols=2, fontsize=7.5, frameon=False)

        a["snr"], = ax_cs.plot([], [], color="C5", lw=2, label=r"$E(t)^2/V(t)$ over the bound")
        a["cs"] = ax_cs.axhline(1.0, color="k", ls="--", lw=1.2,
                                label=r"Cauchy–Schwarz bound $\|\mu\|^4/(\|\mu\|^2+c)$")
        a["snr_t_opt"] = ax_cs.axvline(1.0, color="k", ls=":", lw=1)
        ax_cs.set_xscale("log")
        ax_cs.set_xlabel("training time $t$")
        ax_cs.set_ylabel(r"$(E^2/V)\,/\,$bound")
        ax_cs.set_ylim(0.0, 1.08)
        ax_cs.legend(loc="lower left", bbox_to_anchor=(0.0, 1.02, 1.0, 0.3), ncols=1, fontsize=7.5, frameon=False)
        for name, keys in self._DYNAMIC.items():
            for k in keys:
                a[k].set_animated(True)
        self.artists = a

    # Redraw cost: on this kind of machine a full Agg draw of three panels costs ~0.2 s,
    # most of it rendering text (ticks, labels, legends).  So each panel's frame (axes,
    # ticks, legend) is drawn once per set of axis limits and cached as a bitmap; a change
    # of parameters restores the cached frames and draws only the data artists (which
    # are "animated", i.e. left out of the frames).  Limits come from a coarse ladder
    # of nice values, so most changes reuse the cached frames.
    _DYNAMIC = {
        "error": ("test", "train", "test_inf", "train_inf", "t_opt_line", "t_opt", "sim_test_se",
                  "sim_train_se", "sim_test", "sim_train", "error_note"),
        "spectrum": ("mp", "atom", "spike"),
        "snr": ("snr", "snr_t_opt"),
    }

    def _columns(self):
        from matplotlib.transforms import Bbox

        # the figure cut into one vertical strip per panel (ticks and labels included)
        fig = self.figure
        W, H = fig.bbox.width, fig.bbox.height
        boxes = [ax.get_position() for ax in self.axes.values()]
        cuts = [0.0] + [0.5 * (a.x1 + b.x0) for a, b in zip(boxes, boxes[1:])] + [1.0]
        return {name: Bbox.from_extents(math.floor(cuts[i] * W), 0, math.ceil(cuts[i + 1] * W), H)
                for i, name in enumerate(self.axes)}

    def _render(self):
        from PIL import Image as PILImage

        canvas = self.figure.canvas
        if self._blank is None:
            for ax in self.axes.values():
                ax.set_visible(False)
            canvas.draw()
            self._strips = self._columns()
            self._blank = {name: canvas.copy_from_bbox(box) for name, box in self._strips.items()}
            for ax in self.axes.values():
                ax.set_visible(True)
        renderer = canvas.get_renderer()
        for name, ax in self.axes.items():
            key = (name, ax.get_xlim(), ax.get_ylim())
            frame = self._frames.get(key)
            if frame is None:
                canvas.restore_region(self._blank[name])
                ax.draw(renderer)
                frame = canvas.copy_from_bbox(self._strips[name])
                if len(self._frames) > 48:
                    self._frames.clear()
                self._frames[key] = frame
            else:
                canvas.restore_region(frame)
            for k in self._DYNAMIC[name]:
                ax.draw_artist(self.artists[k])
        rgba = np.asarray(canvas.buffer_rgba())
        buf = io.BytesIO()
        PILImage.fromarray(rgba[..., :3]).save(buf, format="png", compress_level=1)
        self.image.value = buf.getvalue()

    # ------------------------------------------------------------------ state
    def _settings(self):
        s = self.sliders
        return Settings(c=float(s["c"].value), mu2=float(s["mu2"].value), sigma2=float(s["sigma2"].value),
                        alpha=float(s["alpha"].value), log10_t=tuple(float(v) for v in s["log10_t"].value),
                        dynamics=s["dynamics"].value)

    def _on_change(self, _change):
        self.update()

    def update(self):
        """Recompute the theory for the current slider values and redraw (called on every change).

        Any simulation in flight becomes stale and any drawn simulation is removed.
        """
        with self._lock:
            self._generation += 1
            self._clear_simulation()
            try:
                self._update_theory()
            except Exception as err:  # never let a redraw kill the widget: say what went wrong
                self.prediction = self.stopping = None
                for k in ("test", "train", "t_opt", "snr"):
                    self.artists[k].set_data([], [])
                self.status.value = f"<span style='color:#b00'>no theory for this setting: {err}</span>"
            self._render()

    def _update_theory(self):
        pn = self.panels = panels(self._settings(), points=self._points)
        a, ax = self.artists, self.axes
        self.problem, self.dynamics, self.times = pn.problem, pn.settings.dynamics, pn.t
        self.prediction, self.stopping = pn.prediction, pn.stopping
        # (b) spectrum
        a["mp"].set_data(pn.mp_x, pn.mp_density)
        if pn.atom is not None:
            a["atom"].set_data([0.0, 0.0], [0.0, pn.atom])
        a["atom"].set_visible(pn.atom is not None)
        if pn.spike is not None:
            a["spike"].set_data([pn.spike, pn.spike], [0.0, 0.6 * pn.spectrum_peak])
        a["spike"].set_visible(pn.spike is not None)
        ax["spectrum"].set_xlim(*pn.spectrum_xlim)
        ax["spectrum"].set_ylim(0.0, pn.spectrum_top)
        # (a) errors and (c) E^2/V
        ax["error"].set_xlim(*pn.xlim)
        ax["snr"].set_xlim(*pn.xlim)
        ax["error"].set_ylim(0.0, pn.error_top)
        self._bound = pn.cs_bound
        a["test"].set_data(pn.t[:pn.test_error.size], pn.test_error)
        a["train"].set_data(pn.t[:pn.train_error.size], pn.train_error)
        a["snr"].set_data(pn.t[:pn.snr.size], pn.snr)
        a["test_inf"].set_visible(pn.test_error_inf is not None)
        a["train_inf"].set_visible(pn.train_error_inf is not None)
        if pn.test_error_inf is not None:
            a["test_inf"].set_ydata([pn.test_error_inf] * 2)
            a["train_inf"].set_ydata([pn.train_error_inf] * 2)
        if pn.t_opt is not None:
            a["t_opt"].set_data([pn.t_opt], [pn.test_error_opt])
            a["t_opt_line"].set_xdata([pn.t_opt] * 2)
            a["snr_t_opt"].set_xdata([pn.t_opt] * 2)
        else:
            a["t_opt"].set_data([], [])
        a["t_opt_line"].set_visible(pn.t_opt is not None)
        a["snr_t_opt"].set_visible(pn.t_opt is not None)
        busy = self._thread is not None and self._thread.is_alive()
        if pn.unstable is not None:
            a["error_note"].set_text(pn.unstable.replace(" here: it", ":\nit")
                                     + "\nLower α or switch to gradient flow.")
            self.status.value = f"<span style='color:#b00'>{pn.unstable} No curve drawn.</span>"
            self.button.disabled = True
        else:
            a["error_note"].set_text("")
            self.button.disabled = busy
            if not busy:
                self.status.value = ""
        self.info.value = info_html(pn)

    # ------------------------------------------------------------------ simulation
    def _clear_simulation(self):
        a = self.artists
        self.simulation = None
        a["sim_test"].set_data([], [])
        a["sim_train"].set_data([], [])
        a["sim_test_se"].set_segments([])
        a["sim_train_se"].set_segments([])

    def _draw_simulation(self, sim):
        a = self.artists
        self.simulation = sim
        t = sim.t
        for key, mean, sem in (("sim_test", sim.test_error_mean, sim.test_error_sem),
                               ("sim_train", sim.train_error_mean, sim.train_error_sem)):
            a[key].set_data(t, mean)
            a[key + "_se"].set_segments([np.array([[ti, m - s], [ti, m + s]])
                                         for ti, m, s in zip(t, mean, sem)])

    def simulation_problem(self):
        """The finite problem simulated for the current sliders: ``p`` fixed, ``n = round(p/c)``."""
        return self._settings().simulation_problem(self._p)

    def simulation_times(self):
        """Times (or step counts) at which *Simulate* evaluates the errors."""
        return self._settings().times(self._sim_points)

    def simulate(self, *, runs=None, seed=None, wait=False):
        """Start the Monte Carlo for the current setting in a background thread.

        Parameters
        ----------
        runs : int, optional
            Number of runs (default: the ``runs`` given to the constructor).
        seed : int, optional
            Seed passed to :func:`rmtdyn.simulate` (default: the constructor's).
        wait : bool, default False
            Join the thread before returning.

        Returns
        -------
        threading.Thread
            The worker; its results are drawn only if no slider moved meanwhile.
        """
        runs = self._runs if runs is None else _checks.positive_int(runs, "runs", minimum=2)
        seed = self._seed if seed is None else _checks.positive_int(seed, "seed", minimum=0)
        with self._lock:
            self._sim_token += 1
            token, generation = self._sim_token, self._generation
            problem, t, dynamics = self.simulation_problem(), self.simulation_times(), self.sliders["dynamics"].value
            self._clear_simulation()
            self.progress.max = runs
            self.progress.value = 0
            self.progress.bar_style = "info"
            self.button.disabled = True
            self.status.value = (f"simulating p = {problem.p}, n = {problem.n} "
                                 f"(c = {problem.c:.3g}), {runs} runs…")
            self._render()
            thread = threading.Thread(target=self._worker, name="rmtdyn-explorer-simulate", daemon=True,
                                      args=(token, generation, problem, t, runs, seed, dynamics))
            self._thread = thread
        thread.start()
        if wait:
            thread.join()
        return thread

    def _unstable(self):
        pb = self.problem
        return (self.dynamics == "gd" and pb is not None
                and not gd_step_is_stable(pb.alpha, pb.lambda_max, pb.gamma))

    def _current(self, token, generation):
        return token == self._sim_token and generation == self._generation

    def _worker(self, token, generation, problem, t, runs, seed, dynamics):
        def progress(done, total):
            if not self._current(token, generation):
                raise _Stale
            self.progress.value = done

        try:
            sim = simulate(problem, t, runs=runs, seed=seed, dynamics=dynamics, progress=progress)
        except _Stale:
            sim = None
        except ValueError as err:  # e.g. a sample whose largest eigenvalue makes this GD step unstable
            with self._lock:
                if token == self._sim_token:
                    self.progress.bar_style = "danger"
                    self.status.value = f"<span style='color:#b00'>simulation not run: {err}</span>"
                    self.button.disabled = self._unstable()
            return
        with self._lock:
            if sim is None or not self._current(token, generation):
                if token == self._sim_token:  # (a newer press owns the status line otherwise)
                    self.progress.bar_style = "warning"
                    self.status.value = ("<span style='color:#b60'>parameters changed during the simulation: "
                                         "its results were discarded. Press Simulate again.</span>")
                    self.button.disabled = self._unstable()
                return
            self._draw_simulation(sim)
            self._render()
            self.progress.bar_style = "success"
            self.button.disabled = False
            self.status.value = (f"{runs} runs, p = {problem.p}, n = {problem.n} "
                                 f"(c = {problem.c:.3g}), seed {seed}: markers are mean ± 1 SE")

    # ------------------------------------------------------------------ access
    def plotted(self):
        """What the figure shows now, read back from its artists (arrays are copies).

        Returns
        -------
        dict
            ``t``, ``test_error``, ``train_error`` (panel a curves; empty if nothing is
            drawn), ``t_opt``/``test_error_opt`` (the star, ``None`` if hidden),
            ``test_error_inf``/``train_error_inf`` (levels, ``None`` if hidden),
            ``mp_x``/``mp_density``, ``atom`` (mass at 0 or ``None``), ``spike``
            (:math:`\\lambda_s` or ``None``), ``snr`` (:math:`E^2/V`), ``cs_bound``,
            ``sim`` (``None`` or a dict ``t``, ``test_mean``, ``test_sem``,
            ``train_mean``, ``train_sem``).
        """
        with self._lock:
            a = self.artists

            def xy(line):
                return np.array(line.get_xdata(), dtype=float), np.array(line.get_ydata(), dtype=float)

            t, test = xy(a["test"])
            _, train = xy(a["train"])
            star = xy(a["t_opt"])
            out = dict(t=t, test_error=test, train_error=train,
                       t_opt=float(star[0][0]) if star[0].size else None,
                       test_error_opt=float(star[1][0]) if star[1].size else None,
                       test_error_inf=float(a["test_inf"].get_ydata()[0]) if a["test_inf"].get_visible() else None,
                       train_error_inf=float(a["train_inf"].get_ydata()[0]) if a["train_inf"].get_visible() else None)
            out["mp_x"], out["mp_density"] = xy(a["mp"])
            out["atom"] = float(a["atom"].get_ydata()[1]) if a["atom"].get_visible() else None
            out["spike"] = float(a["spike"].get_xdata()[0]) if a["spike"].get_visible() else None
            out["snr"] = xy(a["snr"])[1]
            out["cs_bound"] = self._bound
            out["snr"] = out["snr"] * self._bound
            st, sm = xy(a["sim_test"])
            if st.size:
                seg = a["sim_test_se"].get_segments()
                seg_tr = a["sim_train_se"].get_segments()
                out["sim"] = dict(t=st, test_mean=sm, train_mean=xy(a["sim_train"])[1],
                                  test_sem=np.array([0.5 * (s[1, 1] - s[0, 1]) for s in seg]),
                                  train_sem=np.array([0.5 * (s[1, 1] - s[0, 1]) for s in seg_tr]))
            else:
                out["sim"] = None
            return out

    def png(self):
        """The PNG bytes currently shown."""
        return self.image.value

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget)

    def __repr__(self):
        s = self._settings()
        return (f"Explorer(c={s.c:.4g}, mu2={s.mu2:.4g}, sigma2={s.sigma2:.4g}, "
                f"alpha={s.alpha:.4g}, log10_t={s.log10_t}, dynamics={s.dynamics!r})")
