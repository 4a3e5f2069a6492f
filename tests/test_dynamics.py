"""Gradient descent on data: the one-eigendecomposition closed form against plain
iteration and against the matrix exponential.

Tolerance 1e-10 (the issue's contract) on weights of norm O(1): the closed form is
backward stable (errors ~1e-14); iterating k steps accumulates ~k * 1e-16.
"""

import json

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


# ---------------------------------------------------------------- the one Monte-Carlo runner
from rmtdyn import montecarlo as mc  # noqa: E402


def _shuffled_pool_draw(p=12, n=30, m=41, mu2=2.0):
    """Held-out draws with the classes interleaved (the runner must not assume sorted labels)."""
    def draw(rng):
        y = rng.choice([-1.0, 1.0], size=n)
        y[:2] = (-1.0, 1.0)
        y_test = rng.choice([-1.0, 1.0], size=m)
        y_test[:2] = (-1.0, 1.0)
        mu = np.r_[np.sqrt(mu2), np.zeros(p - 1)]
        return mc.Draw(X=rng.standard_normal((p, n)) + np.outer(mu, y), y=y, w0=0.3 * rng.standard_normal(p),
                       X_test=rng.standard_normal((p, m)) + np.outer(mu, y_test), y_test=y_test)
    return draw


def test_runner_held_out_equals_the_plain_loop_and_counts_classes_exactly():
    draw, steps, tau = _shuffled_pool_draw(), 40, 0.05
    sim = mc.run(draw, np.arange(1, steps + 1), runs=3, rng=5, alpha=0.1, dynamics="gd", threshold=tau)
    assert isinstance(sim, mc.PoolSimulation)
    for r, stream in enumerate(mc.rng_streams(5, 3)):
        d = draw(stream)
        te, tr = naive.gd_loop_held_out(d.X, d.y, d.X_test, d.y_test, d.w0, 0.1, steps)
        assert np.array_equal(sim.test_error[r], te) and np.array_equal(sim.train_error[r], tr)
        W = dy.gradient_descent(d.X, d.y, d.w0, alpha=0.1, steps=np.arange(1, steps + 1))
        s_tr, s_te = d.X.T @ W.T, d.X_test.T @ W.T
        assert np.array_equal(sim.train_error_c1[r], (s_tr[d.y < 0] > tau).mean(axis=0))
        assert np.array_equal(sim.train_error_c2[r], (s_tr[d.y > 0] < tau).mean(axis=0))
        assert np.array_equal(sim.test_error_c2[r], (s_te[d.y_test > 0] < tau).mean(axis=0))
        margins = d.y_test[:, None] * s_te
        assert np.abs(sim.test_margin_mean[r] - margins.mean(axis=0)).max() < 1e-12
        assert np.abs(sim.test_margin_var[r] - margins.var(axis=0, ddof=1)).max() < 1e-12


def test_every_experiment_takes_every_runner_option():
    pb = rd.Problem(p=16, n=40, mu2=2.0, sigma2=0.2, alpha=0.05)
    t, tau = [0, 4, 40], [0.0, 0.1, -0.2]
    C = rd.covariance.Covariance.two_level(16, low=0.5, high=2.0, fraction=0.25)
    X, y, _ = rd.data.gaussian_mixture(16, 200, 3.0, rng=0)
    experiments = {
        "mixture": lambda **kw: rd.simulate(pb, t, runs=3, **kw),
        "covariance": lambda **kw: rd.covariance.simulate(pb, C, t, runs=3, **kw),
        "pool": lambda **kw: rd.realdata.simulate_pool(X, y, t, n_train=40, runs=3, alpha=0.05, sigma2=0.2, **kw),
    }
    for name, experiment in experiments.items():
        calls = []
        eig = experiment(rng=3, dynamics="gd", threshold=tau, progress=lambda d, r: calls.append((d, r)))
        assert calls == [(1, 3), (2, 3), (3, 3)], name
        it = experiment(rng=3, dynamics="gd", threshold=tau, method="iterate")
        for field in ("test_error", "train_error") + mc.Simulation._CLASS_FIELDS:
            assert np.abs(getattr(eig, field) - getattr(it, field)).max() < 1e-10, (name, field)
        assert np.array_equal(eig.threshold, tau)
        assert experiment(seed=3) == experiment(rng=np.random.default_rng(3)), name  # seed: alias of rng
        with pytest.raises(ValueError, match="not both"):
            experiment(rng=1, seed=1)
        with pytest.raises(ValueError, match="cancelled"):
            experiment(rng=0, progress=lambda d, r: (_ for _ in ()).throw(ValueError("cancelled")))


def test_covariance_identity_draws_the_same_numbers_as_the_mixture():
    pb = rd.Problem(p=20, n=30, mu2=2.0, sigma2=0.1, alpha=0.05)
    mu = np.r_[np.sqrt(2.0), np.zeros(19)]
    a = rd.simulate(pb, [0, 10, np.inf], runs=3, rng=4)
    b = rd.covariance.simulate(pb, rd.covariance.Covariance.identity(20), [0, 10, np.inf], runs=3, rng=4, mu=mu)
    assert np.array_equal(a.train_error, b.train_error)
    assert np.abs(a.test_error - b.test_error).max() < 1e-14


def test_rng_follows_scipy_convention():
    pb = rd.Problem(p=8, n=16, mu2=1.0, sigma2=0.1)
    a = rd.simulate(pb, [5.0], runs=2, rng=7)
    assert a == rd.simulate(pb, [5.0], runs=2, seed=7) == rd.simulate(pb, [5.0], runs=2,
                                                                      rng=np.random.default_rng(7))
    g = np.random.default_rng(7)
    assert rd.simulate(pb, [5.0], runs=2, rng=g) != rd.simulate(pb, [5.0], runs=2, rng=g)  # spawned anew
    assert rd.simulate(pb, [5.0], runs=2, rng=None).test_error.shape == (2, 1)
    X1, *_ = dy.draw_run(pb, rng=3)
    assert np.array_equal(X1, dy.draw_run(pb, rng=np.random.default_rng(3))[0])
    for bad, err in ((1.5, TypeError), ("0", TypeError), (True, TypeError), (-1, ValueError)):
        with pytest.raises(err, match="rng"):
            rd.simulate(pb, [5.0], runs=2, rng=bad)
        with pytest.raises(err, match="rng"):
            rd.data.gaussian_mixture(3, 4, 1.0, rng=bad)


def test_results_compare_and_encode_as_strict_json():
    pb = rd.Problem(p=8, n=16, mu2=1.0, sigma2=0.1)
    one = rd.simulate(pb, [0.0, np.inf], runs=1, rng=0)
    assert one == one and one == rd.simulate(pb, [0.0, np.inf], runs=1, rng=0)
    assert one != rd.simulate(pb, [0.0, np.inf], runs=1, rng=1)
    text = rd._json.dumps(one.as_dict())
    assert "NaN" not in text and "Infinity" not in text
    out = json.loads(text)
    assert out["t"] == [0.0, "inf"] and out["test_error_sem"] == [None, None]
    assert rd._json.to_jsonable([np.inf, -np.inf, np.nan, np.float32(0.5), np.arange(2)]) == \
        ["inf", "-inf", None, 0.5, [0, 1]]
    with pytest.raises(TypeError, match="obj"):
        rd._json.to_jsonable(object())


def test_runner_rejects_bad_arguments_by_name():
    draw = _shuffled_pool_draw()
    with pytest.raises(TypeError, match="draw"):
        mc.run(None, [1], runs=1, alpha=0.1)
    with pytest.raises(TypeError, match="draw must return"):
        mc.run(lambda rng: (1, 2), [1], runs=1, alpha=0.1)
    with pytest.raises(ValueError, match="runs"):
        mc.run(draw, [1], runs=0, alpha=0.1)
    with pytest.raises(TypeError, match="alpha"):
        mc.run(draw, [1], runs=1, alpha="fast")
    with pytest.raises(ValueError, match="threshold"):
        mc.run(draw, [1, 2], runs=1, alpha=0.1, threshold=[0.0])
    with pytest.raises(TypeError, match="progress"):
        mc.run(draw, [1], runs=1, alpha=0.1, progress=3)
    with pytest.raises(ValueError, match="method"):
        mc.run(draw, [1], runs=1, alpha=0.1, method="lanczos")
    with pytest.raises(ValueError, match="Draw.w0"):
        mc.run(lambda rng: mc.Draw(X=np.ones((3, 4)), y=np.array([1.0, -1, 1, -1]), w0=np.zeros(2),
                                   mu=np.zeros(3)), [1], runs=1, alpha=0.1)
    with pytest.raises(ValueError, match="either mu"):
        mc.run(lambda rng: mc.Draw(X=np.ones((3, 4)), y=np.array([1.0, -1, 1, -1]), w0=np.zeros(3)),
               [1], runs=1, alpha=0.1)
    with pytest.raises(TypeError, match="problem"):
        rd.simulate("problem", [1], runs=1)


def test_wide_data_path_and_its_fallback_equal_iteration():
    """p > n: the n x n Gram path; with repeated samples (a singular Gram matrix) the p x p path."""
    rng = np.random.default_rng(4)
    X = rng.standard_normal((50, 20)) + 0.8
    y = np.repeat([-1.0, 1.0], 10)
    w0 = rng.standard_normal(50)
    assert dy._eigen_thin(X, y) is not None
    X_rep = np.column_stack([X[:, :10], X[:, :10]])  # rank 10 < n = 20
    assert dy._eigen_thin(X_rep, y) is None
    for data in (X, X_rep):
        for gamma in (0.0, 0.2):
            W = dy.weights(data, y, w0, alpha=0.02, t=[0, 7, 300], dynamics="gd", gamma=gamma)
            ref = dy.gradient_descent(data, y, w0, alpha=0.02, steps=[0, 7, 300], gamma=gamma)
            assert np.abs(W - ref).max() < 1e-10
