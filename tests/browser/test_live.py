"""The live figures of the HTML book in Chromium: the theory in JavaScript against rmtdyn.

``chapters/_static/rmtdyn-theory.js`` ports ``rmtdyn.predict`` (and the limits, the optimal
stopping time, the Marčenko–Pastur law) to JavaScript; ``rmtdyn-explorer.js`` draws the Explore
page's live explorer and the smaller live figures from it. Python stays the source of truth:
every number the page computes is compared here with the library, in the built book
(``_build/html``, served on 127.0.0.1 by the fixtures of conftest.py).

Tolerance 1e-9 (relative to max(1, |value|)): both sides integrate to a relative accuracy of
about 1e-11 (rmtdyn's adaptive bulk rule and the JavaScript one, which reports an error
estimate), so 1e-9 leaves two orders of magnitude for rounding in V near c = 1, where V grows
like sqrt(alpha t).
"""

import math
import statistics
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest

import rmtdyn as rd

from conftest import SCREENS, SITE

EXPLORE = "chapters/explore.html"
OWN_FILES = ("rmtdyn-theory.js", "rmtdyn-explorer.js", "rmtdyn-explorer.css")
RTOL = 1e-9
WIDTHS = (1280, 390)


# ----------------------------------------------------------------------------- fixtures
def _open(context, url, allowed_host, width):
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    log = {"console": [], "errors": [], "external": [], "failed": []}
    page.on("console", lambda m: log["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log["errors"].append(str(e)))
    page.on("requestfailed", lambda r: log["failed"].append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: log["failed"].append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None)

    def route(r):
        parsed = urlparse(r.request.url)
        if parsed.scheme in ("data", "blob") or (parsed.scheme == "file" and allowed_host is None) \
                or parsed.netloc == allowed_host:
            r.continue_()
        else:
            log["external"].append(r.request.url)
            r.abort()
    page.route("**/*", route)
    page.goto(url)
    page.wait_for_function("() => { const e = document.querySelector('.rmtdyn-explorer');"
                           " return e && e.rmtdyn && e.rmtdyn.last; }")
    return page, log


@pytest.fixture(scope="module", params=WIDTHS, ids=lambda w: f"{w}px")
def explore(request, browser_context, base_url):
    page, log = _open(browser_context, base_url + EXPLORE, urlparse(base_url).netloc, request.param)
    page.width = request.param
    yield page, log
    page.close()


@pytest.fixture(scope="module")
def page1280(browser_context, base_url):
    page, log = _open(browser_context, base_url + EXPLORE, urlparse(base_url).netloc, 1280)
    yield page, log
    page.close()


def _close(js, py, what):
    """Assert |js - py| <= RTOL * max(1, |py|) element-wise ("inf" must match "inf"); return the worst."""
    worst = 0.0
    for i, (a, b) in enumerate(zip(js, py)):
        if isinstance(b, str) or isinstance(a, str):
            assert a == b, f"{what}[{i}]: JS {a!r}, Python {b!r}"
            continue
        d = abs(a - b) / max(1.0, abs(b))
        assert d <= RTOL, f"{what}[{i}]: JS {a!r}, Python {b!r} (relative difference {d:.2e})"
        worst = max(worst, d)
    assert len(js) == len(py), what
    return worst


# ----------------------------------------------------------------------------- the port
def _random_settings(count, seed):
    """Random settings over the explorer's box: flow and GD, both sides of the transition, c = 1, gamma > 0."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(count):
        c = 1.0 if i % 6 == 0 else float(np.exp(rng.uniform(math.log(0.05), math.log(20))))
        if i % 3 == 0:                                   # below the phase transition ||mu||^4 <= c
            mu2 = float(math.sqrt(c) * rng.uniform(0.1, 1.0))
        else:
            mu2 = float(np.exp(rng.uniform(math.log(0.05), math.log(50))))
        sigma2 = 0.0 if i % 4 == 1 else float(rng.uniform(0, 5))
        gamma = float(np.exp(rng.uniform(math.log(1e-3), math.log(3)))) if i % 5 in (2, 3) else 0.0
        dynamics = "gd" if i % 2 else "flow"
        pb = rd.Problem(c=c, mu2=mu2, sigma2=sigma2, gamma=gamma)
        if dynamics == "gd":   # up to the stability limit (past 2/(lambda_s + gamma) below the transition)
            alpha = float(rng.uniform(0.05, 0.995) * pb.max_stable_alpha)
        else:
            alpha = float(np.exp(rng.uniform(math.log(1e-3), 0.0)))
        t = np.geomspace(1e-2, 1e10, 13)
        if dynamics == "gd":
            t = np.unique(np.round(t))
        out.append(dict(pb=pb.replace(alpha=alpha), dynamics=dynamics,
                        t=[0.0] + t.tolist() + [math.inf]))
    # edges of the box: GD past 2/(lambda_s + gamma) below the transition (no atom at the spike),
    # exactly at the transition ||mu||^2 = sqrt(c), c = 1 without initialisation, the ends of c
    t_flow = [0.0] + np.geomspace(1e-2, 1e10, 13).tolist() + [math.inf]
    t_gd = [0.0] + np.unique(np.round(np.geomspace(1, 1e10, 13))).tolist() + [math.inf]
    below = rd.Problem(c=0.5, mu2=0.68, sigma2=0.3)
    out.append(dict(pb=below.replace(alpha=0.99 * below.max_stable_alpha), dynamics="gd", t=t_gd))
    for extra in (dict(c=0.5, mu2=math.sqrt(0.5), sigma2=0.2, alpha=0.05), dict(c=1.0, mu2=2.0, alpha=1.0),
                  dict(c=0.05, mu2=0.05, sigma2=5.0, alpha=1e-3), dict(c=20.0, mu2=50.0, sigma2=1.0, alpha=0.5),
                  dict(c=2.0, mu2=1.0, sigma2=1.0, alpha=0.1, gamma=3.0)):
        out.append(dict(pb=rd.Problem(**extra), dynamics="flow", t=t_flow))
    return out


def test_js_theory_matches_python(page1280):
    page, _ = page1280
    cases = _random_settings(90, seed=17)
    assert any(k["pb"].c == 1 for k in cases) and any(not k["pb"].spike_isolated for k in cases)
    assert any(k["pb"].gamma > 0 for k in cases) and {k["dynamics"] for k in cases} == {"flow", "gd"}
    assert any(k["dynamics"] == "gd" and k["pb"].alpha * (k["pb"].spike + k["pb"].gamma) > 2 for k in cases)
    inputs = []
    for i, k in enumerate(cases):
        pb = k["pb"]
        inp = dict(c=pb.c, mu2=pb.mu2, sigma2=pb.sigma2, alpha=pb.alpha, dynamics=k["dynamics"],
                   t=["inf" if math.isinf(v) else v for v in k["t"]])
        if pb.gamma or i % 2:             # a missing gamma means 0
            inp["gamma"] = pb.gamma
        inputs.append(inp)
    # half of the cases give t = inf as the number Infinity, half as the string "inf"
    js = page.evaluate("""(inputs) => inputs.map((o, i) => {
        const arg = Object.assign({}, o);
        if (i % 2) arg.t = o.t.map(v => v === "inf" ? Infinity : v);
        const r = window.rmtdynTheory.predict(arg);
        return [r, window.rmtdynTheory.compute(arg).errorEstimate];
    })""", inputs)
    worst = 0.0
    for k, (res, est) in zip(cases, js):
        ref = rd.predict(k["pb"], k["t"], dynamics=k["dynamics"]).as_dict()
        assert sorted(res) == sorted(ref)
        assert est <= 1e-10, (k, est)
        for key in ref:
            worst = max(worst, _close(res[key], ref[key], f"{key} at {k['pb']} {k['dynamics']}"))
    print(f"\nworst relative JS-vs-Python difference over {len(cases)} settings x {len(cases[0]['t'])} times: "
          f"{worst:.2e}")


def test_js_optimal_stopping_and_spectrum_match_python(page1280):
    page, _ = page1280
    settings = [dict(c=0.5, mu2=4.0, sigma2=0.1, alpha=0.01), dict(c=2.0, mu2=0.5, sigma2=1.0, alpha=0.3),
                dict(c=1.0, mu2=4.0, sigma2=0.5, alpha=0.05), dict(c=0.3, mu2=0.4, sigma2=0.0, alpha=0.1),
                dict(c=4.0, mu2=8.0, sigma2=2.0, alpha=0.02, gamma=0.05)]
    for s in settings:
        for dyn in ("flow", "gd"):
            pb = rd.Problem(**s)
            if dyn == "gd" and pb.alpha >= pb.max_stable_alpha:
                continue
            ref = rd.theory.optimal_stopping(pb, dynamics=dyn).as_dict()
            js = page.evaluate("(o) => { const r = window.rmtdynTheory.optimalStopping(o);"
                               " return Object.fromEntries(Object.entries(r).map(([k, v]) =>"
                               " [k, v === Infinity ? 'inf' : v])); }", dict(s, dynamics=dyn))
            for key in ("test_error_opt", "test_error_inf", "train_error_inf"):
                _close([js[key]], [ref[key]], f"{key} {s} {dyn}")
            if isinstance(ref["t_opt"], str) or ref["t_opt"] == 0 or dyn == "gd":
                assert js["t_opt"] == ref["t_opt"], (s, dyn, js, ref)
            else:   # a flat minimum: the error matches to 1e-9, the time to the search's resolution
                assert abs(js["t_opt"] / ref["t_opt"] - 1) < 1e-3, (s, dyn, js, ref)
    x = np.linspace(0.0, 8.0, 41)
    for c in (0.3, 1.0, 2.5):
        js = page.evaluate("([xs, c]) => xs.map(x => window.rmtdynTheory.mpDensity(x, c))", [x.tolist(), c])
        _close(js, rd.spectrum.mp_density(x, c).tolist(), f"mp_density c={c}")
        assert page.evaluate("(c) => window.rmtdynTheory.mpAtom(c)", c) == rd.spectrum.mp_atom(c)


def test_js_refuses_bad_input(page1280):
    page, _ = page1280
    msgs = page.evaluate("""() => [
        {c: 0, mu2: 4, t: [1]}, {c: 0.5, mu2: -1, t: [1]}, {c: 0.5, mu2: 4, alpha: 0, t: [1]},
        {c: 0.5, mu2: 4, t: [-1]}, {c: 0.5, mu2: 4, dynamics: "gd", t: [1.5]},
        {c: 0.5, mu2: 4, alpha: 0.5, dynamics: "gd", t: [1]}, {c: 0.5, mu2: 4, gamma: -1, t: [1]},
        {c: 0.5, mu2: 4, dynamics: "sgd", t: [1]}].map(o => {
            try { window.rmtdynTheory.predict(o); return null; } catch (e) { return e.message; } })""")
    for msg, name in zip(msgs, ("c", "mu2", "alpha", "t", "t", "alpha", "gamma", "dynamics")):
        assert msg is not None and msg.startswith(name), msgs


# ----------------------------------------------------------------------------- the explorer
def _state(page):
    return page.evaluate("() => { const L = document.querySelector('.rmtdyn-explorer').rmtdyn;"
                         " const o = L.last; return {state: L.state, problem: o.problem, t: o.t, test: o.test_error || null,"
                         " train: o.train_error || null, snr: o.snr || null, opt: o.opt || null,"
                         " unstable: o.unstable, n: L.timings.length,"
                         " paths: Object.fromEntries([...document.querySelectorAll('.rmtdyn-explorer path[data-key]')]"
                         ".map(p => [p.dataset.key, p.getAttribute('visibility') === 'hidden' ? '' : p.getAttribute('d')]))}; }")


def _check_against_python(st):
    s = st["problem"]         # the setting the drawn numbers were computed for
    pb = rd.Problem(c=s["c"], mu2=s["mu2"], sigma2=s["sigma2"], alpha=s["alpha"], gamma=s["gamma"])
    idx = np.linspace(0, len(st["t"]) - 1, 7).round().astype(int)
    t = [st["t"][i] for i in idx]
    ref = rd.predict(pb, t, dynamics=s["dynamics"])
    _close([st["test"][i] for i in idx], ref.test_error.tolist(), f"drawn test error at {s}")
    _close([st["train"][i] for i in idx], ref.train_error.tolist(), f"drawn training error at {s}")
    snr = ref.E ** 2 / ref.V / rd.theory.cauchy_schwarz_bound(pb)
    _close([st["snr"][i] for i in idx], snr.tolist(), f"drawn E^2/V over the bound at {s}")
    opt = rd.theory.optimal_stopping(pb, dynamics=s["dynamics"])
    _close([st["opt"]["test_error_opt"]], [opt.test_error_opt], f"error at t* at {s}")


def _move(page, key, presses, direction="ArrowRight"):
    before = _state(page)
    slider = page.locator(f".rmtdyn-explorer input[type=range][data-key={key}]")
    slider.focus()
    for _ in range(presses):
        slider.press(direction)
    page.wait_for_function(f"() => document.querySelector('.rmtdyn-explorer').rmtdyn.timings.length > {before['n']}")
    page.wait_for_timeout(50)
    return before, _state(page)


# each slider, how far it is moved, and the curves that must change besides the test error
MOVES = [("c", 40, "ArrowRight", ("mp",)), ("mu2", 60, "ArrowLeft", ("spike",)), ("sigma2", 50, "ArrowRight", ()),
         ("alpha", 30, "ArrowRight", ()), ("lo", 10, "ArrowLeft", ()), ("hi", 30, "ArrowRight", ()),
         ("gamma", 40, "ArrowRight", ())]


def test_every_slider_moves_the_curves_to_the_library_values(explore):
    page, log = explore
    assert page.locator(".rmtdyn-explorer input[type=range]").count() == 7
    _check_against_python(_state(page))
    for key, presses, direction, also in MOVES:
        before, after = _move(page, key, presses, direction)
        assert after["state"][key] != before["state"][key], key
        for name in ("test",) + also:
            assert after["paths"][name] != before["paths"][name], f"moving {key} left the {name} curve unchanged"
        _check_against_python(after)
    # gradient descent: the same curves for step counts
    page.locator(".rmtdyn-explorer input[type=radio][value=gd]").check()
    page.wait_for_function("() => document.querySelector('.rmtdyn-explorer').rmtdyn.state.dynamics === 'gd'")
    page.wait_for_timeout(50)
    st = _state(page)
    if not st["unstable"]:
        _check_against_python(st)
    assert not log["console"] and not log["errors"], log


def test_unstable_gradient_descent_says_so(page1280):
    page, _ = page1280
    page.locator(".rmtdyn-explorer input[type=radio][value=gd]").check()
    slider = page.locator(".rmtdyn-explorer input[type=range][data-key=alpha]")
    slider.focus()
    slider.press("End")                        # alpha = 1: unstable for every setting of the box
    page.wait_for_function("() => document.querySelector('.rmtdyn-explorer').rmtdyn.last.unstable === true")
    text = page.locator(".rmtdyn-explorer .rmtdyn-status").inner_text()
    assert "unstable" in text and "No curve drawn" in text
    assert _state(page)["paths"]["test"] == ""
    slider.press("Home")
    page.locator(".rmtdyn-explorer input[type=radio][value=flow]").check()
    page.wait_for_function("() => document.querySelector('.rmtdyn-explorer').rmtdyn.last.unstable === false"
                           " && document.querySelector('.rmtdyn-explorer').rmtdyn.state.dynamics === 'flow'")


def test_cursor_readouts_by_pointer_and_keyboard(explore):
    page, _ = explore
    svg = page.locator(".rmtdyn-explorer .rmtdyn-svg").first
    svg.scroll_into_view_if_needed()
    box = svg.bounding_box()
    page.mouse.move(box["x"] + 0.6 * box["width"], box["y"] + 0.5 * box["height"])
    page.wait_for_timeout(50)
    readout = page.locator(".rmtdyn-explorer .rmtdyn-readout").first

    def read():
        return page.evaluate("() => { const L = document.querySelector('.rmtdyn-explorer').rmtdyn;"
                             " const i = L.cursorIndex; return [L.last.test_error[i], L.last.train_error[i]]; }")
    text = readout.inner_text()
    test, train = read()
    assert f"test {test:.4f}" in text and f"training {train:.4f}" in text, text
    svg.focus()
    svg.press("ArrowRight")
    svg.press("ArrowRight")
    assert readout.inner_text() != text
    test, train = read()
    assert f"test {test:.4f}" in readout.inner_text()


def test_latency_of_a_slider_move(explore):
    """Median time from a slider's input event to the end of the redraw, measured in the page."""
    page, _ = explore
    rng = np.random.default_rng(3)
    page.evaluate("() => { const L = document.querySelector('.rmtdyn-explorer').rmtdyn;"
                  " L.timings.length = 0; L.frameTimings.length = 0; }")
    for j in range(40):
        key = ["c", "mu2", "sigma2", "alpha", "gamma"][j % 5]
        slider = page.locator(f".rmtdyn-explorer input[type=range][data-key={key}]")
        slider.focus()
        n = page.evaluate("() => document.querySelector('.rmtdyn-explorer').rmtdyn.timings.length")
        slider.press("ArrowRight" if rng.random() < 0.5 else "ArrowLeft")
        page.wait_for_function(f"() => document.querySelector('.rmtdyn-explorer').rmtdyn.frameTimings.length > {n}")
    t = page.evaluate("() => { const L = document.querySelector('.rmtdyn-explorer').rmtdyn;"
                      " return [L.timings, L.frameTimings]; }")
    work, frame = statistics.median(t[0]), statistics.median(t[1])
    print(f"\n{page.width}px: slider move -> redraw, median {work:.1f} ms of script "
          f"(90th percentile {np.percentile(t[0], 90):.1f} ms), {frame:.1f} ms to the next frame; "
          f"{len(t[0])} moves")
    assert len(t[0]) >= 35
    assert work <= 50.0, f"median redraw {work:.1f} ms > 50 ms"


def test_legible_and_inside_the_page(explore):
    page, log = explore
    sizes = page.evaluate("() => [...document.querySelectorAll('.rmtdyn-explorer text, .rmtdyn-explorer tspan,"
                          " .rmtdyn-explorer label, .rmtdyn-explorer output, .rmtdyn-explorer .rmtdyn-legend span,"
                          " .rmtdyn-explorer .rmtdyn-readout, .rmtdyn-explorer .rmtdyn-status')]"
                          ".map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert sizes and min(sizes) >= 9, min(sizes)
    widths = page.evaluate("() => { const e = document.querySelector('.rmtdyn-explorer');"
                           " return [e.scrollWidth, e.clientWidth, document.documentElement.clientWidth,"
                           " Math.max(...[...e.querySelectorAll('svg')].map(s => s.getBoundingClientRect().right))]; }")
    assert widths[0] <= widths[1] + 1 and widths[3] <= widths[2] + 1, widths
    # sliders big enough to touch
    heights = page.evaluate("() => [...document.querySelectorAll('.rmtdyn-explorer input')]"
                            ".map(e => e.getBoundingClientRect().height)")
    assert min(heights) >= 18, heights
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.locator(".rmtdyn-explorer").screenshot(path=str(SCREENS / f"live-explore-{page.width}.png"))
    assert not log["console"] and not log["errors"] and not log["external"] and not log["failed"], log


def test_static_figure_for_print_live_figure_on_screen(page1280):
    page, _ = page1280
    assert page.locator("#fig-explore-default").is_hidden()
    page.emulate_media(media="print")
    try:
        assert page.locator("#fig-explore-default").is_visible()
        assert page.locator(".rmtdyn-explorer").is_hidden()
    finally:
        page.emulate_media(media="screen")


def test_small_live_figure_mounts_on_a_placeholder(page1280):
    """The placeholder the chapters use (notes/live_figures.md): one slider, one panel."""
    page, log = page1280
    page.evaluate("""() => { const d = document.createElement('div');
        d.id = 'live-test'; d.setAttribute('data-rmtdyn-live', 'curve'); d.dataset.vary = 'c';
        Object.assign(d.dataset, {c: '0.5', mu2: '4', sigma2: '0.1', alpha: '0.01', log10T: '0 5'});
        document.querySelector('main').appendChild(d); window.rmtdynLive.mountAll(); }""")
    sliders = page.locator("#live-test input[type=range]")
    assert sliders.count() == 1
    d0 = page.locator("#live-test path[data-key=test]").get_attribute("d")
    sliders.focus()
    for _ in range(60):
        sliders.press("ArrowRight")
    page.wait_for_function("() => document.getElementById('live-test').rmtdyn.last.problem.c > 0.9")
    page.wait_for_timeout(50)
    st = page.evaluate("() => { const L = document.getElementById('live-test').rmtdyn;"
                       " return {problem: L.last.problem, t: L.last.t, test: L.last.test_error,"
                       " train: L.last.train_error}; }")
    assert page.locator("#live-test path[data-key=test]").get_attribute("d") != d0
    s = st["problem"]
    pb = rd.Problem(c=s["c"], mu2=s["mu2"], sigma2=s["sigma2"], alpha=s["alpha"])
    ref = rd.predict(pb, st["t"])
    _close(st["test"], ref.test_error.tolist(), "curve test error")
    _close(st["train"], ref.train_error.tolist(), "curve training error")
    assert not log["console"] and not log["errors"], log


def test_own_files_are_small_and_local(page1280):
    page, log = page1280
    sizes = {name: (SITE / "_static" / name).stat().st_size for name in OWN_FILES}
    total = sum(sizes.values())
    print(f"\nthe page's own scripts and style: {sizes}, total {total / 1024:.1f} KB")
    assert total <= 300 * 1024
    srcs = page.evaluate("() => [...document.scripts].map(s => s.src).filter(Boolean)"
                         ".concat([...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href))")
    host = urlparse(page.url).netloc
    assert all(urlparse(u).netloc == host for u in srcs), srcs
    assert not log["external"] and not log["failed"], log


def test_works_from_a_file_url(browser_context):
    page, log = _open(browser_context, (SITE / EXPLORE).as_uri(), None, 1280)
    try:
        assert page.evaluate("() => typeof window.rmtdynTheory.predict") == "function"
        st = _state(page)
        _check_against_python(st)
        assert not log["errors"] and not log["external"], log
    finally:
        page.close()


def test_touch_shows_the_values(page1280):
    """A finger on a panel (real touch events through the DevTools protocol) shows the values there."""
    page, _ = page1280
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})
    try:
        svg = page.locator(".rmtdyn-explorer .rmtdyn-svg").nth(2)          # panel (c), E^2/V
        svg.scroll_into_view_if_needed()
        box = svg.bounding_box()
        x, y = box["x"] + 0.3 * box["width"], box["y"] + 0.5 * box["height"]
        page.evaluate("() => { window.__pointerTypes = []; document.querySelectorAll('.rmtdyn-explorer .rmtdyn-svg')[2]"
                      ".addEventListener('pointerdown', e => window.__pointerTypes.push(e.pointerType)); }")
        for kind in ("touchStart", "touchEnd"):
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [] if kind == "touchEnd" else [{"x": x, "y": y}]})
        page.wait_for_timeout(50)
        assert "touch" in page.evaluate("() => window.__pointerTypes")
        text = page.locator(".rmtdyn-explorer .rmtdyn-readout").nth(2).inner_text()
        snr, bound = page.evaluate("() => { const L = document.querySelector('.rmtdyn-explorer').rmtdyn;"
                                   " return [L.last.snr[L.cursorIndex], L.last.bound]; }")
        assert "E²/V" in text and f"{100 * snr:.1f}% of the bound" in text, text
    finally:
        cdp.send("Emulation.setTouchEmulationEnabled", {"enabled": False})
        cdp.detach()


# hard settings: c = 1 up to alpha t = 1e10 (V grows like sqrt(alpha t)), c near 1, just above
# the phase transition (spike 1e-6 from the bulk edge), c > 1 with a ridge penalty
HARD = [dict(c=1.0, mu2=2.0, sigma2=0.5, alpha=1.0, t=t) for t in (1e3, 1e6, 1e10)] + [
    dict(c=0.98, mu2=4.0, sigma2=1.0, alpha=0.1, t=1e9),
    dict(c=0.5, mu2=math.sqrt(0.5) * 1.001, sigma2=0.2, alpha=0.05, t=1e8),
    dict(c=0.5, mu2=math.sqrt(0.5) * 1.001, sigma2=0.2, alpha=0.05, t=30.0),
    dict(c=5.0, mu2=0.3, sigma2=2.0, alpha=0.2, t=1e7, gamma=0.5),
    dict(c=0.05, mu2=40.0, sigma2=3.0, alpha=1.0, t=1e10)]


def test_js_theory_matches_an_independent_quadrature(page1280):
    """At the hardest settings the JavaScript agrees with QUADPACK (live_reference.py) to 1e-9."""
    from live_reference import flow_moments
    page, _ = page1280
    js = page.evaluate("(cases) => cases.map(o => { const r = window.rmtdynTheory.compute("
                       "Object.assign({}, o, {t: [o.t]})); return [r.E[0], r.V[0], r.E_train[0], r.V_train[0],"
                       " r.errorEstimate]; })", HARD)
    worst = 0.0
    for case, (E, V, Etr, Vtr, est) in zip(HARD, js):
        ref = flow_moments(**case)
        assert est <= 1e-10, (case, est)
        worst = max(worst, _close([E, V, Etr, Vtr], [ref["E"], ref["V"], ref["E_train"], ref["V_train"]],
                                  f"E, V, E_train, V_train at {case}"))
    print(f"\nworst relative JS-vs-QUADPACK difference at {len(HARD)} hard settings: {worst:.2e}")
