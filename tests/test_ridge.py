"""The l2 penalty (ridge): gradient descent on L(w) + gamma/2 ||w||^2 (book chapter 9).

Tolerances, as in the rest of the suite:
* closed forms on data vs plain iteration / matrix exponential: 1e-10 (weights of norm O(1),
  k steps accumulate ~k * 1e-16);
* contour vs real line: 1e-8 (the issue's contract; both rules converge geometrically);
* ridge closed forms vs quadrature: 1e-10 (the Gauss-Chebyshev rule is exact to ~1e-13 for
  these analytic integrands, c != 1);
* theory vs Monte Carlo: |mean - theory| <= 3 SE + 1/n (see tests/test_montecarlo.py).
"""

import json
import math

import numpy as np
import pytest
from scipy.special import ndtr

import rmtdyn as rd
from rmtdyn import dynamics as dy
from rmtdyn import theory as th
from rmtdyn.filters import filters
from rmtdyn.spectrum import bulk_rule, integrate_mu, integrate_nu, mu_expect

SETTINGS = [(0.5, 4.0, 0.1), (2.0, 4.0, 0.3), (2.0, 1.0, 1.0), (0.5, 0.5, 0.1)]  # (c, mu2, sigma2)
GAMMAS = [0.01, 0.3, 2.0]


# --- gamma = 0 is the paper, exactly ------------------------------------------------------------

def _paper_formulas(c, mu2, s2, alpha, t, dynamics):
    """E, V, E_train, V_train from the gamma-free filters (the pre-ridge formulas, typed again),
    on the nodes the adaptive rule chooses for each time (rmtdyn.quadrature.measure_rule)."""
    pb = rd.Problem(c=c, mu2=mu2, sigma2=s2, alpha=alpha)
    levels = rd.quadrature.bulk_moments(pb, t, dynamics=dynamics)[2]
    ls = c + 1 + mu2 + c / mu2
    w_s = max(0.0, mu2 * mu2 - c) / mu2
    atom0 = max(0.0, 1 - 1 / c)
    k = (mu2 + c) / mu2
    out = np.empty((4, t.size))
    for i, (tt, level) in enumerate(zip(t, levels)):
        x, w_mu, w_nu = rd.quadrature.measure_rule(pb, int(level))
        f, g = filters(x, [tt], alpha=alpha, dynamics=dynamics)
        gs = filters(np.array([ls]), [tt], alpha=alpha, dynamics=dynamics)[1][0, 0]
        E = g[0] @ w_mu + w_s * gs
        V = k * ((g[0] ** 2) @ w_mu + w_s * gs ** 2) + s2 * ((f[0] ** 2) @ w_nu + atom0)
        Vtr = k * ((x * g[0] ** 2) @ w_mu + w_s * ls * gs ** 2) + s2 * ((x * f[0] ** 2) @ w_nu)
        out[:, i] = E, V, k * E, Vtr
    return out


@pytest.mark.parametrize("dynamics", ["flow", "gd"])
@pytest.mark.parametrize("c,mu2,sigma2", SETTINGS)
def test_gamma_zero_is_the_paper_exactly(c, mu2, sigma2, dynamics):
    t = np.array([1.0, 10.0, 100.0, 1000.0])
    pr = rd.predict(rd.Problem(c=c, mu2=mu2, sigma2=sigma2, alpha=0.05, gamma=0.0), t, dynamics=dynamics)
    ref = _paper_formulas(c, mu2, sigma2, 0.05, t, dynamics)
    for got, want in zip((pr.E, pr.V, pr.E_train, pr.V_train), ref):
        # same formulas; only the summation order differs (bulk + spike split): a few ulps
        assert np.allclose(got, want, rtol=1e-14, atol=1e-15)
    assert rd.Problem(c=c, mu2=mu2).max_stable_alpha == 2.0 / rd.Problem(c=c, mu2=mu2).lambda_max


def test_gamma_zero_filters_and_limits_are_unchanged():
    x = np.array([0.0, 0.3, 2.0])
    for dyn, t in (("flow", [0.0, 2.5, np.inf]), ("gd", [0, 3, np.inf])):
        f0, g0 = filters(x, t, alpha=0.1, dynamics=dyn)
        f1, g1 = filters(x, t, alpha=0.1, dynamics=dyn, gamma=0.0)
        assert np.array_equal(f0, f1) and np.array_equal(g0, g1)
    # the paper's t = inf limits, typed in (book chapter 6, eq. t-infinity)
    c, mu2, s2 = 2.0, 3.0, 0.4
    lim = rd.limits(rd.Problem(c=c, mu2=mu2, sigma2=s2, gamma=0.0))
    assert lim["E"] == mu2 / (mu2 + c)
    assert lim["V"] == c / ((c - 1) * (mu2 + c)) + s2 * (1 - 1 / c)


def test_small_gamma_is_continuous_except_for_the_null_space_initialisation():
    t = np.array([10.0, 100.0])
    for c in (0.5, 2.0):
        pb = rd.Problem(c=c, mu2=4.0, sigma2=0.0, alpha=0.05)
        a, b = rd.predict(pb, t), rd.predict(pb.replace(gamma=1e-10), t)
        assert np.abs(a.V - b.V).max() < 1e-8 and np.abs(a.E - b.E).max() < 1e-8
        la, lb = rd.limits(pb), rd.limits(pb.replace(gamma=1e-10))
        assert abs(la["E"] - lb["E"]) < 1e-8 and abs(la["V"] - lb["V"]) < 1e-7
    # c > 1, sigma2 > 0: lim_{t->inf} and lim_{gamma->0} do not commute for the part of w0 in the
    # null space of M (kept forever without penalty, forgotten with any gamma > 0)
    pb = rd.Problem(c=2.0, mu2=4.0, sigma2=1.0)
    gap = rd.limits(pb)["V"] - rd.limits(pb.replace(gamma=1e-10))["V"]
    assert abs(gap - 1.0 * (1 - 1 / 2.0)) < 1e-7


# --- the dynamics on data -----------------------------------------------------------------------

@pytest.mark.parametrize("p,n", [(60, 120), (120, 60)])
@pytest.mark.parametrize("gamma", [0.05, 1.0])
def test_ridge_gd_closed_form_equals_iteration_and_expm(p, n, gamma):
    pb = rd.Problem(p=p, n=n, mu2=2.0, sigma2=0.5, alpha=0.05, gamma=gamma)
    X, y, mu, w0 = dy.draw_run(pb, rng=5)
    steps = [0, 1, 7, 50, 400]
    W_eig = dy.weights(X, y, w0, alpha=0.05, t=steps, dynamics="gd", gamma=gamma)
    W_it = dy.gradient_descent(X, y, w0, alpha=0.05, steps=steps, gamma=gamma)
    assert np.abs(W_eig - W_it).max() <= 1e-10
    t = [0.0, 0.5, 10.0, 300.0]
    W_eig = dy.weights(X, y, w0, alpha=0.05, t=t, gamma=gamma)
    W_expm = dy.gradient_flow_expm(X, y, w0, alpha=0.05, t=t, gamma=gamma)
    assert np.abs(W_eig - W_expm).max() <= 1e-10


@pytest.mark.parametrize("p,n", [(50, 100), (100, 50)])
def test_infinite_time_is_the_ridge_solution(p, n):
    gamma = 0.2
    pb = rd.Problem(p=p, n=n, mu2=1.5, sigma2=1.0, gamma=gamma)
    X, y, mu, w0 = dy.draw_run(pb, rng=6)
    ridge = np.linalg.solve(X @ X.T / n + gamma * np.eye(p), X @ y / n)  # w0 is forgotten
    for dyn in ("flow", "gd"):
        W = dy.weights(X, y, w0, alpha=0.05, t=[np.inf], dynamics=dyn, gamma=gamma)
        assert np.abs(W[0] - ridge).max() <= 1e-10


def test_unstable_step_accounts_for_gamma():
    # 2/(lambda_max + gamma) < alpha < 2/lambda_max: stable without penalty, unstable with it
    pb = rd.Problem(c=0.5, mu2=4.0, alpha=0.34, gamma=0.5)
    assert 2 / (pb.lambda_max + 0.5) < 0.34 < 2 / pb.lambda_max
    rd.predict(pb.replace(gamma=0.0), [10], dynamics="gd")
    with pytest.raises(ValueError, match="unstable"):
        rd.predict(pb, [10], dynamics="gd")
    X, y, _, w0 = dy.draw_run(rd.Problem(p=20, n=40, mu2=1.0), rng=0)
    lam = np.linalg.eigvalsh(X @ X.T / 40)[-1]
    with pytest.raises(ValueError, match="unstable"):
        dy.weights(X, y, w0, alpha=1.9 / lam, t=[5], dynamics="gd", gamma=0.2 * lam)


# --- the theory with gamma -----------------------------------------------------------------------

@pytest.mark.parametrize("dynamics", ["flow", "gd"])
@pytest.mark.parametrize("gamma", GAMMAS)
@pytest.mark.parametrize("c,mu2,sigma2", SETTINGS)
def test_contour_equals_real_line_with_gamma(c, mu2, sigma2, gamma, dynamics):
    pb = rd.Problem(c=c, mu2=mu2, sigma2=sigma2, alpha=0.05, gamma=gamma)
    t = np.array([1, 10, 100, 1000])
    real = rd.predict(pb, t, dynamics=dynamics)
    cont = rd.predict_contour(pb, t, dynamics=dynamics)
    for key in ("E", "V", "E_train", "V_train"):
        assert np.abs(getattr(real, key) - getattr(cont, key)).max() <= 1e-8, key


@pytest.mark.parametrize("gamma", [1e-3] + GAMMAS)
@pytest.mark.parametrize("c,mu2,sigma2", SETTINGS + [(1.0, 4.0, 0.1)])
def test_ridge_limit_closed_form_vs_quadrature_and_long_times(c, mu2, sigma2, gamma):
    pb = rd.Problem(c=c, mu2=mu2, sigma2=sigma2, alpha=0.05, gamma=gamma)
    lim = rd.limits(pb)
    k = (mu2 + c) / mu2
    E = mu_expect(lambda x: 1 / (x + gamma), c, mu2)
    V = k * mu_expect(lambda x: 1 / (x + gamma) ** 2, c, mu2)
    Vtr = k * mu_expect(lambda x: x / (x + gamma) ** 2, c, mu2)
    tol = 1e-10 if c != 1 else 1e-8  # c = 1: the bulk touches 0, next to the pole -gamma
    assert abs(lim["E"] - E) <= tol and abs(lim["V"] - V) <= tol and abs(lim["V_train"] - Vtr) <= tol
    # gradient flow converges to it: at alpha t (lambda_- + gamma) = 1e3 the transient is e^-1000
    t_long = 1e3 / (pb.alpha * gamma)
    pr = rd.predict(pb, [t_long, np.inf])
    assert np.allclose(pr.E[0], pr.E[1], rtol=0, atol=1e-12)
    assert np.allclose(pr.V[0], pr.V[1], rtol=0, atol=1e-10)


def test_ridge_errors_and_the_cauchy_schwarz_bound():
    for c, mu2 in ((0.5, 4.0), (2.0, 1.0)):
        pb = rd.Problem(c=c, mu2=mu2)
        g = np.geomspace(1e-3, 1e4, 30)
        out = th.ridge_errors(pb, np.append(g, np.inf))
        bound = float(ndtr(-math.sqrt(mu2 ** 2 / (mu2 + c))))
        assert out["test_error"][-1] == pytest.approx(bound, abs=1e-15)
        # Cauchy-Schwarz: no penalty beats the limit gamma -> inf, which is approached
        assert (out["test_error"][:-1] >= bound - 1e-15).all()
        assert out["test_error"][-2] - bound < 1e-6
        # each finite gamma matches limits() of the same problem with that penalty
        lim = rd.limits(pb.replace(gamma=float(g[7])))
        assert out["test_error"][7] == pytest.approx(lim["test_error"], abs=1e-15)
        # training error at gamma = inf is the limit of large gammas
        assert abs(out["train_error"][-1] - th.ridge_errors(pb, [1e7])["train_error"][0]) < 1e-5
        res = th.optimal_ridge(pb)
        assert math.isinf(res.gamma_opt) and res.test_error_opt == pytest.approx(bound, abs=1e-15)


def test_effective_gamma_minimises_the_empirical_distance():
    # ||w_t - w_gamma||^2 on one large sample is smallest near gamma_eff(t) (fluctuations are
    # O(p^-1/2) ~ 3%, far below the change of the distance at gamma_eff x 1.5 or / 1.5)
    pb = rd.Problem(p=600, n=1200, mu2=4.0, sigma2=0.0, alpha=0.05)
    X, y, mu, w0 = dy.draw_run(pb, rng=11)
    t = np.array([5.0, 20.0, 100.0])
    geff = th.effective_gamma(pb, t)
    assert (geff > 0).all() and np.isfinite(geff).all()
    W = dy.weights(X, y, w0, alpha=pb.alpha, t=t)
    for j in range(t.size):
        d = {}
        for factor in (1 / 1.5, 1.0, 1.5):
            wg = dy.weights(X, y, w0, alpha=pb.alpha, t=[np.inf], gamma=geff[j] * factor)[0]
            d[factor] = np.sum((W[j] - wg) ** 2)
        assert d[1.0] < d[1 / 1.5] and d[1.0] < d[1.5], (t[j], d)
    ends = th.effective_gamma(pb, [0.0, np.inf])
    assert math.isinf(ends[0]) and ends[1] == 0.0


# --- theory vs Monte Carlo -----------------------------------------------------------------------

def _check(pb, t, dynamics, runs, seed):
    pr = rd.predict(pb, t, dynamics=dynamics)
    sim = rd.simulate(pb, t, runs=runs, seed=seed, dynamics=dynamics)
    allow = 1.0 / pb.n  # finite-size allowance, as in tests/test_montecarlo.py
    for name in ("test_error", "train_error"):
        gap = np.abs(getattr(sim, name + "_mean") - getattr(pr, name))
        bound = 3 * getattr(sim, name + "_sem") + allow
        assert np.all(gap <= bound), (name, gap.round(5), bound.round(5))


@pytest.mark.parametrize("gamma", GAMMAS)
@pytest.mark.parametrize("c,mu2,sigma2", SETTINGS[:3])
def test_theory_vs_simulation_with_gamma_flow(c, mu2, sigma2, gamma):
    p = 256
    pb = rd.Problem(p=p, n=int(p / c), mu2=mu2, sigma2=sigma2, alpha=0.05, gamma=gamma)
    _check(pb, np.array([0.0, 3.0, 30.0, 300.0, np.inf]), "flow", runs=40, seed=300)


@pytest.mark.parametrize("gamma", [0.05, 1.0])
def test_theory_vs_simulation_with_gamma_gd(gamma):
    pb = rd.Problem(p=256, n=128, mu2=4.0, sigma2=0.3, alpha=0.1, gamma=gamma)
    _check(pb, np.array([0, 3, 30, 300, np.inf]), "gd", runs=40, seed=400)


# --- validation and CLI --------------------------------------------------------------------------

@pytest.mark.parametrize("gamma", [-0.1, float("nan"), float("inf"), "a lot"])
def test_bad_gamma(gamma):
    with pytest.raises(ValueError, match="gamma"):
        rd.Problem(c=0.5, mu2=1.0, gamma=gamma)
    with pytest.raises(ValueError, match="gamma"):
        filters([1.0], [1.0], alpha=0.1, gamma=gamma)
    X, y, _, w0 = dy.draw_run(rd.Problem(p=4, n=8, mu2=1.0), rng=0)
    with pytest.raises(ValueError, match="gamma"):
        dy.gradient_descent(X, y, w0, alpha=0.1, steps=[1], gamma=gamma)


def test_bad_ridge_arguments():
    pb = rd.Problem(c=0.5, mu2=1.0)
    for g in ([-1.0], [np.nan], [], [[1.0]]):
        with pytest.raises(ValueError, match="gamma"):
            th.ridge_errors(pb, g)
    with pytest.raises(TypeError, match="problem"):
        th.effective_gamma("not a problem", [1.0])
    with pytest.raises(ValueError, match="whole numbers"):
        th.effective_gamma(pb, [1.5], dynamics="gd")



def test_cli_gamma_predict_simulate_optimal(cli):
    r = cli("predict", "--c", "0.5", "--mu2", "4", "--sigma2", "0.1", "--gamma", "0.3",
             "--t", "0", "100", "inf", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == {"t", "test_error", "train_error", "E", "V", "E_train", "V_train"}
    pr = rd.predict(rd.Problem(c=0.5, mu2=4, sigma2=0.1, gamma=0.3), [0, 100, np.inf])
    assert np.allclose(out["V"], pr.V, rtol=0, atol=1e-15)
    r = cli("simulate", "--p", "32", "--n", "64", "--mu2", "4", "--gamma", "0.3", "--t", "0", "100",
             "--runs", "3", "--json")
    sim = rd.simulate(rd.Problem(p=32, n=64, mu2=4, gamma=0.3), [0, 100], runs=3, seed=0)
    assert np.allclose(json.loads(r.stdout)["test_error_mean"], sim.test_error_mean, rtol=0, atol=1e-15)
    r = cli("optimal", "--c", "0.5", "--mu2", "4", "--sigma2", "0.1", "--gamma", "0.3", "--json")
    res = th.optimal_stopping(rd.Problem(c=0.5, mu2=4, sigma2=0.1, gamma=0.3))
    assert json.loads(r.stdout)["test_error_opt"] == pytest.approx(res.test_error_opt, abs=1e-15)


@pytest.mark.parametrize("args", [
    ["predict", "--c", "0.5", "--mu2", "4", "--t", "1", "--gamma", "-1"],
    ["predict", "--c", "0.5", "--mu2", "4", "--t", "1", "--gamma", "inf"],
    ["simulate", "--p", "8", "--n", "16", "--mu2", "4", "--t", "1", "--gamma", "x"],
    ["optimal", "--c", "0.5", "--mu2", "4", "--gamma", "nan"],
    ["predict", "--c", "0.5", "--mu2", "4", "--alpha", "0.34", "--gamma", "0.5", "--t", "1",
     "--dynamics", "gd"],
])
def test_cli_bad_gamma_one_line(args, cli):
    r = cli(*args)
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr
    assert "gamma" in lines[0]


def test_gd_with_gamma_beyond_two_over_spike_below_transition():
    # below the transition lambda_s > lambda_+, so alpha (lambda_s + gamma) may exceed 2 while GD is
    # stable; the theory then integrates the bulk directly (no atom) -- check it against the contour
    pb = rd.Problem(c=2.0, mu2=1.0, sigma2=0.3, gamma=0.2, alpha=0.327)
    assert not pb.spike_isolated and pb.alpha * (pb.spike + pb.gamma) > 2 and pb.alpha < pb.max_stable_alpha
    t = np.array([1, 5, 20, 100])
    real = rd.predict(pb, t, dynamics="gd")
    cont = rd.predict_contour(pb, t, dynamics="gd")
    for key in ("E", "V", "E_train", "V_train"):
        assert np.abs(getattr(real, key) - getattr(cont, key)).max() <= 1e-8, key
