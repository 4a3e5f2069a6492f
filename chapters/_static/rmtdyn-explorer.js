/* rmtdyn-explorer.js — live figures of the HTML book, drawn as SVG from rmtdyn-theory.js.
 *
 * Mounts on every element with a data-rmtdyn-live attribute:
 *   data-rmtdyn-live="explorer"   the Explore page: sliders c, ‖μ‖², σ², α, t window, γ, flow/GD
 *                                 and three panels (errors over t; spectrum; E²/V over its bound)
 *   data-rmtdyn-live="curve"      one learning-curve panel with one slider, data-vary = "sigma2",
 *                                 "c", "alpha", "mu2" or "gamma"
 * Starting values come from data-c, data-mu2, data-sigma2, data-alpha, data-gamma, data-dynamics,
 * data-log10-t ("0 5"). No network, no library: works from file:// too.
 * Each mounted element gets a property `rmtdyn` with the drawn numbers (`last`) and the redraw
 * times in ms (`timings`), which the browser tests read.
 */
(function () {
  "use strict";
  var TH = window.rmtdynTheory;
  var SVGNS = "http://www.w3.org/2000/svg";
  var COLORS = { test: "#1f77b4", train: "#d95f02", mp: "#2ca02c", atom: "#7b3294", spike: "#c51b7d", snr: "#8c564b", ink: "currentColor" };
  var ERROR_TOPS = [0.06, 0.12, 0.25, 0.55];
  var counter = 0;

  // ------------------------------------------------------------------ sliders
  function logSlider(key, label, lo, hi, step, fmt) {
    return { key: key, label: label, min: Math.log10(lo), max: Math.log10(hi), step: step,
      toValue: function (p) { return Math.pow(10, p); }, toPos: function (v) { return Math.log10(v); }, fmt: fmt };
  }
  function fmt3(v) { return v >= 100 ? v.toFixed(0) : +v.toPrecision(3) + ""; }
  var SLIDERS = {
    c: logSlider("c", "c = p/n", 0.05, 20, 0.005, fmt3),
    mu2: logSlider("mu2", "‖μ‖²", 0.05, 50, 0.005, fmt3),
    sigma2: { key: "sigma2", label: "σ²", min: 0, max: 5, step: 0.01, toValue: function (p) { return p; }, toPos: function (v) { return v; }, fmt: function (v) { return v.toFixed(2); } },
    alpha: logSlider("alpha", "α", 1e-3, 1, 0.005, fmt3),
    lo: { key: "lo", label: "t from", min: -2, max: 10, step: 0.1, toValue: function (p) { return p; }, toPos: function (v) { return v; }, fmt: function (v) { return num(Math.pow(10, v), 3); } },
    hi: { key: "hi", label: "t to", min: -2, max: 10, step: 0.1, toValue: function (p) { return p; }, toPos: function (v) { return v; }, fmt: function (v) { return num(Math.pow(10, v), 3); } },
    // γ: the left end is exactly 0 (the paper), then 10^-4 ... 10
    gamma: { key: "gamma", label: "γ (ridge)", min: 0, max: 100, step: 1,
      toValue: function (p) { return p <= 0 ? 0 : Math.pow(10, -4 + 5 * (p - 1) / 99); },
      toPos: function (v) { return v <= 0 ? 0 : Math.max(1, Math.round(1 + 99 * (Math.log10(v) + 4) / 5)); },
      fmt: function (v) { return v === 0 ? "0" : fmt3(v); } }
  };

  // ------------------------------------------------------------------ small helpers
  function h(tag, attrs, parent, text) {
    var e = document.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function s(tag, attrs, parent, text) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function niceCeil(x) {
    var k = Math.floor(Math.log10(x)), m = [1, 1.5, 2, 3, 5, 7, 10];
    for (var i = 0; i < m.length; i++) if (m[i] * Math.pow(10, k) >= x * (1 - 1e-12)) return m[i] * Math.pow(10, k);
    return Math.pow(10, k + 1);
  }
  function niceStep(span, n) {
    var raw = span / n, k = Math.pow(10, Math.floor(Math.log10(raw))), r = raw / k;
    return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 2.5 ? 2.5 : r <= 5 ? 5 : 10) * k;
  }
  function geomspace(a, b, n) {
    var out = [], la = Math.log(a), lb = Math.log(b);
    for (var i = 0; i < n; i++) out.push(Math.exp(la + (lb - la) * i / (n - 1)));
    return out;
  }
  function num(v, d) {                     // a readable number for the readouts
    if (v === Infinity) return "∞";
    if (v === 0) return "0";
    var a = Math.abs(v);
    if (a >= 1e5 || a < 1e-3) return v.toExponential(d - 1).replace(/\.?0+e/, "e").replace("e+", "e");
    return +v.toPrecision(d) + "";
  }

  // ------------------------------------------------------------------ a plot panel (SVG, pixel units)
  function Panel(parent, opts) {
    this.opts = opts;
    this.fig = h("figure", { "class": "rmtdyn-panel" }, parent);
    this.title = h("figcaption", { "class": "rmtdyn-panel-title" }, this.fig, opts.title);
    this.legend = h("div", { "class": "rmtdyn-legend" }, this.fig);
    for (var i = 0; i < opts.legend.length; i++) {
      var it = h("span", { "class": "rmtdyn-legend-item" }, this.legend);
      h("span", { "class": "rmtdyn-swatch rmtdyn-swatch-" + opts.legend[i][2], style: "border-color:" + opts.legend[i][0] }, it);
      h("span", {}, it, opts.legend[i][1]);
    }
    this.svg = s("svg", { "class": "rmtdyn-svg", tabindex: "0", role: "img", "aria-label": opts.aria }, this.fig);
    this.frame = s("g", { "class": "rmtdyn-frame" }, this.svg);
    this.data = s("g", { "class": "rmtdyn-data" }, this.svg);
    this.cursorG = s("g", { "class": "rmtdyn-cursor" }, this.svg);
    this.readout = h("div", { "class": "rmtdyn-readout", "aria-live": "polite" }, this.fig, "\u00a0");
    this.paths = {};
    this.key = "";
    this.W = 0; this.H = 0;
  }
  Panel.prototype.layout = function () {
    var W = Math.max(200, Math.round(this.fig.clientWidth || 300)), H = W < 360 ? 210 : 230;
    if (W !== this.W) { this.W = W; this.H = H; this.svg.setAttribute("width", W); this.svg.setAttribute("height", H); this.svg.setAttribute("viewBox", "0 0 " + W + " " + H); this.key = ""; }
    this.m = { l: 46, r: 10, t: 8, b: 34 };
  };
  Panel.prototype.setLimits = function (x0, x1, y0, y1, xlog, xlabel, ylabel) {
    this.layout();
    var key = [x0, x1, y0, y1, xlog, xlabel, ylabel, this.W].join("|");
    this.x0 = x0; this.x1 = x1; this.y0 = y0; this.y1 = y1; this.xlog = xlog;
    if (key === this.key) return;
    this.key = key;
    var g = this.frame, m = this.m, W = this.W, H = this.H, i, v;
    while (g.firstChild) g.removeChild(g.firstChild);
    s("rect", { x: m.l, y: m.t, width: W - m.l - m.r, height: H - m.t - m.b, "class": "rmtdyn-axes" }, g);
    // x ticks
    if (xlog) {
      var d0 = Math.ceil(Math.log10(x0) - 1e-9), d1 = Math.floor(Math.log10(x1) + 1e-9);
      var every = Math.max(1, Math.ceil((d1 - d0 + 1) / Math.max(2, Math.floor((W - m.l - m.r) / 48))));
      for (i = d0; i <= d1; i++) {
        var px = this.px(Math.pow(10, i));
        s("line", { x1: px, x2: px, y1: H - m.b, y2: H - m.b + 4, "class": "rmtdyn-tick" }, g);
        if ((i - d0) % every) continue;
        var tx = s("text", { x: px, y: H - m.b + 16, "class": "rmtdyn-ticklabel", "text-anchor": "middle" }, g);
        if (i === 0) tx.textContent = "1";
        else if (i === 1) tx.textContent = "10";
        else { s("tspan", {}, tx, "10"); s("tspan", { dy: "-5", "class": "rmtdyn-sup" }, tx, String(i)); }
      }
    } else {
      var st = niceStep(x1 - x0, Math.max(2, Math.floor((W - m.l - m.r) / 55)));
      for (v = Math.ceil(x0 / st) * st; v <= x1 + 1e-9 * st; v += st) {
        var qx = this.px(v);
        s("line", { x1: qx, x2: qx, y1: H - m.b, y2: H - m.b + 4, "class": "rmtdyn-tick" }, g);
        s("text", { x: qx, y: H - m.b + 16, "class": "rmtdyn-ticklabel", "text-anchor": "middle" }, g, +v.toPrecision(6) + "");
      }
    }
    var sy = niceStep(y1 - y0, H < 220 ? 4 : 5);
    for (v = Math.ceil(y0 / sy) * sy; v <= y1 + 1e-9 * sy; v += sy) {
      var py = this.py(v);
      s("line", { x1: m.l - 4, x2: W - m.r, y1: py, y2: py, "class": v === y0 ? "rmtdyn-tick" : "rmtdyn-grid" }, g);
      s("text", { x: m.l - 6, y: py + 4, "class": "rmtdyn-ticklabel", "text-anchor": "end" }, g, +v.toPrecision(6) + "");
    }
    s("text", { x: (m.l + W - m.r) / 2, y: H - 4, "class": "rmtdyn-axislabel", "text-anchor": "middle" }, g, xlabel);
    s("text", { x: 11, y: (m.t + H - m.b) / 2, "class": "rmtdyn-axislabel", "text-anchor": "middle",
      transform: "rotate(-90 11 " + (m.t + H - m.b) / 2 + ")" }, g, ylabel);
  };
  Panel.prototype.px = function (x) {
    var m = this.m, f = this.xlog ? (Math.log(x) - Math.log(this.x0)) / (Math.log(this.x1) - Math.log(this.x0)) : (x - this.x0) / (this.x1 - this.x0);
    return m.l + f * (this.W - m.l - m.r);
  };
  Panel.prototype.py = function (y) {
    var m = this.m;
    return this.H - m.b - (y - this.y0) / (this.y1 - this.y0) * (this.H - m.t - m.b);
  };
  Panel.prototype.invx = function (px) {
    var m = this.m, f = (px - m.l) / (this.W - m.l - m.r);
    return this.xlog ? Math.exp(Math.log(this.x0) + f * (Math.log(this.x1) - Math.log(this.x0))) : this.x0 + f * (this.x1 - this.x0);
  };
  Panel.prototype.path = function (name, attrs) {
    var p = this.paths[name];
    if (!p) { p = this.paths[name] = s("path", { "data-key": name, fill: "none" }, this.data); }
    for (var k in attrs) p.setAttribute(k, attrs[k]);
    return p;
  };
  Panel.prototype.line = function (name, xs, ys, style) {   // a polyline, clipped to the y range
    var d = "", pen = false, ylo = this.y0 - 0.02 * (this.y1 - this.y0), yhi = this.y1 + 0.02 * (this.y1 - this.y0);
    for (var i = 0; i < xs.length; i++) {
      var y = ys[i];
      if (!isFinite(y) || y < ylo || y > yhi || !(xs[i] > 0 || !this.xlog)) { pen = false; continue; }
      d += (pen ? "L" : "M") + this.px(xs[i]).toFixed(1) + " " + this.py(y).toFixed(1);
      pen = true;
    }
    style.d = d || "M0 0";
    style.visibility = d ? "visible" : "hidden";
    this.path(name, style);
  };
  Panel.prototype.hide = function (name) { if (this.paths[name]) this.paths[name].setAttribute("visibility", "hidden"); };

  // ------------------------------------------------------------------ one live figure
  function Live(root, kind) {
    this.root = root;
    this.kind = kind;
    this.id = "rmtdyn-live-" + (++counter);
    var d = root.dataset, lt = (d.log10T || "0 5").split(/\s+/).map(Number);
    this.state = { c: +(d.c || 0.5), mu2: +(d.mu2 || 4), sigma2: +(d.sigma2 || 0.1), alpha: +(d.alpha || 0.01),
      gamma: +(d.gamma || 0), lo: lt[0], hi: lt[1], dynamics: d.dynamics === "gd" ? "gd" : "flow" };
    this.timings = [];
    this.frameTimings = [];
    this.last = null;
    this.cursor = null;
    root.classList.add("rmtdyn-live", kind === "explorer" ? "rmtdyn-explorer" : "rmtdyn-curve");
    root.textContent = "";
    var keys = kind === "explorer" ? ["c", "mu2", "sigma2", "alpha", "lo", "hi", "gamma"] : [d.vary || "sigma2"];
    this.controls = h("div", { "class": "rmtdyn-controls" }, root);
    this.inputs = {};
    for (var i = 0; i < keys.length; i++) this.addSlider(SLIDERS[keys[i]]);
    if (kind === "explorer") this.addDynamics();
    this.status = h("p", { "class": "rmtdyn-status", role: "status", "aria-live": "polite" }, root);
    this.panelsBox = h("div", { "class": "rmtdyn-panels" }, root);
    this.err = new Panel(this.panelsBox, { title: kind === "explorer" ? "(a) errors over training time" : "errors over training time",
      aria: "test and training error against training time",
      legend: [[COLORS.test, "test error", "solid"], [COLORS.train, "training error", "solid"],
        [COLORS.ink, "t = ∞ levels (dotted)", "dotted"], [COLORS.ink, "optimal stopping t* (★)", "dashed"]] });
    if (kind === "explorer") {
      this.spec = new Panel(this.panelsBox, { title: "(b) spectrum of XXᵀ/n", aria: "Marchenko-Pastur spectrum with atom and spike",
        legend: [[COLORS.mp, "Marčenko–Pastur density", "solid"], [COLORS.atom, "mass 1 − 1/c at 0", "solid"], [COLORS.spike, "isolated spike λs", "solid"]] });
      this.snr = new Panel(this.panelsBox, { title: "(c) E²/V over its Cauchy–Schwarz bound", aria: "signal to noise ratio over its bound",
        legend: [[COLORS.snr, "E(t)²/V(t) ÷ bound", "solid"], [COLORS.ink, "bound ‖μ‖⁴/(‖μ‖² + c)", "dashed"]] });
    }
    this.panels = [this.err, this.spec, this.snr].filter(Boolean);
    var self = this;
    this.panels.forEach(function (p) { self.bindCursor(p); });
    this.pending = null;
    if (typeof ResizeObserver === "function") {
      var lastW = 0;
      new ResizeObserver(function () {
        var w = self.panelsBox.clientWidth;
        if (w !== lastW) { lastW = w; self.redraw(); }
      }).observe(this.panelsBox);
    }
    root.rmtdyn = this;
    this.update(performance.now());
    // the static picture this figure stands for stays for print (and without JavaScript)
    var rep = d.replaces && document.getElementById(d.replaces);
    if (rep) rep.classList.add("rmtdyn-replaced");
  }
  Live.prototype.addSlider = function (def) {
    var row = h("div", { "class": "rmtdyn-slider" }, this.controls), id = this.id + "-" + def.key, self = this;
    h("label", { "for": id }, row, def.label);
    var inp = h("input", { type: "range", id: id, min: def.min, max: def.max, step: def.step, "data-key": def.key }, row);
    inp.value = def.toPos(this.state[def.key]);
    var out = h("output", { "for": id }, row);
    var show = function (v) { if (v === undefined) v = def.toValue(+inp.value); out.textContent = def.fmt(v); inp.setAttribute("aria-valuetext", def.label + " " + def.fmt(v)); return v; };
    show(this.state[def.key]);   // the exact starting value (the slider position is rounded to its step)
    inp.addEventListener("input", function (ev) {
      var v = show();
      if (def.key === "lo" && v >= self.state.hi - 0.5) { v = self.state.hi - 0.5; inp.value = v; show(v); }
      if (def.key === "hi" && v <= self.state.lo + 0.5) { v = self.state.lo + 0.5; inp.value = v; show(v); }
      self.state[def.key] = v;
      self.schedule(ev.timeStamp);
    });
    this.inputs[def.key] = inp;
  };
  Live.prototype.addDynamics = function () {
    var fs = h("fieldset", { "class": "rmtdyn-slider rmtdyn-radio" }, this.controls), self = this;
    h("legend", {}, fs, "dynamics");
    [["flow", "gradient flow"], ["gd", "gradient descent (t = steps)"]].forEach(function (o) {
      var lab = h("label", {}, fs);
      var r = h("input", { type: "radio", name: self.id + "-dyn", value: o[0] }, lab);
      r.checked = self.state.dynamics === o[0];
      lab.appendChild(document.createTextNode(" " + o[1]));
      r.addEventListener("change", function (ev) { if (r.checked) { self.state.dynamics = o[0]; self.schedule(ev.timeStamp); } });
      self.inputs["dynamics-" + o[0]] = r;
    });
  };
  // coalesce a burst of input events into one update per animation frame
  Live.prototype.schedule = function (stamp) {
    var self = this;
    if (this.pending !== null) return;
    this.pending = stamp || performance.now();
    requestAnimationFrame(function () { var t0 = self.pending; self.pending = null; self.update(t0); });
  };
  Live.prototype.problem = function () {
    var st = this.state;
    return { c: st.c, mu2: st.mu2, sigma2: st.sigma2, alpha: st.alpha, gamma: st.gamma, dynamics: st.dynamics };
  };
  Live.prototype.update = function (t0) {
    var start = performance.now();
    this.compute();
    this.redraw();
    var end = performance.now();
    this.timings.push(end - start);
    var self = this;
    requestAnimationFrame(function () { self.frameTimings.push(performance.now() - (t0 || start)); });
  };
  Live.prototype.compute = function () {
    var st = this.state, pb = this.problem(), gd = st.dynamics === "gd";
    var tmin = Math.pow(10, st.lo), tmax = Math.pow(10, st.hi);
    if (gd) { tmin = Math.max(tmin, 1); tmax = Math.max(tmax, 1.5 * tmin); }
    var t = geomspace(Math.pow(10, st.lo), Math.pow(10, st.hi), 200);
    if (gd) t = t.map(function (v) { return Math.max(1, Math.round(v)); }).filter(function (v, i, a) { return i === 0 || v !== a[i - 1]; });
    var out = { problem: pb, tmin: tmin, tmax: tmax, t: t, unstable: false, error: null };
    out.edges = TH.mpEdges(st.c);
    out.atom = TH.mpAtom(st.c);
    out.spike = TH.spike(st.c, st.mu2);
    out.bound = TH.cauchySchwarzBound(st.c, st.mu2);
    out.maxStableAlpha = TH.maxStableAlpha(pb);
    if (gd && st.alpha >= out.maxStableAlpha) { out.unstable = true; this.last = out; return; }
    try {
      var r = TH.compute(Object.assign({ t: t }, pb));
      out.test_error = Array.from(r.test_error); out.train_error = Array.from(r.train_error);
      out.E = Array.from(r.E); out.V = Array.from(r.V);
      out.snr = out.E.map(function (e, i) { return out.V[i] > 0 ? e * e / out.V[i] / out.bound : NaN; });
      out.errorEstimate = r.errorEstimate;
      var key = JSON.stringify(pb);      // t* and the limits do not depend on the time window
      if (!this.optCache || this.optCache.key !== key) this.optCache = { key: key, opt: TH.optimalStopping(pb), lim: TH.limits(pb) };
      out.opt = this.optCache.opt;
      out.lim = this.optCache.lim;
    } catch (e) { out.error = String(e.message || e); }
    this.last = out;
  };
  Live.prototype.redraw = function () {
    var o = this.last, st = this.state, P = this.err;
    if (!o) return;
    var gd = st.dynamics === "gd", tl = gd ? "gradient-descent steps k" : "training time t";
    // (a) errors
    var top = ERROR_TOPS[ERROR_TOPS.length - 1];
    if (o.test_error) {
      var mx = Math.max(o.lim.test_error, o.lim.train_error);
      for (var i = 0; i < o.t.length; i++) mx = Math.max(mx, o.test_error[i], o.train_error[i]);
      top = ERROR_TOPS.filter(function (v) { return v >= Math.min(1.1 * mx, ERROR_TOPS[ERROR_TOPS.length - 1]); })[0];
    }
    P.setLimits(o.tmin, o.tmax, 0, top, true, tl, "misclassification rate");
    var ok = !!o.test_error;
    if (ok) {
      P.line("test", o.t, o.test_error, { stroke: COLORS.test, "stroke-width": 2.2 });
      P.line("train", o.t, o.train_error, { stroke: COLORS.train, "stroke-width": 2.2 });
      P.line("test_inf", [o.tmin, o.tmax], [o.lim.test_error, o.lim.test_error], { stroke: COLORS.test, "stroke-width": 1.4, "stroke-dasharray": "2 3" });
      P.line("train_inf", [o.tmin, o.tmax], [o.lim.train_error, o.lim.train_error], { stroke: COLORS.train, "stroke-width": 1.4, "stroke-dasharray": "2 3" });
      var fin = o.opt.t_opt > 0 && o.opt.t_opt < Infinity && o.opt.t_opt >= o.tmin && o.opt.t_opt <= o.tmax;
      if (fin) {
        P.line("t_opt_line", [o.opt.t_opt, o.opt.t_opt], [0, top], { stroke: COLORS.ink, "stroke-width": 1, "stroke-dasharray": "5 3" });
        var x = P.px(o.opt.t_opt), y = P.py(o.opt.test_error_opt);
        P.path("t_opt", { d: star(x, y, 8), fill: COLORS.ink, stroke: "none", visibility: "visible" });
      } else { P.hide("t_opt_line"); P.hide("t_opt"); }
    } else { ["test", "train", "test_inf", "train_inf", "t_opt_line", "t_opt"].forEach(function (k) { P.hide(k); }); }
    // (b) spectrum
    if (this.spec) {
      var S = this.spec, e = o.edges, xs = [], ys = [], dtop = 0;
      for (var k = 0; k < 240; k++) {
        var xx = e[0] + 0.5 * (e[1] - e[0]) * (1 - Math.cos(Math.PI * k / 239));
        var dd = TH.mpDensity(xx, st.c); xs.push(xx); ys.push(dd); dtop = Math.max(dtop, dd);
      }
      var ytop = Math.min(dtop, 1.2);
      if (o.atom > 0) ytop = Math.max(ytop, o.atom);
      var right = o.spike.isolated ? o.spike.location : e[1], xr = niceCeil(1.08 * right + 0.05);
      var y1 = niceCeil(1.35 * ytop);
      S.setLimits(-0.04 * xr, xr, 0, y1, false, "eigenvalue of XXᵀ/n", "density / mass");
      S.line("mp", xs, ys.map(function (v) { return Math.min(v, y1 * 1.01); }), { stroke: COLORS.mp, "stroke-width": 2.2 });
      if (o.atom > 0) {
        S.line("atom", [0, 0], [0, o.atom], { stroke: COLORS.atom, "stroke-width": 3 });
        S.path("atom_dot", { d: circle(S.px(0), S.py(o.atom), 4.5), fill: COLORS.atom, stroke: "none", visibility: "visible" });
      } else { S.hide("atom"); S.hide("atom_dot"); }
      if (o.spike.isolated) {
        S.line("spike", [o.spike.location, o.spike.location], [0, 0.6 * ytop], { stroke: COLORS.spike, "stroke-width": 3 });
        S.path("spike_tri", { d: tri(S.px(o.spike.location), S.py(0.6 * ytop), 6), fill: COLORS.spike, stroke: "none", visibility: "visible" });
      } else { S.hide("spike"); S.hide("spike_tri"); }
    }
    // (c) E²/V over the bound
    if (this.snr) {
      var C = this.snr;
      C.setLimits(o.tmin, o.tmax, 0, 1.08, true, tl, "(E²/V) / bound");
      C.line("cs", [o.tmin, o.tmax], [1, 1], { stroke: COLORS.ink, "stroke-width": 1.3, "stroke-dasharray": "6 4" });
      if (ok) {
        C.line("snr", o.t, o.snr, { stroke: COLORS.snr, "stroke-width": 2.2 });
        var fin2 = o.opt.t_opt > 0 && o.opt.t_opt < Infinity && o.opt.t_opt >= o.tmin && o.opt.t_opt <= o.tmax;
        if (fin2) C.line("snr_t_opt", [o.opt.t_opt, o.opt.t_opt], [0, 1.08], { stroke: COLORS.ink, "stroke-width": 1, "stroke-dasharray": "2 3" });
        else C.hide("snr_t_opt");
      } else { C.hide("snr"); C.hide("snr_t_opt"); }
    }
    this.status.textContent = this.describe();
    this.status.classList.toggle("rmtdyn-warn", !ok);
    this.drawCursor();
  };
  Live.prototype.describe = function () {
    var o = this.last, st = this.state;
    if (o.unstable) return "α = " + num(st.alpha, 3) + " is unstable for gradient descent here: it needs α < 2/(λmax + γ) = " +
      num(o.maxStableAlpha, 3) + ". No curve drawn: lower α or switch to gradient flow.";
    if (o.error) return "No theory for this setting: " + o.error;
    var op = o.opt, stop;
    if (op.t_opt === Infinity) stop = "t* = ∞: stopping early gains nothing";
    else if (op.t_opt === 0) stop = "t* → 0⁺ (σ² = 0: the first instant is the best)";
    else stop = "t* = " + num(op.t_opt, 4) + (st.dynamics === "gd" ? " steps" : "") + (op.t_opt < o.tmin || op.t_opt > o.tmax ? " (outside the window)" : "");
    var txt = stop + "; test error at t*: " + op.test_error_opt.toFixed(4) + ", at t = ∞: " + op.test_error_inf.toFixed(4) +
      "; training error at t = ∞: " + op.train_error_inf.toFixed(4) + ".";
    if (this.kind === "explorer") {
      txt += " Bulk [" + num(o.edges[0], 3) + ", " + num(o.edges[1], 3) + "]" + (o.atom > 0 ? ", mass " + num(o.atom, 3) + " at 0" : "") +
        (o.spike.isolated ? ", spike λs = " + num(o.spike.location, 3) + " (‖μ‖⁴ > c)" : ", no isolated spike (‖μ‖⁴ ≤ c)") +
        "; Cauchy–Schwarz bound " + num(o.bound, 4) + ".";
    }
    if (!(o.errorEstimate <= TH.LIMIT)) txt += " Warning: quadrature error estimate " + num(o.errorEstimate, 2) + ".";
    return txt;
  };
  function star(x, y, r) {
    var d = "";
    for (var i = 0; i < 10; i++) {
      var a = -Math.PI / 2 + i * Math.PI / 5, rr = i % 2 ? r * 0.45 : r;
      d += (i ? "L" : "M") + (x + rr * Math.cos(a)).toFixed(1) + " " + (y + rr * Math.sin(a)).toFixed(1);
    }
    return d + "Z";
  }
  function circle(x, y, r) { return "M" + (x - r) + " " + y + "a" + r + " " + r + " 0 1 0 " + 2 * r + " 0a" + r + " " + r + " 0 1 0 " + -2 * r + " 0Z"; }
  function tri(x, y, r) { return "M" + x + " " + (y - r) + "L" + (x + r) + " " + (y + r * 0.8) + "L" + (x - r) + " " + (y + r * 0.8) + "Z"; }

  // ------------------------------------------------------------------ cursor: pointer, touch, keyboard
  Live.prototype.bindCursor = function (P) {
    var self = this;
    var move = function (ev) {
      var r = P.svg.getBoundingClientRect(), px = ev.clientX - r.left;
      if (px < P.m.l || px > P.W - P.m.r) return;
      self.setCursor(P, P.invx(px));
    };
    P.svg.addEventListener("pointermove", move);
    P.svg.addEventListener("pointerdown", move);
    P.svg.addEventListener("keydown", function (ev) {
      var step = ev.shiftKey ? 10 : 1, dir = ev.key === "ArrowRight" ? 1 : ev.key === "ArrowLeft" ? -1 : 0;
      if (!dir) return;
      ev.preventDefault();
      var n = 120, frac = self.cursor && self.cursor.panel === P ? self.cursor.frac : 0.5;
      frac = Math.min(1, Math.max(0, frac + dir * step / n));
      self.setCursor(P, P.xlog ? Math.exp(Math.log(P.x0) + frac * (Math.log(P.x1) - Math.log(P.x0))) : P.x0 + frac * (P.x1 - P.x0));
    });
    P.svg.addEventListener("focus", function () { if (!self.cursor || self.cursor.panel !== P) self.setCursor(P, P.xlog ? Math.sqrt(P.x0 * P.x1) : 0.5 * (P.x0 + P.x1)); });
  };
  Live.prototype.setCursor = function (P, x) {
    var frac = P.xlog ? (Math.log(x) - Math.log(P.x0)) / (Math.log(P.x1) - Math.log(P.x0)) : (x - P.x0) / (P.x1 - P.x0);
    this.cursor = { panel: P, x: x, frac: frac };
    this.drawCursor();
  };
  Live.prototype.drawCursor = function () {
    var self = this, c = this.cursor, o = this.last;
    this.panels.forEach(function (P) { while (P.cursorG.firstChild) P.cursorG.removeChild(P.cursorG.firstChild); });
    if (!c || !o) return;
    var P = c.panel;
    if (P === this.spec) {
      var x = Math.min(Math.max(c.x, P.x0), P.x1), dens = TH.mpDensity(x, this.state.c);
      s("line", { x1: P.px(x), x2: P.px(x), y1: P.m.t, y2: P.H - P.m.b, "class": "rmtdyn-cursorline" }, P.cursorG);
      P.readout.textContent = "x = " + num(x, 4) + ": MP density " + num(dens, 4) +
        (o.atom > 0 ? "; mass at 0: " + num(o.atom, 4) : "") + (o.spike.isolated ? "; spike at " + num(o.spike.location, 4) : "");
      return;
    }
    if (!o.test_error) { P.readout.textContent = "\u00a0"; return; }
    // nearest computed time (the same index in both time panels)
    var best = 0;
    for (var i = 1; i < o.t.length; i++) if (Math.abs(Math.log(o.t[i] / c.x)) < Math.abs(Math.log(o.t[best] / c.x))) best = i;
    var tt = o.t[best], lab = this.state.dynamics === "gd" ? "k" : "t";
    [this.err, this.snr].filter(Boolean).forEach(function (Q) {
      s("line", { x1: Q.px(tt), x2: Q.px(tt), y1: Q.m.t, y2: Q.H - Q.m.b, "class": "rmtdyn-cursorline" }, Q.cursorG);
    });
    s("path", { d: circle(this.err.px(tt), this.err.py(o.test_error[best]), 3.5), fill: COLORS.test }, this.err.cursorG);
    s("path", { d: circle(this.err.px(tt), this.err.py(o.train_error[best]), 3.5), fill: COLORS.train }, this.err.cursorG);
    this.err.readout.textContent = lab + " = " + num(tt, 4) + ": test " + o.test_error[best].toFixed(4) + ", training " + o.train_error[best].toFixed(4);
    if (this.snr) {
      s("path", { d: circle(this.snr.px(tt), this.snr.py(o.snr[best]), 3.5), fill: COLORS.snr }, this.snr.cursorG);
      this.snr.readout.textContent = lab + " = " + num(tt, 4) + ": E²/V = " + num(o.snr[best] * o.bound, 4) + " (" + (100 * o.snr[best]).toFixed(1) + "% of the bound " + num(o.bound, 4) + ")";
    }
    this.cursorIndex = best;
  };

  function mountAll() {
    if (!TH) return;
    var els = document.querySelectorAll("[data-rmtdyn-live]");
    for (var i = 0; i < els.length; i++) if (!els[i].rmtdyn) new Live(els[i], els[i].getAttribute("data-rmtdyn-live"));
  }
  window.rmtdynLive = { mountAll: mountAll, Live: Live };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
})();
