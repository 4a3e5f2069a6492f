"""The theory three ways: real line + residue (rmtdyn.predict), contour integral
(rmtdyn.predict_contour) and naive per-time adaptive quadrature (tests/naive.py).

Tolerances: the issue's contract is contour vs real line <= 1e-8; both rules converge
geometrically, so they agree far better (measured ~1e-11).  Adaptive quad is asked for
1e-12 and its integrals are O(1), hence 1e-9.
"""

import math
import warnings

import numpy as np
import pytest

import rmtdyn as rd

import naive

SETTINGS = [  # (c, mu2, sigma2): c < 1, = 1, > 1; mu2 above and below sqrt(c); sigma2 in {0, .1, 1}
    (0.5, 4.0, 0.1), (0.5, 0.5, 0.0), (1.0, 4.0, 1.0), (1.0, 0.5, 0.1),
    (2.0, 4.0, 0.0), (2.0, 1.0, 1.0), (0.1, 0.2, 0.1), (4.0, 1.5, 0.1),
]
T_FLOW = np.array([0.0, 1.0, 10.0, 50.0, 100.0, 300.0, 1000.0])
T_GD = np.array([0, 1, 10, 50, 100, 300, 1000])


@pytest.mark.parametrize("dynamics,t", [("flow", T_FLOW), ("gd", T_GD)])
@pytest.mark.parametrize("c,mu2,sigma2", SETTINGS)
def test_contour_equals_real_line(c, mu2, sigma2, dynamics, t):
    pb = rd.Problem(c=c, mu2=mu2, sigma2=sigma2, alpha=0.01)
    real = rd.predict(pb, t, dynamics=dynamics)
    cont = rd.predict_contour(pb, t[t > 0], dynamics=dynamics)
    for key in ("E", "V", "E_train", "V_train"):
        assert np.abs(getattr(real, key)[t > 0] - getattr(cont, key)).max() <= 1e-8, key


@pytest.mark.parametrize("c,mu2,sigma2", SETTINGS[:6])
def test_contour_equals_real_line_large_steps(c, mu2, sigma2):
    # a large learning rate (close to the GD stability limit) and long times
    pb = rd.Problem(c=c, mu2=mu2, sigma2=sigma2, alpha=0.2 * 2 / rd.Problem(c=c, mu2=mu2).lambda_max)
    t = np.array([1, 5, 20, 100, 500])
    for dyn in ("flow", "gd"):
        real = rd.predict(pb, t, dynamics=dyn)
        cont = rd.predict_contour(pb, t, dynamics=dyn)
        assert np.abs(real.E - cont.E).max() <= 1e-8
        assert np.abs(real.V - cont.V).max() <= 1e-8


@pytest.mark.parametrize("dynamics", ["flow", "gd"])
@pytest.mark.parametrize("c,mu2,sigma2", SETTINGS[:6])
def test_real_line_equals_naive_quad(c, mu2, sigma2, dynamics):
    pb = rd.Problem(c=c, mu2=mu2, sigma2=sigma2, alpha=0.01)
    t = np.array([1, 10, 100, 1000])
    real = rd.predict(pb, t, dynamics=dynamics)
    ref = naive.quad_theory(c, mu2, sigma2, 0.01, t, dynamics=dynamics)
    for key in ("E", "V", "E_train", "V_train"):
        assert np.abs(getattr(real, key) - ref[key]).max() <= 1e-9, key


def test_gd_with_step_beyond_two_over_spike_below_transition():
    # below the transition lambda_s > lambda_max, so alpha can exceed 2/lambda_s while GD is
    # stable: predict switches to direct bulk quadrature; check it against the contour form
    pb = rd.Problem(c=1.0, mu2=0.9, alpha=0.4995)  # 2/lambda_s = 0.4986 < alpha < 2/lambda_+ = 0.5
    assert pb.alpha * pb.spike > 2 and pb.alpha < pb.max_stable_alpha
    t = np.array([1, 10, 100])
    real = rd.predict(pb, t, dynamics="gd")
    ref = naive.quad_theory(1.0, 0.9, 0.0, 0.4995, t, dynamics="gd")
    assert np.abs(real.E - ref["E"]).max() < 1e-8
    assert np.abs(real.V - ref["V"]).max() < 1e-8


def test_train_mean_is_scaled_test_mean():
    pb = rd.Problem(c=0.7, mu2=2.0, sigma2=0.3)
    pr = rd.predict(pb, np.geomspace(1, 1e4, 20))
    assert np.allclose(pr.E_train, (pb.mu2 + pb.c) / pb.mu2 * pr.E, rtol=1e-14, atol=0)


def test_t_zero_is_exact():
    for c in (0.5, 1.0, 2.0):
        for s2 in (0.0, 0.1):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                pr = rd.predict(rd.Problem(c=c, mu2=2.0, sigma2=s2), [0.0])
            assert pr.test_error[0] == 0.5 and pr.train_error[0] == 0.5
            assert pr.E[0] == 0 and pr.V[0] == s2


@pytest.mark.parametrize("c,mu2,sigma2", SETTINGS)
def test_limits_closed_form_vs_long_times(c, mu2, sigma2):
    pb = rd.Problem(c=c, mu2=mu2, sigma2=sigma2, alpha=0.01)
    lim = rd.limits(pb)
    pr = rd.predict(pb, [np.inf])
    assert not np.isnan([pr.E, pr.V, pr.test_error, pr.train_error]).any()
    if c == 1:
        # the bulk reaches 0: V diverges and the test error climbs back to 1/2
        assert math.isinf(lim["V"]) and pr.test_error[0] == 0.5
        long = rd.predict(pb, [1e4, 1e6, 1e8])
        assert np.all(np.diff(long.V) > 0) and np.all(np.diff(long.test_error) > 0)
        return
    # at alpha t = 1e6 every exp(-alpha t x) on the bulk is below exp(-1e6 lambda_-) = 0
    long = rd.predict(pb, [1e8])
    for key in ("E", "V", "E_train", "V_train"):
        assert abs(getattr(long, key)[0] - lim[key]) < 1e-9 * max(1, abs(lim[key])), key
    # and the limit from the stable GD side is the same
    gd = rd.predict(pb, [10 ** 8], dynamics="gd")
    assert abs(gd.V[0] - lim["V"]) < 1e-9 * max(1, lim["V"])


def test_c_above_one_keeps_the_initialisation_in_the_null_space():
    # the atom (1 - 1/c) of nu at 0 is never trained: V keeps sigma2 (1 - 1/c) forever
    c, mu2 = 2.0, 4.0
    v0 = rd.limits(rd.Problem(c=c, mu2=mu2, sigma2=0.0))["V"]
    for s2 in (0.1, 1.0):
        # at alpha t = 1e3 the bulk part exp(-2 alpha t lambda_-) = exp(-343) has vanished
        pr = rd.predict(rd.Problem(c=c, mu2=mu2, sigma2=s2), [1e5, np.inf])
        v_sigma = rd.predict(rd.Problem(c=c, mu2=mu2, sigma2=0.0), [1e5, np.inf]).V
        assert np.allclose(pr.V - v_sigma, s2 * (1 - 1 / c), rtol=0, atol=1e-12)
        assert abs(pr.V[-1] - (v0 + s2 * (1 - 1 / c))) < 1e-14


def test_below_transition_no_spike():
    pb = rd.Problem(c=1.0, mu2=0.5)  # mu2^2 = 0.25 < c
    assert not pb.spike_isolated and pb.lambda_max == pb.lambda_plus
    assert rd.spectrum.spike_weight(pb.c, pb.mu2) == 0.0
    pr = rd.predict(pb, [10.0, 100.0])
    assert np.all(np.isfinite(pr.test_error)) and np.all(pr.test_error < 0.5)


def test_overfitting_factor():
    # sigma2 = 0: (E/sqrt V) at t = inf equals sqrt(1 - min(c, 1/c)) times mu2/sqrt(mu2 + c)
    for c in (0.25, 0.5, 2.0, 4.0):
        lim = rd.limits(rd.Problem(c=c, mu2=3.0))
        ratio = lim["E"] / math.sqrt(lim["V"]) / (3.0 / math.sqrt(3.0 + c))
        assert abs(ratio - math.sqrt(1 - min(c, 1 / c))) < 1e-14


def test_cauchy_schwarz_bound_holds_and_is_attained_at_sigma_zero():
    t = np.geomspace(1, 1e4, 30)
    for c in (0.5, 2.0):
        bound = rd.theory.cauchy_schwarz_bound(rd.Problem(c=c, mu2=4.0))
        for s2 in (0.0, 0.5):
            pr = rd.predict(rd.Problem(c=c, mu2=4.0, sigma2=s2), t)
            ratio = pr.E ** 2 / pr.V
            assert np.all(ratio <= bound * (1 + 1e-12))
    # the bound is an equality iff f_t is constant on the support of mu, i.e. never for t > 0;
    # but it is approached as t -> 0 with sigma2 = 0 (g_t ~ alpha t constant)
    pr = rd.predict(rd.Problem(c=0.5, mu2=4.0), [1e-6])
    assert abs(pr.E[0] ** 2 / pr.V[0] / rd.theory.cauchy_schwarz_bound(rd.Problem(c=0.5, mu2=4.0)) - 1) < 1e-5


def test_error_rate_conventions():
    assert rd.error_rate(0.0, 0.0) == 0.5
    assert rd.error_rate(1.0, 0.0) == 0.0
    assert rd.error_rate(-1.0, 0.0) == 1.0
    assert rd.error_rate(1.0, np.inf) == 0.5
    assert abs(rd.error_rate(1.0, 1.0) - 0.15865525393145707) < 1e-15


def test_thousand_times_vectorised_matches_loop():
    pb = rd.Problem(c=0.5, mu2=4.0, sigma2=0.1)
    t = np.geomspace(0.1, 1e4, 1000)
    vec = rd.predict(pb, t)
    loop = np.array([rd.predict(pb, [ti]).test_error[0] for ti in t[::97]])
    assert np.abs(vec.test_error[::97] - loop).max() <= 1e-15  # same nodes, only summation order differs
