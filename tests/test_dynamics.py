"""Gradient descent on data: the one-eigendecomposition closed form against plain
iteration and against the matrix exponential.

Tolerance 1e-10 (the issue's contract) on weights of norm O(1): the closed form is
backward stable (errors ~1e-14); iterating k steps accumulates ~k * 1e-16.
"""

import numpy as np
import pytest

import rmtdyn as rd
from rmtdyn import dynamics as dy

import naive


@pytest.mark.parametrize("p,n", [(60, 120), (80, 80), (120, 60)])
@pytest.mark.parametrize("sigma2", [0.0, 1.0])
def test_eigen_closed_form_equals_iterated_gd(p, n, sigma2):
    pb = rd.Problem(p=p, n=n, mu2=2.0, sigma2=sigma2, alpha=0.05)
    X, y, mu, w0 = dy.draw_run(pb, rng=3)
    steps = [0, 1, 7, 50, 400]
    W_eig = dy.weights(X, y, w0, alpha=0.05, t=steps, dynamics="gd")
    W_it = dy.gradient_descent(X, y, w0, alpha=0.05, steps=steps)
    assert np.abs(W_eig - W_it).max() <= 1e-10


@pytest.mark.parametrize("p,n", [(40, 80), (60, 30)])
def test_eigen_closed_form_equals_expm_flow(p, n):
    pb = rd.Problem(p=p, n=n, mu2=2.0, sigma2=0.5, alpha=0.01)
    X, y, mu, w0 = dy.draw_run(pb, rng=4)
    t = [0.0, 0.5, 10.0, 300.0, 5000.0]
    W_eig = dy.weights(X, y, w0, alpha=0.01, t=t)
    W_expm = dy.gradient_flow_expm(X, y, w0, alpha=0.01, t=t)
    assert np.abs(W_eig - W_expm).max() <= 1e-10


def test_infinite_time_is_min_norm_interpolator_plus_null_initialisation():
    # p > n: w(inf) = X (X^T X)^-1 y + (I - P_X) w0
    pb = rd.Problem(p=50, n=20, mu2=1.0, sigma2=1.0)
    X, y, mu, w0 = dy.draw_run(pb, rng=5)
    W = dy.weights(X, y, w0, alpha=0.01, t=[np.inf])[0]
    P = X @ np.linalg.solve(X.T @ X, X.T)
    expected = X @ np.linalg.solve(X.T @ X, y) + w0 - P @ w0
    assert np.abs(W - expected).max() < 1e-10
    assert np.abs(X.T @ W - y).max() < 1e-10  # interpolates the labels


def test_simulation_eig_equals_iterate():
    pb = rd.Problem(p=40, n=80, mu2=2.0, sigma2=0.3, alpha=0.05)
    t = [0, 5, 50, 200]
    a = rd.simulate(pb, t, runs=3, seed=11, dynamics="gd")
    b = rd.simulate(pb, t, runs=3, seed=11, dynamics="gd", method="iterate")
    assert np.abs(a.test_error - b.test_error).max() < 1e-10
    assert np.array_equal(a.train_error, b.train_error)
    f1 = rd.simulate(pb, [0.0, 20.0], runs=2, seed=11)
    f2 = rd.simulate(pb, [0.0, 20.0], runs=2, seed=11, method="iterate")
    assert np.abs(f1.test_error - f2.test_error).max() < 1e-10


def test_simulation_errors_match_naive_loop():
    pb = rd.Problem(p=30, n=50, mu2=1.5, sigma2=0.2, alpha=0.1)
    steps = [0, 3, 30]
    sim = rd.simulate(pb, steps, runs=2, seed=9, dynamics="gd")
    rngs = np.random.default_rng(9).spawn(2)
    for r in range(2):
        X, y, mu, w0 = dy.draw_run(pb, rng=rngs[r])
        te, tr = naive.gd_iterate_errors(X, y, mu, w0, 0.1, steps)
        assert np.abs(sim.test_error[r] - te).max() < 1e-10
        assert np.array_equal(sim.train_error[r], tr)


def test_runs_are_reproducible_and_independent_of_run_count():
    pb = rd.Problem(p=20, n=40, mu2=1.0, sigma2=0.1)
    a = rd.simulate(pb, [10.0], runs=5, seed=1)
    b = rd.simulate(pb, [10.0], runs=3, seed=1)
    c = rd.simulate(pb, [10.0], runs=3, seed=2)
    assert np.array_equal(a.test_error[:3], b.test_error)
    assert not np.array_equal(b.test_error, c.test_error)


def test_zero_weights_are_a_coin_flip():
    pb = rd.Problem(p=20, n=40, mu2=1.0, sigma2=0.0)
    sim = rd.simulate(pb, [0.0], runs=2, seed=0)
    assert np.all(sim.test_error == 0.5) and np.all(sim.train_error == 0.5)


def test_unequal_classes_are_sampled_as_asked():
    pb = rd.Problem(p=10, n=100, mu2=1.0, pi=0.3)
    X, y, mu = rd.data.sample(pb, rng=0)
    assert (y > 0).sum() == 30 and pb.n_per_class == (70, 30)
    # x_i = y_i mu + z_i: the class means are at -mu and +mu (mean noise O(1/sqrt(n_a)))
    assert np.abs(X[:, y > 0].mean(axis=1) - mu).max() < 5 / np.sqrt(30)


def test_unstable_sample_step_is_refused():
    pb = rd.Problem(p=50, n=100, mu2=4.0)
    X, y, mu, w0 = dy.draw_run(pb, rng=0)
    lam_max = np.linalg.eigvalsh(X @ X.T / 100)[-1]
    with pytest.raises(ValueError, match="unstable"):
        dy.weights(X, y, w0, alpha=2.0 / lam_max * 1.01, t=[5], dynamics="gd")
    dy.weights(X, y, w0, alpha=2.0 / lam_max * 0.99, t=[5], dynamics="gd")  # fine
