"""Bulk/spike split, optimal stopping, the sigma2 sweep and the phase map, checked against
independent computations (dense brute-force grids, naive quadrature, simulation)."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest

import rmtdyn as rd
from rmtdyn import theory as th

import naive

CASES = [(0.5, 4.0, 0.1), (0.5, 0.5, 1.0), (1.0, 4.0, 0.1), (2.0, 4.0, 0.1), (4.0, 1.0, 1.0), (0.05, 1.0, 1.0)]


@pytest.mark.parametrize("c,mu2,sigma2", CASES)
def test_components_add_up_and_match_the_spike_residue(c, mu2, sigma2):
    pb = rd.Problem(c=c, mu2=mu2, sigma2=sigma2)
    t = np.array([0.0, 1.0, 30.0, 300.0, 3000.0, np.inf])
    parts = th.components(pb, t)
    pr = rd.predict(pb, t)
    assert np.allclose(parts["E_bulk"] + parts["E_spike"], pr.E, rtol=0, atol=1e-14)
    V = parts["V_bulk"] + parts["V_spike"] + sigma2 * parts["V_init"]
    fin = np.isfinite(pr.V)
    assert np.allclose(V[fin], pr.V[fin], rtol=1e-14, atol=1e-14)
    # the spike part is the residue w_s g_t(lambda_s) computed by hand
    w_s = max(0.0, mu2 ** 2 - c) / mu2
    ls = pb.spike
    g = np.where(t == 0, 0.0, -np.expm1(-pb.alpha * np.where(np.isinf(t), 1e300, t) * ls) / ls)
    assert np.allclose(parts["E_spike"], w_s * g, rtol=1e-13, atol=0)
    # the bulk part against naive adaptive quadrature of the bulk density alone
    for i in (1, 2, 3):
        ti = t[i]
        ref = naive.mu_bulk_integral(
            lambda x: pb.alpha * ti if x == 0 else -math.expm1(-pb.alpha * ti * x) / x, c, mu2)
        assert abs(parts["E_bulk"][i] - ref) < 1e-9


@pytest.mark.parametrize("c,mu2,sigma2", CASES)
def test_optimal_stopping_vs_dense_brute_force(c, mu2, sigma2):
    pb = rd.Problem(c=c, mu2=mu2, sigma2=sigma2, alpha=0.01)
    res = th.optimal_stopping(pb)
    tt = np.geomspace(1e-1, 1e9, 40001)  # 4,000 points per decade
    err = rd.predict(pb, tt).test_error
    j = int(np.argmin(err))
    # the refined optimum is at least as good as the dense grid's (to rounding)
    assert res.test_error_opt <= err[j] + 1e-13
    # and the grid, with spacing 0.06% in t, gets within a quadratic error of it
    assert err[j] - res.test_error_opt < 1e-8
    if math.isinf(res.t_opt):
        # monotone curve: it reaches its limit (to rounding) and never dips below it
        assert np.all(err >= res.test_error_inf * (1 - 1e-10))
    else:
        assert abs(res.t_opt / tt[j] - 1) < 0.02
    assert res.test_error_inf == pytest.approx(rd.limits(pb)["test_error"], abs=0)


def test_optimal_stopping_gd_integer_search_vs_exhaustive():
    pb = rd.Problem(c=0.5, mu2=4.0, sigma2=0.1, alpha=0.05)
    res = th.optimal_stopping(pb, dynamics="gd")
    ks = np.arange(1, 2000)
    err = rd.predict(pb, ks, dynamics="gd").test_error
    assert res.t_opt == ks[np.argmin(err)]
    assert res.test_error_opt == pytest.approx(err.min(), abs=1e-15)


def test_optimal_stopping_edge_cases():
    # sigma2 = 0: the infimum is the t -> 0+ limit, the Cauchy-Schwarz bound
    pb = rd.Problem(c=0.5, mu2=4.0, sigma2=0.0)
    res = th.optimal_stopping(pb)
    assert res.t_opt == 0.0
    bound_err = float(rd.error_rate(math.sqrt(th.cauchy_schwarz_bound(pb)), 1.0))
    assert res.test_error_opt == pytest.approx(bound_err, abs=1e-15)
    assert rd.predict(pb, [1e-4]).test_error[0] - bound_err < 1e-9
    # a flat curve (c = 1e-9: over-fitting costs < 1e-15): nothing to gain, t* = inf
    flat = th.optimal_stopping(rd.Problem(c=1e-9, mu2=1.0, sigma2=0.1))
    assert math.isinf(flat.t_opt) and flat.test_error_opt == flat.test_error_inf
    # c = 4, mu2 = 1 (no spike), sigma2 = 1: the error decreases monotonically to its limit
    mono = th.optimal_stopping(rd.Problem(c=4.0, mu2=1.0, sigma2=1.0))
    assert math.isinf(mono.t_opt)
    e = rd.predict(rd.Problem(c=4.0, mu2=1.0, sigma2=1.0), np.geomspace(1, 1e5, 200)).test_error
    assert np.all(np.diff(e) <= 1e-15)
    # c = 1: the error returns to 1/2, the optimum is finite
    one = th.optimal_stopping(rd.Problem(c=1.0, mu2=4.0, sigma2=0.1))
    assert math.isfinite(one.t_opt) and one.test_error_inf == 0.5


def test_simulated_curve_has_its_minimum_near_the_predicted_time():
    pb = rd.Problem(p=256, n=512, mu2=4.0, sigma2=0.1, alpha=0.01)
    res = th.optimal_stopping(pb)
    t = res.t_opt * np.array([0.25, 1.0, 4.0])
    sim = rd.simulate(pb, t, runs=40, seed=5)
    m, se = sim.test_error_mean, sim.test_error_sem
    # U shape around t*: both neighbours worse by more than 3 standard errors
    assert m[0] - m[1] > 3 * max(se[0], se[1]) and m[2] - m[1] > 3 * max(se[1], se[2])
    assert abs(m[1] - res.test_error_opt) <= 3 * se[1] + 1 / pb.n


def test_sigma2_sweep_matches_single_calls_and_is_monotone():
    pb = rd.Problem(c=0.5, mu2=4.0, alpha=0.01)
    s2 = np.array([0.0, 0.01, 0.1, 1.0, 4.0])
    out = th.sigma2_sweep(pb, s2)
    for i, v in enumerate(s2):
        one = th.optimal_stopping(pb.replace(sigma2=float(v)))
        assert out["test_error_opt"][i] == one.test_error_opt
    assert np.all(np.diff(out["test_error_opt"]) > 0)  # smaller initialisation is better
    assert np.all(np.diff(out["t_opt"]) > 0)            # and lets one stop earlier
    with pytest.raises(ValueError, match="sigma2"):
        th.sigma2_sweep(pb, [-1.0])


def test_optimal_map_shape_and_peak_at_c_equal_one():
    cs = np.array([0.25, 0.5, 1.0, 2.0, 4.0])
    out = th.optimal_map(cs, [2.0, 4.0], sigma2=0.1)
    assert out["gain"].shape == (5, 2) and np.all(out["gain"] >= 0)
    # trained to convergence, the error peaks at c = 1 (the bulk reaches 0)
    assert np.all(np.argmax(out["test_error_inf"], axis=0) == 2)


def test_cli_optimal_contract():
    r = subprocess.run([sys.executable, "-m", "rmtdyn", "optimal", "--c", "0.5", "--mu2", "4", "--sigma2", "0.1",
                        "--alpha", "0.01", "--json"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == {"t_opt", "test_error_opt", "test_error_inf", "train_error_inf"}
    res = th.optimal_stopping(rd.Problem(c=0.5, mu2=4, sigma2=0.1, alpha=0.01))
    assert out["t_opt"] == res.t_opt and out["test_error_inf"] == res.test_error_inf
    r = subprocess.run([sys.executable, "-m", "rmtdyn", "optimal", "--c", "-1", "--mu2", "4"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "--c" in r.stderr
