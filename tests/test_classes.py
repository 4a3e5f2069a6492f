"""Unequal class proportions pi != 1/2 (book chapter 9).

The loss sees only u_i = y_i x_i = mu + y_i z_i, i.i.d. N(mu, I) whatever the labels, so the
law of w_t, hence E and V, do not depend on pi; what changes is the best threshold of the
statistic w^T x and the per-class errors.  Tolerances:
* theory vs Monte Carlo: |mean - theory| <= 3 SE + 1/n for test errors (as in
  tests/test_montecarlo.py) and 3 SE + 1/n_class for per-class training errors, which move
  in steps of 1/n_class;
* the Bayes threshold vs a direct numerical minimisation / integration: 1e-9 (quadrature and
  optimiser tolerances are ~1e-12).
"""

import json
import math

import numpy as np
import pytest
from scipy import integrate, optimize
from scipy.stats import norm

import rmtdyn as rd
from rmtdyn import theory as th


def test_half_reduces_to_the_paper():
    pb = rd.Problem(c=0.5, mu2=4.0, sigma2=0.1)
    pr = rd.predict(pb, [0.0, 10.0, 100.0, np.inf])
    tau = th.bayes_threshold(pr.E, pr.V, pi=0.5)
    assert (tau == 0).all()
    out = th.class_errors(pr.E, pr.V, pi=0.5, threshold=tau)
    assert np.array_equal(out["error_c1"], pr.test_error) and np.array_equal(out["error_c2"], pr.test_error)
    assert np.array_equal(out["error"], pr.test_error)


def test_bayes_threshold_is_the_minimiser_and_gives_the_bayes_error():
    for E, s2, pi in ((0.8, 0.5, 0.3), (0.3, 1.2, 0.1), (1.0, 0.2, 0.7)):
        tau = float(th.bayes_threshold(E, s2, pi=pi))
        avg = lambda x: float(th.class_errors(E, s2, pi=pi, threshold=x)["error"])
        res = optimize.minimize_scalar(avg, bracket=(-3, 3), tol=1e-12)
        assert abs(res.x - tau) <= 1e-5  # the error is flat (quadratic) at the minimum
        assert avg(tau) <= res.fun + 1e-12
        # Bayes error = int min(pi p_2, (1 - pi) p_1) for the two Gaussian class laws
        s = math.sqrt(s2)
        bayes = integrate.quad(lambda x: min(pi * norm.pdf(x, E, s), (1 - pi) * norm.pdf(x, -E, s)),
                               -20, 20, points=[tau], epsabs=1e-13, limit=200)[0]
        assert abs(avg(tau) - bayes) <= 1e-9


def test_no_information_votes_for_the_larger_class():
    tau = th.bayes_threshold(0.0, 1.0, pi=0.2)
    assert math.isinf(tau) and tau > 0
    out = th.class_errors(0.0, 1.0, pi=0.2, threshold=tau)
    assert (out["error_c1"], out["error_c2"], out["error"]) == (0.0, 1.0, pytest.approx(0.2))


def test_pooled_training_error_is_the_weighted_class_errors():
    pb = rd.Problem(p=40, n=100, mu2=1.0, sigma2=0.2, alpha=0.05, pi=0.3)  # 30 and 70 samples
    sim = rd.simulate(pb, [0.0, 10.0, 100.0], runs=3, seed=1)
    pooled = 0.7 * sim.train_error_c1 + 0.3 * sim.train_error_c2
    assert np.abs(pooled - sim.train_error).max() <= 1e-15
    # at threshold 0 both classes have the test error of the paper, run by run
    assert np.array_equal(sim.test_error_c1, sim.test_error) and np.array_equal(sim.test_error_c2, sim.test_error)


@pytest.mark.parametrize("pi", [0.3, 0.1])
@pytest.mark.parametrize("dynamics", ["flow", "gd"])
def test_per_class_errors_vs_simulation(pi, dynamics):
    p, n = 256, 512
    pb = rd.Problem(p=p, n=n, mu2=2.0, sigma2=0.2, alpha=0.05, pi=pi)
    t = np.array([3.0, 30.0, 300.0, np.inf])
    pr = rd.predict(pb, t, dynamics=dynamics)
    tau = th.bayes_threshold(pr.E, pr.V, pi=pi)
    test = th.class_errors(pr.E, pr.V, pi=pi, threshold=tau)
    train = th.class_errors(pr.E_train, pr.V_train - pr.E_train ** 2, pi=pi, threshold=tau)
    sim = rd.simulate(pb, t, runs=40, seed=500, dynamics=dynamics, threshold=tau)
    n1, n2 = pb.n_per_class
    for name, theory, allow in (("test_error_c1", test["error_c1"], 1 / n),
                                ("test_error_c2", test["error_c2"], 1 / n),
                                ("train_error_c1", train["error_c1"], 1 / n1),
                                ("train_error_c2", train["error_c2"], 1 / n2)):
        mean, sem = sim.mean_sem(name)
        gap = np.abs(mean - theory)
        assert np.all(gap <= 3 * sem + allow), (name, gap.round(5), (3 * sem + allow).round(5))
    # the pooled test error at threshold 0 is the paper's, whatever pi
    gap = np.abs(sim.test_error_mean - pr.test_error)
    assert np.all(gap <= 3 * sim.test_error_sem + 1 / n)


def test_bad_class_arguments():
    with pytest.raises(ValueError, match="pi"):
        th.bayes_threshold(1.0, 1.0, pi=1.0)
    with pytest.raises(ValueError, match="variance"):
        th.bayes_threshold(1.0, -1.0, pi=0.3)
    with pytest.raises(ValueError, match="threshold"):
        th.class_errors(1.0, 1.0, pi=0.3, threshold=np.nan)
    with pytest.raises(ValueError, match="threshold"):
        rd.simulate(rd.Problem(p=4, n=8, mu2=1.0), [1, 2], runs=1, seed=0, threshold=[0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="not recorded"):
        rd.dynamics.Simulation(t=np.zeros(1), test_error=np.zeros((1, 1)),
                               train_error=np.zeros((1, 1))).mean_sem("test_error_c1")



def test_cli_pi_adds_per_class_fields(cli):
    r = cli("predict", "--c", "0.5", "--mu2", "2", "--sigma2", "0.1", "--pi", "0.3",
             "--t", "10", "100", "inf", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    base = {"t", "test_error", "train_error", "E", "V", "E_train", "V_train"}
    assert set(out) == base | {"threshold", "test_error_c1", "test_error_c2", "test_error_bayes",
                               "train_error_c1", "train_error_c2"}
    pr = rd.predict(rd.Problem(c=0.5, mu2=2, sigma2=0.1), [10, 100, np.inf])
    tau = th.bayes_threshold(pr.E, pr.V, pi=0.3)
    ce = th.class_errors(pr.E, pr.V, pi=0.3, threshold=tau)
    assert np.allclose(out["threshold"], tau, rtol=0, atol=1e-15)
    assert np.allclose(out["test_error_c2"], ce["error_c2"], rtol=0, atol=1e-15)
    r = cli("simulate", "--p", "32", "--n", "64", "--mu2", "2", "--pi", "0.3", "--t", "10", "100",
             "--runs", "3", "--json")
    out = json.loads(r.stdout)
    assert {"threshold", "test_error_c1_mean", "train_error_c2_sem"} <= set(out)
    r = cli("optimal", "--c", "0.5", "--mu2", "2", "--sigma2", "0.1", "--pi", "0.3", "--json")
    out = json.loads(r.stdout)
    assert {"threshold_opt", "test_error_c1_opt", "test_error_c2_opt", "test_error_bayes_opt"} <= set(out)
    assert out["test_error_bayes_opt"] <= out["test_error_opt"]  # the Bayes threshold can only help


@pytest.mark.parametrize("value", ["0", "1", "-0.2", "nan", "half"])
def test_cli_bad_pi_one_line(value, cli):
    r = cli("predict", "--c", "0.5", "--mu2", "4", "--t", "1", "--pi", value)
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "--pi" in lines[0]


def test_infinite_threshold_votes_for_one_class_even_with_infinite_variance():
    # c = 1, t = inf: V is infinite, so tau* = +inf for pi < 1/2 (no information)
    pr = rd.predict(rd.Problem(c=1.0, mu2=2.0), [np.inf])
    tau = th.bayes_threshold(pr.E, pr.V, pi=0.1)
    out = th.class_errors(pr.E, pr.V, pi=0.1, threshold=tau)
    assert np.isinf(tau[0]) and out["error_c1"][0] == 0.0 and out["error_c2"][0] == 1.0
    assert out["error"][0] == pytest.approx(0.1)
    out = th.class_errors(0.5, 1.0, pi=0.9, threshold=-np.inf)
    assert (float(out["error_c1"]), float(out["error_c2"])) == (1.0, 0.0)
