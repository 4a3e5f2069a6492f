/* rmtdyn-theory.js — the asymptotic theory of the book, in the reader's browser.
 *
 * A JavaScript port of rmtdyn.predict / rmtdyn.limits / rmtdyn.theory.optimal_stopping and of
 * the Marčenko–Pastur law (rmtdyn.spectrum), for the live figures of the HTML book. The Python
 * library is the source of truth; tests/browser/test_live.py checks this file against it.
 *
 * Test statistic:   E(t) = ∫ g_t dμ,  V(t) = κ ∫ g_t² dμ + σ² ∫ f_t² dν,  κ = (‖μ‖² + c)/‖μ‖²
 * Training margins: E_tr = κ E,        V_tr = κ ∫ x g_t² dμ + σ² ∫ x f_t² dν
 * Errors: Q(E/√V) and Q(E_tr/√(V_tr − E_tr²)); filters f_t(x) = e^{−αt(x+γ)} (flow) or
 * (1 − α(x+γ))^k (GD), g_t = (1 − f_t)/(x + γ).
 *
 * Quadrature. Every bulk integral has the form ∫_{λ−}^{λ+} √((x−λ−)(λ+−x)) h(x) dx. With
 * x = λ± ∓ 2·half·sin²(u/2) (u the angle from either edge, half = (λ+−λ−)/2) it becomes a smooth
 * integral over two halves u ∈ [0, π/2] with the weight half² sin²u, and x stays exact near both
 * edges. The filters vary on the scale 1/(αt) near the edges (and the weights of ν and μ on the
 * scales λ− and λs − λ+), so each time gets its own adaptive rule: an initial mesh graded
 * geometrically towards the edges down to those scales, then a global adaptive loop. Each panel
 * holds its 16-point Gauss–Legendre value P and the values L, R on its two halves (a nested
 * check); its error is |L + R − P| relative to the size of each term, and the panel with the
 * largest error is bisected until the errors sum to less than 1e-11. The value returned is the
 * sum of the L + R, the sum of the errors a (conservative) estimate, reported as `errorEstimate`
 * by compute(); predict() throws if it exceeds 1e-10, naming the setting.
 * The pole of ν at 0 and of μ at λs are removed as in the Python library (divided differences
 * against h(0) and h(λs), whose masses are known in closed form).
 */
(function (root) {
  "use strict";

  var TOL = 1e-11;          // target of the adaptive rule (relative to the size of each term)
  var LIMIT = 1e-10;        // predict throws when its error estimate exceeds this
  var GL_N = 16;

  // ------------------------------------------------------------------ Gauss–Legendre nodes
  function gaussLegendre(n) {
    var x = new Float64Array(n), w = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      var z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5)), dp = 0;
      for (var it = 0; it < 100; it++) {      // Newton on P_n(z) = 0
        var p0 = 1, p1 = z;
        for (var k = 2; k <= n; k++) { var p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k; p0 = p1; p1 = p2; }
        dp = n * (z * p1 - p0) / (z * z - 1);
        var dz = p1 / dp;
        z -= dz;
        if (Math.abs(dz) < 1e-16) break;
      }
      var q0 = 1, q1 = z;
      for (var m = 2; m <= n; m++) { var q2 = ((2 * m - 1) * z * q1 - (m - 1) * q0) / m; q0 = q1; q1 = q2; }
      dp = n * (z * q1 - q0) / (z * z - 1);
      x[i] = z;
      w[i] = 2 / ((1 - z * z) * dp * dp);
    }
    return { x: x, w: w };
  }
  var GL = gaussLegendre(GL_N);

  // ------------------------------------------------------------------ input checks
  function num(v, name, allowed, ok) {
    if (typeof v !== "number" || !isFinite(v) || !ok(v)) {
      throw new RangeError(name + " must be " + allowed + "; got " + String(v));
    }
    return v;
  }
  function settings(o) {
    if (o === null || typeof o !== "object") throw new TypeError("predict takes one object {c, mu2, sigma2, alpha, dynamics, t, gamma}");
    var s = {
      c: num(o.c, "c", "c = p/n > 0", function (v) { return v > 0; }),
      mu2: num(o.mu2, "mu2", "mu2 = ||mu||^2 > 0", function (v) { return v > 0; }),
      sigma2: num(o.sigma2 === undefined ? 0 : o.sigma2, "sigma2", "a variance >= 0", function (v) { return v >= 0; }),
      alpha: num(o.alpha === undefined ? 0.01 : o.alpha, "alpha", "learning rate alpha > 0", function (v) { return v > 0; }),
      gamma: num(o.gamma === undefined || o.gamma === null ? 0 : o.gamma, "gamma", "ridge penalty gamma >= 0", function (v) { return v >= 0; }),
      dynamics: o.dynamics === undefined ? "flow" : o.dynamics
    };
    if (s.dynamics !== "flow" && s.dynamics !== "gd") throw new RangeError("dynamics must be 'flow' or 'gd'; got " + String(s.dynamics));
    var sc = Math.sqrt(s.c), m = s.mu2, c = s.c;
    s.lm = (1 - sc) * (1 - sc);
    s.lp = (1 + sc) * (1 + sc);
    s.half = 2 * sc;
    s.center = 1 + c;
    s.ls = c + 1 + m + c / m;
    s.gap = (m - sc) * (m - sc) / m;          // λs − λ+, without cancellation near the transition
    s.isolated = m * m > c;
    s.ws = Math.max(0, m * m - c) / m;         // Dirac mass of μ at λs
    s.k = (m + c) / m;
    s.lambdaMax = s.isolated ? s.ls : s.lp;
    s.maxStableAlpha = 2 / (s.lambdaMax + s.gamma);
    return s;
  }
  function times(t, gd) {
    if (typeof t === "number" || typeof t === "string") t = [t];
    if (!t || typeof t.length !== "number" || t.length === 0) throw new TypeError("t must be a number or a non-empty array of times >= 0 (Infinity or 'inf' allowed)");
    var out = new Float64Array(t.length);
    for (var i = 0; i < t.length; i++) {
      var v = t[i];
      if (v === "inf" || v === "Infinity") v = Infinity;
      if (typeof v !== "number" || isNaN(v) || v < 0) throw new RangeError("t must hold times >= 0 (Infinity or 'inf' allowed); got " + String(t[i]));
      if (gd && isFinite(v) && v !== Math.round(v)) throw new RangeError("t counts gradient-descent steps and must hold whole numbers >= 0 (or inf); got " + v);
      out[i] = v;
    }
    return out;
  }
  function checkGdStep(s) {
    if (s.alpha >= s.maxStableAlpha) {
      throw new RangeError("alpha=" + s.alpha + " is an unstable gradient-descent step for this problem: GD needs alpha < 2/(lambda_max + gamma) = " +
        s.maxStableAlpha.toPrecision(6) + " (lambda_max = " + s.lambdaMax.toPrecision(6) + ", gamma = " + s.gamma + ")");
    }
  }

  // ------------------------------------------------------------------ filters at one point
  // returns [f, g] at x + gamma for time t (finite)
  function filt(X, t, alpha, gd, out) {
    if (X === 0) { out[0] = 1; out[1] = alpha * t; return; }
    var em1;
    if (!gd) {
      em1 = Math.expm1(-alpha * t * X);
      out[0] = em1 + 1; out[1] = -em1 / X;
    } else {
      var ax = alpha * X;
      if (ax < 1) {
        em1 = Math.expm1(t * Math.log1p(-ax));
        out[0] = em1 + 1; out[1] = -em1 / X;
      } else {
        var pw = Math.pow(1 - ax, t);
        out[0] = pw; out[1] = (1 - pw) / X;
      }
    }
  }

  // ------------------------------------------------------------------ one time: adaptive rule
  // The five bulk sums (see integrate): q[0] = ∫ (f² − f0²) dν_bulk-divided, q[1] = ∫ x f² dν,
  // q[2..4] = divided differences of g, g², x g² against their values at λs (or direct sums).
  var NQ = 5;

  function panel(s, t, side, a, b, direct, gs, f0sq, out) {
    // 16-point Gauss–Legendre on u ∈ [a, b], u = the angle from one edge (side 0: λ+, side 1: λ−),
    // so that x is exact near both edges: x = λ+ − 2·half·sin²(u/2) or λ− + 2·half·sin²(u/2)
    var mid = 0.5 * (a + b), hw = 0.5 * (b - a), gd = s.dynamics === "gd";
    var h2 = s.half * s.half, inv2pi = 1 / (2 * Math.PI), c = s.c, ls = s.ls, gam = s.gamma;
    var al = s.alpha, at = -s.alpha * t, twoHalf = 2 * s.half, lp = s.lp, lm = s.lm, gap = s.gap;
    var gs2 = gs * gs, lsgs2 = ls * gs2, glx = GL.x, glw = GL.w;
    var o0 = 0, o1 = 0, o2 = 0, o3 = 0, o4 = 0;
    for (var i = 0; i < GL_N; i++) {
      var u = mid + hw * glx[i], x, dls;
      var sn = Math.sin(u), sh = Math.sin(0.5 * u), d = twoHalf * sh * sh;
      var W = glw[i] * hw * h2 * sn * sn * inv2pi;
      if (side === 0) { x = lp - d; dls = gap + d; }
      else { x = lm + d; dls = ls - x; }
      var X = x + gam, f, g, em1;
      if (X === 0) { f = 1; g = al * t; }
      else if (!gd) { em1 = Math.expm1(at * X); f = em1 + 1; g = -em1 / X; }
      else if (al * X < 1) { em1 = Math.expm1(t * Math.log1p(-al * X)); f = em1 + 1; g = -em1 / X; }
      else { f = Math.pow(1 - al * X, t); g = (1 - f) / X; }
      var f2 = f * f, g2 = g * g, wn = W / c, wm = W / dls;
      o0 += (wn / x) * (f2 - f0sq);
      o1 += wn * f2;
      if (direct) { o2 += wm * g; o3 += wm * g2; o4 += wm * x * g2; }
      else { o2 += wm * (gs - g); o3 += wm * (gs2 - g2); o4 += wm * (lsgs2 - x * g2); }
    }
    out[0] = o0; out[1] = o1; out[2] = o2; out[3] = o3; out[4] = o4;
  }

  function integrate(s, t, direct, gs, f0sq, tol) {
    // Initial mesh on each half u ∈ [0, π/2], geometric (ratio 4) towards the edge down to the
    // smallest scale there: the filter scale 1/(αt) at λ− (and at λ+ for GD, where (1 − αx)^k
    // may live too), the distance λ− to the pole of ν at 0, the gap λs − λ+ to the pole of μ.
    var gd = s.dynamics === "gd", ft = 1 / (s.alpha * t);
    var rTop = Math.abs(1 - s.alpha * (s.lp + s.gamma));            // |1 − αx| at λ+ (GD)
    var topLives = gd && t * Math.log(Math.max(rTop, 1e-300)) > -35;  // (1 − αx)^k not negligible there
    var scales = [Math.min(topLives ? ft : Infinity, s.gap > 0 ? s.gap : Infinity),
                  Math.min(ft, s.lm > 0 ? s.lm : Infinity)];
    var list = [], q, i;
    var total = new Float64Array(NQ);
    for (var side = 0; side < 2; side++) {
      var u0 = Math.max(Math.min(0.25 * Math.sqrt(2 * scales[side] / s.half), 0.5), 1e-12);
      var bps = [0];
      for (var v = u0; v < 0.5; v *= 4) bps.push(v);
      bps.push(0.5, 0.5 * Math.PI);
      for (i = 0; i + 1 < bps.length; i++) {
        var P = new Float64Array(NQ);
        panel(s, t, side, bps[i], bps[i + 1], direct, gs, f0sq, P);
        list.push(split(s, t, side, bps[i], bps[i + 1], P, direct, gs, f0sq));
        for (q = 0; q < NQ; q++) total[q] += P[q];
      }
    }
    // size of each sum: itself and the closed-form part it is combined with (the ν sums enter
    // V and V_tr multiplied by σ², next to the signal parts; with σ² = 0 they do not count)
    var gs2 = gs * gs, sig = s.sigma2, size = new Float64Array(NQ);
    size[2] = Math.max(Math.abs(total[2]), direct ? 0 : s.mu2 * Math.abs(gs));
    size[3] = Math.max(Math.abs(total[3]), direct ? 0 : s.mu2 * gs2);
    size[4] = Math.max(Math.abs(total[4]), direct ? 0 : s.mu2 * s.ls * gs2);
    var vSig = s.k * Math.abs(direct ? total[3] : s.mu2 * gs2 - total[3]);
    var vtrSig = s.k * Math.abs(direct ? total[4] : s.mu2 * s.ls * gs2 - total[4]);
    size[0] = sig > 0 ? Math.max(Math.abs(total[0]), f0sq, vSig / sig) : Infinity;
    size[1] = sig > 0 ? Math.max(Math.abs(total[1]), vtrSig / sig) : Infinity;
    for (q = 0; q < NQ; q++) size[q] = Math.max(size[q], 1e-300);
    for (i = 0; i < list.length; i++) rate(list[i], size, tol);
    // global adaptive loop: bisect the panel with the largest error until the sum is below TOL
    var panels = list.length;
    for (;;) {
      var errSum = 0, worst = -1;
      for (i = 0; i < list.length; i++) {
        errSum += list[i].err;
        if (list[i].splittable && (worst < 0 || list[i].err > list[worst].err)) worst = i;
      }
      if (errSum <= tol || worst < 0 || panels > 3000) break;
      var w = list[worst], m = 0.5 * (w.a + w.b);
      var c1 = split(s, t, w.side, w.a, m, w.L, direct, gs, f0sq);
      var c2 = split(s, t, w.side, m, w.b, w.R, direct, gs, f0sq);
      rate(c1, size, tol); rate(c2, size, tol);
      list[worst] = c1; list.push(c2);
      panels += 2;
    }
    var sum = new Float64Array(NQ), est = 0;
    for (i = 0; i < list.length; i++) {
      est += list[i].err;
      for (q = 0; q < NQ; q++) sum[q] += list[i].L[q] + list[i].R[q];
    }
    return { q: sum, err: est, panels: panels };
  }
  // a panel with its Gauss–Legendre value P and the values L, R on its two halves
  function split(s, t, side, a, b, P, direct, gs, f0sq) {
    var m = 0.5 * (a + b), L = new Float64Array(NQ), R = new Float64Array(NQ);
    panel(s, t, side, a, m, direct, gs, f0sq, L);
    panel(s, t, side, m, b, direct, gs, f0sq, R);
    return { side: side, a: a, b: b, P: P, L: L, R: R, err: 0, splittable: true };
  }
  // its error: max over the sums of |L + R − P| relative to their sizes; a panel whose
  // disagreement is at the rounding level of its own values cannot be improved by splitting
  function rate(p, size, tol) {
    var e = 0, noise = true;
    for (var q = 0; q < NQ; q++) {
      var d = Math.abs(p.L[q] + p.R[q] - p.P[q]), r = d / size[q];
      if (r > e) e = r;
      if (r > 1e-3 * tol && d > 1e-14 * (Math.abs(p.L[q]) + Math.abs(p.R[q]))) noise = false;
    }
    p.err = e;
    p.splittable = !noise && (p.b - p.a) > 1e-14 * p.b;
  }

  // ------------------------------------------------------------------ Gaussian tail Q
  // Q(r) = erfc(r/√2)/2: a series with positive terms for |z| < 2.5, Lentz's continued fraction beyond
  var SQRT_PI = Math.sqrt(Math.PI);
  function erfcPos(z) {          // z >= 0
    if (z < 2.5) {
      var term = z, sum = z, n = 0;
      while (Math.abs(term) > 1e-17 * sum) { n++; term *= 2 * z * z / (2 * n + 1); sum += term; }
      return 1 - 2 / SQRT_PI * Math.exp(-z * z) * sum;
    }
    // erfc(z) = e^{-z²}/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))), modified Lentz
    var tiny = 1e-300, f = z, C = z, D = 0;
    for (var k = 1; k < 500; k++) {
      var ak = k / 2;
      D = z + ak * D; D = D === 0 ? tiny : D; D = 1 / D;
      C = z + ak / C; C = C === 0 ? tiny : C;
      var delta = C * D; f *= delta;
      if (Math.abs(delta - 1) < 1e-16) break;
    }
    return Math.exp(-z * z) / (SQRT_PI * f);
  }
  function ndtrNeg(r) {          // Q(r) = Φ(−r)
    if (r === Infinity) return 0;
    if (r === -Infinity) return 1;
    var z = r / Math.SQRT2;
    return z >= 0 ? 0.5 * erfcPos(z) : 1 - 0.5 * erfcPos(-z);
  }
  function errorRate(E, variance) {  // as rmtdyn.theory.error_rate (mean and variance)
    var v = Math.max(variance, 0), r;
    if (v === Infinity) r = 0;
    else if (v > 0) r = E / Math.sqrt(v);
    else r = E === 0 ? 0 : (E > 0 ? Infinity : -Infinity);
    return ndtrNeg(r);
  }

  // ------------------------------------------------------------------ limits t = ∞
  function mpStieltjesReal(z, c) {   // z < λ−, real
    var sc = Math.sqrt(c), lm = (1 - sc) * (1 - sc), lp = (1 + sc) * (1 + sc);
    return 2 / (1 - c - z + Math.sqrt(lm - z) * Math.sqrt(lp - z));
  }
  function ridgeMoments(c, mu2, gamma) {
    var z = -gamma, m;
    if (c > 1) {
      var sc = Math.sqrt(c), lm = (1 - sc) * (1 - sc), lp = (1 + sc) * (1 + sc);
      var other = 2 / (1 - c - z - Math.sqrt(lm - z) * Math.sqrt(lp - z));
      m = 1 / (c * z * other);
    } else {
      m = mpStieltjesReal(z, c);
    }
    var dm = -(c * m * m + m) / (2 * c * z * m - (1 - c - z));
    var d = 1 + (mu2 + c) * m;
    return [mu2 * m / d, mu2 * dm / (d * d)];
  }
  function limitsOf(s, sigma2) {
    var c = s.c, mu2 = s.mu2, gamma = s.gamma, E, V, Etr, Vtr;
    if (gamma > 0) {
      var r = ridgeMoments(c, mu2, gamma);
      E = r[0]; V = s.k * r[1]; Etr = s.k * E; Vtr = s.k * E - gamma * V;
    } else {
      E = mu2 / (mu2 + Math.max(1, c));
      if (c < 1) V = (mu2 + c) / ((1 - c) * (1 + mu2) * (1 + mu2));
      else if (c === 1) V = Infinity;
      else V = c / ((c - 1) * (mu2 + c)) + sigma2 * (1 - 1 / c);
      Etr = (mu2 + c) / (mu2 + Math.max(1, c)); Vtr = Etr;
    }
    return { E: E, V: V, E_train: Etr, V_train: Vtr,
      test_error: errorRate(E, V), train_error: errorRate(Etr, Vtr - Etr * Etr) };
  }

  // ------------------------------------------------------------------ the theorem at every time
  // compute(o[, tol]): every array of the prediction plus errorEstimate (relative to the size of
  // each term; tol defaults to 1e-11, a looser one only serves to locate a minimum on a grid)
  function compute(o, tol) {
    tol = tol || TOL;
    var s = settings(o), gd = s.dynamics === "gd";
    var t = times(o.t, gd);
    if (gd) checkGdStep(s);
    var T = t.length, k = s.k, sig = s.sigma2;
    var E = new Float64Array(T), V = new Float64Array(T), Etr = new Float64Array(T), Vtr = new Float64Array(T);
    var test = new Float64Array(T), train = new Float64Array(T), errEst = 0, panels = 0;
    var direct = gd && s.alpha * (s.ls + s.gamma) > 2;   // no atom; only below the transition
    var lim0 = null, fg = [0, 0];
    for (var i = 0; i < T; i++) {
      var ti = t[i];
      if (ti === 0) {
        E[i] = 0; V[i] = sig; Etr[i] = 0; Vtr[i] = sig;
      } else if (ti === Infinity) {
        if (!lim0) lim0 = limitsOf(s, 0);
        var wsl = s.ws / (s.ls + s.gamma);
        var vinit = s.gamma === 0 ? Math.max(0, 1 - 1 / s.c) : 0;
        E[i] = (lim0.E - wsl) + wsl;
        V[i] = (lim0.V - k * wsl / (s.ls + s.gamma)) + k * wsl / (s.ls + s.gamma) + sig * vinit;
        Etr[i] = k * E[i];
        Vtr[i] = lim0.V_train;
      } else {
        filt(s.gamma, ti, s.alpha, gd, fg);
        var f0sq = fg[0] * fg[0], gs = 0;
        if (!direct) { filt(s.ls + s.gamma, ti, s.alpha, gd, fg); gs = fg[1]; }
        var r = integrate(s, ti, direct, gs, f0sq, tol), q = r.q;
        errEst = Math.max(errEst, r.err); panels += r.panels;
        var muG, muG2, muXG2;
        if (direct) { muG = q[2]; muG2 = q[3]; muXG2 = q[4]; }
        else { muG = s.mu2 * gs - q[2]; muG2 = s.mu2 * gs * gs - q[3]; muXG2 = s.mu2 * s.ls * gs * gs - q[4]; }
        var Es = s.ws * gs;
        E[i] = (muG - Es) + Es;
        V[i] = k * (muG2 - s.ws * gs * gs) + k * s.ws * gs * gs + sig * (f0sq + q[0]);
        Etr[i] = k * E[i];
        Vtr[i] = k * muXG2 + sig * q[1];
      }
      test[i] = errorRate(E[i], V[i]);
      train[i] = errorRate(Etr[i], Vtr[i] - Etr[i] * Etr[i]);
    }
    return { t: t, E: E, V: V, E_train: Etr, V_train: Vtr, test_error: test, train_error: train,
      errorEstimate: errEst, panels: panels, settings: s };
  }

  function encode(a) {
    var out = new Array(a.length);
    for (var i = 0; i < a.length; i++) out[i] = a[i] === Infinity ? "inf" : (a[i] === -Infinity ? "-inf" : a[i]);
    return out;
  }
  var KEYS = ["t", "test_error", "train_error", "E", "V", "E_train", "V_train"];

  /** predict({c, mu2, sigma2, alpha, dynamics, t, gamma}) -> the object of `python -m rmtdyn predict --json`. */
  function predict(o) {
    var r = compute(o), out = {};
    if (!(r.errorEstimate <= LIMIT)) {
      throw new Error("rmtdynTheory.predict: the quadrature could not reach 1e-10 (estimate " + r.errorEstimate +
        ") at c=" + r.settings.c + ", mu2=" + r.settings.mu2 + ", alpha=" + r.settings.alpha + ", gamma=" + r.settings.gamma);
    }
    for (var i = 0; i < KEYS.length; i++) out[KEYS[i]] = encode(r[KEYS[i]]);
    return out;
  }

  function limits(o) { var s = settings(o); return limitsOf(s, s.sigma2); }

  // ------------------------------------------------------------------ optimal stopping
  function testErrorAt(o, t) { return compute(Object.assign({}, o, { t: [t] })).test_error[0]; }

  function brent(fn, a, b, xtol) {   // minimise fn on [a, b]: golden section with parabolic steps
    var g = 0.3819660112501051, x = a + g * (b - a), w = x, v = x, fx = fn(x), fw = fx, fv = fx, d = 0, e = 0;
    for (var it = 0; it < 500; it++) {
      var m = 0.5 * (a + b), tol1 = 1.4901161193847656e-8 * Math.abs(x) + xtol / 3, tol2 = 2 * tol1;
      if (Math.abs(x - m) <= tol2 - 0.5 * (b - a)) break;
      var golden = true;
      if (Math.abs(e) > tol1) {
        var r = (x - w) * (fx - fv), q = (x - v) * (fx - fw), p = (x - v) * q - (x - w) * r;
        q = 2 * (q - r);
        if (q > 0) p = -p; else q = -q;
        if (Math.abs(p) < Math.abs(0.5 * q * e) && p > q * (a - x) && p < q * (b - x)) {
          e = d; d = p / q; golden = false;
          var uu = x + d;
          if (uu - a < tol2 || b - uu < tol2) d = x < m ? tol1 : -tol1;
        }
      }
      if (golden) { e = (x < m ? b : a) - x; d = g * e; }
      var u = Math.abs(d) >= tol1 ? x + d : x + (d > 0 ? tol1 : -tol1), fu = fn(u);
      if (fu <= fx) {
        if (u < x) b = x; else a = x;
        v = w; fv = fw; w = x; fw = fx; x = u; fx = fu;
      } else {
        if (u < x) a = u; else b = u;
        if (fu <= fw || w === x) { v = w; fv = fw; w = u; fw = fu; }
        else if (fu <= fv || v === x || v === w) { v = u; fv = fu; }
      }
    }
    return [x, fx];
  }
  function roundHalfEven(x) {
    var r = Math.round(x);
    if (Math.abs(x % 1) === 0.5 && r % 2 !== 0) r -= 1;
    return r;
  }
  function timeGrid(s, points) {
    var out = [], gd = s.dynamics === "gd";
    for (var i = 0; i < points; i++) {
      var tau = Math.pow(10, -3 + 10 * i / (points - 1)), t = tau / s.alpha;
      out.push(gd ? Math.max(1, roundHalfEven(t)) : t);
    }
    if (gd) out = out.filter(function (v, j) { return j === 0 || v !== out[j - 1]; });
    return out;
  }

  /** optimalStopping(settings) -> {t_opt, test_error_opt, test_error_inf, train_error_inf} as rmtdyn optimal --json. */
  function optimalStopping(o, points) {
    points = points || 400;
    var s = settings(o), gd = s.dynamics === "gd", rtol = 1e-10;
    if (gd) checkGdStep(s);
    var lim = limitsOf(s, s.sigma2), grid = timeGrid(s, points);
    // the grid minimum (as rmtdyn: `points` log-spaced times), found among every 4th grid time
    // first, then among the grid times within 4 coarse steps of the coarse minimum; the grid
    // values only bracket the minimum (tolerance 1e-7), the value kept is recomputed in full
    var err = new Float64Array(grid.length).fill(Infinity), j, i = 0;
    var evalAt = function (idx) {
      var r = compute(Object.assign({}, o, { t: idx.map(function (k) { return grid[k]; }) }), 1e-7).test_error;
      for (var n = 0; n < idx.length; n++) err[idx[n]] = r[n];
    };
    var coarse = [];
    for (j = 0; j < grid.length; j += 4) coarse.push(j);
    if (coarse[coarse.length - 1] !== grid.length - 1) coarse.push(grid.length - 1);
    evalAt(coarse);
    var ic = coarse[0];
    for (j = 1; j < coarse.length; j++) if (err[coarse[j]] < err[ic]) ic = coarse[j];
    var fine = [];
    for (j = Math.max(0, ic - 16); j <= Math.min(grid.length - 1, ic + 16); j++) if (err[j] === Infinity) fine.push(j);
    if (fine.length) evalAt(fine);
    for (j = 1; j < err.length; j++) if (err[j] < err[i]) i = j;
    err[i] = testErrorAt(o, grid[i]);
    err[grid.length - 1] = testErrorAt(o, grid[grid.length - 1]);
    var eInf = lim.test_error, bestT = grid[i], bestE = err[i], res;
    var flowErr = function (u) { return testErrorAt(o, Math.exp(u)); };
    if (i > 0 && i < grid.length - 1) {
      if (!gd) {
        res = brent(flowErr, Math.log(grid[i - 1]), Math.log(grid[i + 1]), 1e-10);
        if (res[1] < bestE) { bestT = Math.exp(res[0]); bestE = res[1]; }
      } else {
        var lo = grid[i - 1], hi = grid[i + 1];
        while (hi - lo > 64) {
          var a = lo + roundHalfEven(0.382 * (hi - lo)), b = lo + roundHalfEven(0.618 * (hi - lo));
          if (testErrorAt(o, a) <= testErrorAt(o, b)) hi = b; else lo = a;
        }
        var ks = [];
        for (var kk = lo; kk <= hi; kk++) ks.push(kk);
        var ek = compute(Object.assign({}, o, { t: ks })).test_error, jb = 0;
        for (var jj = 1; jj < ek.length; jj++) if (ek[jj] < ek[jb]) jb = jj;
        bestT = ks[jb]; bestE = ek[jb];
      }
    }
    if (i === 0 && !gd) {
      if (s.sigma2 === 0) {
        var e0 = errorRate(Math.sqrt(s.mu2 * s.mu2 / (s.mu2 + s.c)), 1);
        bestT = 0; bestE = Math.min(bestE, e0);
      } else {
        res = brent(flowErr, Math.log(grid[0] * 1e-6), Math.log(grid[1]), 1e-10);
        if (res[1] < bestE) { bestT = Math.exp(res[0]); bestE = res[1]; }
      }
    }
    if (eInf <= bestE * (1 + rtol) || (i === grid.length - 1 && eInf <= err[err.length - 1])) { bestT = Infinity; bestE = eInf; }
    return { t_opt: bestT, test_error_opt: bestE, test_error_inf: eInf, train_error_inf: lim.train_error };
  }

  // ------------------------------------------------------------------ spectrum
  function mpEdges(c) { var s = Math.sqrt(c); return [(1 - s) * (1 - s), (1 + s) * (1 + s)]; }
  function mpDensity(x, c) {
    var e = mpEdges(c);
    if (!(x > e[0] && x < e[1])) return 0;
    return Math.sqrt((x - e[0]) * (e[1] - x)) / (2 * Math.PI * c * x);
  }
  function mpAtom(c) { return Math.max(0, 1 - 1 / c); }
  function spike(c, mu2) {
    return { location: c + 1 + mu2 + c / mu2, isolated: mu2 * mu2 > c, weight: Math.max(0, mu2 * mu2 - c) / mu2 };
  }
  function csBound(c, mu2) { return mu2 * mu2 / (mu2 + c); }

  var api = {
    version: "1",
    predict: predict,
    compute: compute,
    limits: limits,
    optimalStopping: optimalStopping,
    errorRate: errorRate,
    mpEdges: mpEdges, mpDensity: mpDensity, mpAtom: mpAtom, spike: spike,
    cauchySchwarzBound: csBound,
    maxStableAlpha: function (o) { return settings(o).maxStableAlpha; },
    TOL: TOL, LIMIT: LIMIT
  };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.rmtdynTheory = api;
})(typeof window !== "undefined" ? window : this);
