"""Naive, independent reference computations (used by the tests and the benchmark).

Written from the slides' formulas directly, sharing no code with ``rmtdyn.spectrum``
or ``rmtdyn.theory``: one adaptive ``scipy.integrate.quad`` call per time and per
integral, the measures' densities and atoms typed in again here.
"""

import math

import numpy as np
from scipy import integrate
from scipy.special import ndtr


def _edges(c):
    return (1 - math.sqrt(c)) ** 2, (1 + math.sqrt(c)) ** 2


def nu_density(x, c):
    lm, lp = _edges(c)
    return math.sqrt(max(0.0, (x - lm) * (lp - x))) / (2 * math.pi * c * x)


def mu_density(x, c, mu2):
    lm, lp = _edges(c)
    ls = c + 1 + mu2 + c / mu2
    return math.sqrt(max(0.0, (x - lm) * (lp - x))) / (2 * math.pi * (ls - x))


def nu_bulk_integral(h, c, **opts):
    """int h(x) nu_bulk(dx) by QUADPACK's algebraic-weight rule (sqrt edges handled exactly)."""
    lm, lp = _edges(c)
    opts = {"limit": 1000, "epsabs": 1e-13, "epsrel": 1e-12, **opts}
    if c == 1:  # density sqrt(x(4 - x))/(2 pi x) = x^(-1/2) (4 - x)^(1/2) / (2 pi)
        return integrate.quad(lambda x: h(x) / (2 * math.pi), 0.0, 4.0, weight="alg",
                              wvar=(-0.5, 0.5), **opts)[0]
    return integrate.quad(lambda x: h(x) / (2 * math.pi * c * x), lm, lp, weight="alg",
                          wvar=(0.5, 0.5), **opts)[0]


def mu_bulk_integral(h, c, mu2, **opts):
    """int h(x) mu_bulk(dx) by QUADPACK's algebraic-weight rule."""
    lm, lp = _edges(c)
    ls = c + 1 + mu2 + c / mu2
    opts = {"limit": 1000, "epsabs": 1e-13, "epsrel": 1e-12, **opts}
    if ls == lp:  # at the transition the density is (x - lm)^(1/2) (lp - x)^(-1/2) / (2 pi)
        return integrate.quad(lambda x: h(x) / (2 * math.pi), lm, lp, weight="alg",
                              wvar=(0.5, -0.5), **opts)[0]
    return integrate.quad(lambda x: h(x) / (2 * math.pi * (ls - x)), lm, lp, weight="alg",
                          wvar=(0.5, 0.5), **opts)[0]


def quad_theory(c, mu2, sigma2, alpha, t, dynamics="flow"):
    """E, V, E_train, V_train at each time by adaptive quadrature (slow, per time)."""
    lm, lp = _edges(c)
    ls = c + 1 + mu2 + c / mu2
    w_s = max(0.0, mu2 * mu2 - c) / mu2
    atom0 = max(0.0, 1 - 1 / c)
    k = (mu2 + c) / mu2
    out = {key: [] for key in ("E", "V", "E_train", "V_train")}
    for ti in np.atleast_1d(t):
        if dynamics == "flow":
            f = lambda x: math.exp(-alpha * ti * x)  # noqa: E731
        else:
            f = lambda x: (1 - alpha * x) ** ti  # noqa: E731
        g = lambda x: alpha * ti if x == 0 else (1 - f(x)) / x  # noqa: E731
        mu_int = lambda h: mu_bulk_integral(h, c, mu2) + w_s * h(ls)  # noqa: E731
        nu_int = lambda h, h0: nu_bulk_integral(h, c) + atom0 * h0  # noqa: E731
        E = mu_int(g)
        out["E"].append(E)
        out["V"].append(k * mu_int(lambda x: g(x) ** 2) + sigma2 * nu_int(lambda x: f(x) ** 2, 1.0))
        out["E_train"].append(k * E)
        out["V_train"].append(k * mu_int(lambda x: x * g(x) ** 2) + sigma2 * nu_int(lambda x: x * f(x) ** 2, 0.0))
    out = {key: np.array(v) for key, v in out.items()}
    out["test_error"] = ndtr(-out["E"] / np.sqrt(out["V"]))
    return out


def gd_iterate_errors(X, y, mu, w0, alpha, steps):
    """Test and training error along plain GD iterations (one step at a time)."""
    n = X.shape[1]
    w = w0.copy()
    steps = np.asarray(steps, dtype=int)
    test, train = np.empty(steps.size), np.empty(steps.size)
    k = 0
    for i, target in enumerate(steps):
        while k < target:
            w = w + (alpha / n) * (X @ (y - X.T @ w))
            k += 1
        norm = np.linalg.norm(w)
        test[i] = 0.5 if norm == 0 else ndtr(-(w @ mu) / norm)
        margins = y * (X.T @ w)
        train[i] = np.mean(margins < 0) + 0.5 * np.mean(margins == 0)
    return test, train


def gd_loop_held_out(X, y, X_test, y_test, w0, alpha, steps):
    """The plain loop: ``steps`` GD steps one at a time, training and test error after each.

    ``w <- w - alpha X (X^T w - y) / n``; both errors are counted on the samples (the
    test error on the held-out ``X_test``), a sample with ``y_i x_i^T w < 0`` being wrong.
    """
    n = X.shape[1]
    w = w0.copy()
    train, test = np.empty(steps), np.empty(steps)
    for k in range(steps):
        w = w - alpha * (X @ (X.T @ w - y)) / n
        train[k] = np.mean(y * (X.T @ w) < 0)
        test[k] = np.mean(y_test * (X_test.T @ w) < 0)
    return test, train


def rebuilt_hessian_gd_loop(X, y, X_test, y_test, w0, alpha, steps, gamma=0.0):
    """The loop of the published companion notebooks, written again: every step rebuilds the Hessian.

    Each of the ``steps`` steps forms :math:`XX^T/n + \\gamma I` anew and moves
    ``w <- w - alpha ((XX^T/n + gamma I) w - Xy/n)``; the training and the test error are read after
    each step as the fraction of samples with ``sign(x_i^T w) != y_i``.  (This is the way
    Section 5.2 of the RMT4ML notebooks simulates the paper's figures; the code here is
    ours.)  It is the baseline the issue's speed goal is stated against.
    """
    p, n = X.shape
    m = X_test.shape[1]
    w = w0.copy()
    train, test = np.empty(steps), np.empty(steps)
    for k in range(steps):
        w = w - alpha * ((X @ X.T / n + gamma * np.eye(p)) @ w - X @ y / n)
        train[k] = 1 - np.sum(np.sign(X.T @ w) == y) / n
        test[k] = 1 - np.sum(np.sign(X_test.T @ w) == y_test) / m
    return test, train
