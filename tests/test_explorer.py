"""The live explorer driven from Python: sliders in, plotted data out.

Every plotted number must be exactly what the library computes (the explorer may
not re-derive anything), so the comparisons are to 1e-12 (only the round trip
through matplotlib's float arrays separates them).
"""

import threading

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import rmtdyn as rd  # noqa: E402
from rmtdyn.explorer import Explorer  # noqa: E402
import rmtdyn.explorer as explorer_module  # noqa: E402


@pytest.fixture
def ex():
    return Explorer(points=60, p=40, runs=3, sim_points=4)


def check_theory(ex):
    """The curves, star, levels and E^2/V of the current state equal rmtdyn's."""
    d = ex.plotted()
    s = ex.sliders
    pb = rd.Problem(c=s["c"].value, mu2=s["mu2"].value, sigma2=s["sigma2"].value, alpha=s["alpha"].value)
    dyn = s["dynamics"].value
    lo, hi = s["log10_t"].value
    t = np.geomspace(10.0 ** lo, 10.0 ** hi, 60)
    if dyn == "gd":
        t = np.unique(np.maximum(1.0, np.round(t)))
    pr = rd.predict(pb, t, dynamics=dyn)
    np.testing.assert_allclose(d["t"], t, rtol=1e-12)
    np.testing.assert_allclose(d["test_error"], pr.test_error, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(d["train_error"], pr.train_error, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(d["snr"], pr.E ** 2 / pr.V, rtol=1e-12, atol=1e-12)
    assert d["cs_bound"] == pytest.approx(rd.theory.cauchy_schwarz_bound(pb), rel=1e-12)
    lim = rd.limits(pb)
    assert d["test_error_inf"] == pytest.approx(lim["test_error"], rel=1e-12)
    assert d["train_error_inf"] == pytest.approx(lim["train_error"], rel=1e-12, abs=1e-15)
    opt = rd.theory.optimal_stopping(pb, dynamics=dyn)
    if 0 < opt.t_opt < np.inf:
        assert d["t_opt"] == pytest.approx(opt.t_opt, rel=1e-12)
        assert d["test_error_opt"] == pytest.approx(opt.test_error_opt, rel=1e-12)
    else:
        assert d["t_opt"] is None
    # E^2/V never exceeds the Cauchy-Schwarz bound (chapter 7); 1e-12 relative slack for rounding
    assert np.all(d["snr"] <= d["cs_bound"] * (1 + 1e-12))
    return d, pb


def test_default_state_is_the_library_theory(ex):
    d, pb = check_theory(ex)
    assert ex.problem == pb
    np.testing.assert_allclose(d["mp_density"], rd.spectrum.mp_density(d["mp_x"], pb.c), rtol=1e-12)


@pytest.mark.parametrize("changes", [
    dict(c=2.0), dict(c=1.0), dict(c=0.05), dict(c=20.0, mu2=30.0), dict(mu2=0.3), dict(sigma2=0.0),
    dict(sigma2=3.0, c=1.5), dict(alpha=0.2), dict(log10_t=(-1.0, 3.0)),
    dict(dynamics="gd"), dict(dynamics="gd", alpha=0.1, c=0.3),
])
def test_slider_changes_redraw_the_library_theory(ex, changes):
    before = ex.png()
    for name, value in changes.items():
        ex.sliders[name].value = value
    check_theory(ex)
    assert ex.png() != before  # the displayed image changed


@pytest.mark.parametrize("c", [0.2, 0.9, 1.1, 5.0])
def test_atom_shown_iff_c_above_one(ex, c):
    ex.sliders["c"].value = c
    d = ex.plotted()
    if c > 1:
        assert d["atom"] == pytest.approx(rd.spectrum.mp_atom(c), rel=1e-12)
    else:
        assert d["atom"] is None


@pytest.mark.parametrize("c, mu2", [(0.5, 4.0), (0.5, 0.5), (4.0, 1.9), (4.0, 2.1), (20.0, 30.0)])
def test_spike_shown_iff_isolated(ex, c, mu2):
    ex.sliders["c"].value = c
    ex.sliders["mu2"].value = mu2
    d = ex.plotted()
    pb = rd.Problem(c=c, mu2=mu2)
    assert (d["spike"] is not None) == (mu2 ** 2 > c) == pb.spike_isolated
    if pb.spike_isolated:
        assert d["spike"] == pytest.approx(rd.spectrum.spike_location(c, mu2), rel=1e-12)


def test_unstable_gd_step_is_reported_not_raised(ex):
    ex.sliders["dynamics"].value = "gd"
    ex.sliders["alpha"].value = 0.9   # 2/lambda_max = 2/5.625 = 0.356 at c=0.5, mu2=4
    d = ex.plotted()
    assert d["t"].size == 0 and d["t_opt"] is None and d["test_error_inf"] is None
    assert "unstable" in ex.status.value and ex.button.disabled
    ex.sliders["dynamics"].value = "flow"  # gradient flow has no step limit
    check_theory(ex)
    assert not ex.button.disabled


def test_simulate_overlays_rd_simulate(ex):
    ex.sliders["c"].value = 0.5
    thread = ex.simulate(runs=3, seed=7, wait=True)
    assert not thread.is_alive()
    d = ex.plotted()
    sim = rd.simulate(ex.simulation_problem(), ex.simulation_times(), runs=3, seed=7)
    assert d["sim"] is not None
    np.testing.assert_allclose(d["sim"]["t"], sim.t, rtol=1e-12)
    np.testing.assert_allclose(d["sim"]["test_mean"], sim.test_error_mean, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(d["sim"]["train_mean"], sim.train_error_mean, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(d["sim"]["test_sem"], sim.test_error_sem, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(d["sim"]["train_sem"], sim.train_error_sem, rtol=1e-9, atol=1e-15)
    assert ex.progress.value == 3 and ex.progress.bar_style == "success"
    assert ex.simulation_problem().p == 40 and ex.simulation_problem().n == 80
    # the overlay goes away as soon as a parameter moves: it belongs to the old setting
    ex.sliders["sigma2"].value = 1.0
    assert ex.plotted()["sim"] is None


def test_simulate_gd(ex):
    ex.sliders["dynamics"].value = "gd"
    ex.simulate(runs=2, seed=1, wait=True)
    sim = rd.simulate(ex.simulation_problem(), ex.simulation_times(), runs=2, seed=1, dynamics="gd")
    np.testing.assert_allclose(ex.plotted()["sim"]["test_mean"], sim.test_error_mean, rtol=1e-12)


def test_stale_simulation_is_discarded(ex, monkeypatch):
    """A slider moved while the worker computes: its results must never be drawn."""
    computed, go = threading.Event(), threading.Event()
    real = explorer_module.simulate

    def slow_simulate(*args, **kwargs):
        out = real(*args, **kwargs)   # finishes all runs for the OLD parameters
        computed.set()
        assert go.wait(30)
        return out

    monkeypatch.setattr(explorer_module, "simulate", slow_simulate)
    thread = ex.simulate(runs=2, seed=0)
    assert computed.wait(60)
    ex.sliders["mu2"].value = 1.0      # change while the worker holds finished, now stale results
    go.set()
    thread.join(60)
    assert not thread.is_alive()
    assert ex.plotted()["sim"] is None and ex.simulation is None
    assert "discarded" in ex.status.value
    check_theory(ex)                    # the figure shows the new setting's theory only
    assert not ex.button.disabled


def test_stale_simulation_is_cancelled_between_runs(ex, monkeypatch):
    """The progress callback stops a stale run early (no more runs are computed)."""
    started, go = threading.Event(), threading.Event()
    calls = []
    real = explorer_module.simulate

    def gated(*args, progress, **kwargs):
        def hook(done, total):
            calls.append(done)
            started.set()
            assert go.wait(30)
            progress(done, total)
        return real(*args, progress=hook, **kwargs)

    monkeypatch.setattr(explorer_module, "simulate", gated)
    thread = ex.simulate(runs=5, seed=0)
    assert started.wait(60)
    ex.sliders["c"].value = 3.0
    go.set()
    thread.join(60)
    assert calls == [1]                 # cancelled after the first run
    assert ex.plotted()["sim"] is None and "discarded" in ex.status.value


def test_second_press_supersedes_first(ex):
    t1 = ex.simulate(runs=4, seed=0)
    t2 = ex.simulate(runs=2, seed=3)
    t1.join(60)
    t2.join(60)
    sim = rd.simulate(ex.simulation_problem(), ex.simulation_times(), runs=2, seed=3)
    np.testing.assert_allclose(ex.plotted()["sim"]["test_mean"], sim.test_error_mean, rtol=1e-12)


def test_button_click_runs_simulation(ex):
    ex.button.click()
    ex._thread.join(60)
    assert ex.plotted()["sim"] is not None and ex.progress.value == ex.progress.max == 3


def test_progress_callback_of_simulate():
    pb = rd.Problem(p=8, n=16, mu2=2.0, sigma2=0.1)
    seen = []
    a = rd.simulate(pb, [1.0, 10.0], runs=3, seed=2, progress=lambda d, n: seen.append((d, n)))
    b = rd.simulate(pb, [1.0, 10.0], runs=3, seed=2)
    assert seen == [(1, 3), (2, 3), (3, 3)]
    np.testing.assert_array_equal(a.test_error, b.test_error)
    with pytest.raises(ValueError, match="progress"):
        rd.simulate(pb, [1.0], runs=2, seed=0, progress=3)


@pytest.mark.parametrize("kwargs, match", [
    (dict(c=0.0), "c"), (dict(c=50.0), "c"), (dict(mu2=-1.0), "mu2"), (dict(sigma2=-0.1), "sigma2"),
    (dict(alpha=float("nan")), "alpha"), (dict(log10_t=(3.0, 1.0)), "log10_t"),
    (dict(log10_t="x"), "log10_t"), (dict(dynamics="adam"), "dynamics"), (dict(points=3), "points"),
    (dict(runs=1), "runs"), (dict(p=0), "p"),
])
def test_invalid_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Explorer(**kwargs)


def test_static_png_and_display(ex):
    png = ex.png()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Explorer(c=0.5" in repr(ex)
    assert ex.widget.children  # the ipywidgets tree exists


def test_model_without_widgets_is_the_library_theory():
    """The pure model (Settings -> Panels) gives the library's numbers; no widget is created."""
    st = explorer_module.Settings(c=2.0, mu2=4.0, sigma2=0.1, alpha=0.01, log10_t=(0, 4), dynamics="gd")
    pn = explorer_module.panels(st, points=30)
    pb = rd.Problem(c=2.0, mu2=4.0, sigma2=0.1, alpha=0.01)
    pr = rd.predict(pb, st.times(30), dynamics="gd")
    np.testing.assert_array_equal(pn.test_error, pr.test_error)
    np.testing.assert_array_equal(pn.snr, pr.E ** 2 / pr.V / rd.theory.cauchy_schwarz_bound(pb))
    assert pn.atom == 0.5 and pn.spike == pytest.approx(pb.spike) and pn.unstable is None
    assert pn == explorer_module.panels(st, points=30) and pn != explorer_module.panels(st, points=40)
    unstable = explorer_module.panels(explorer_module.Settings(c=0.5, alpha=1.0, dynamics="gd"))
    assert unstable.unstable and unstable.test_error.size == 0 and unstable.prediction is None
    assert explorer_module.info_html(unstable) == ""


def test_settings_reject_bad_values():
    with pytest.raises(ValueError, match="c"):
        explorer_module.Settings(c=100.0)
    with pytest.raises(ValueError, match="log10_t"):
        explorer_module.Settings(log10_t=(3, 1))
    with pytest.raises(TypeError, match="log10_t"):
        explorer_module.Settings(log10_t=None)
    with pytest.raises(TypeError, match="settings"):
        explorer_module.panels({"c": 1.0})
