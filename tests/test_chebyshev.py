"""The Chebyshev path of the Monte-Carlo runner: its error bound holds, its counts are exact.

The reference is the eigendecomposition path (rmtdyn.dynamics.weights), an independent
computation of the same w(t); the expansion must stay within its own bound of it (the
bound covers truncation, the recurrence's rounding and the end point's solve, so it
must hold with room, not only to rounding).
"""

import numpy as np
import pytest

import rmtdyn as rd
from rmtdyn import chebyshev, montecarlo
from rmtdyn.dynamics import weights


def _data(p, n, mu2=4.0, sigma2=0.1, seed=0):
    pb = rd.Problem(p=p, n=n, mu2=mu2, sigma2=sigma2)
    X, y, mu, w0 = rd.dynamics.draw_run(pb, rng=seed)
    return X, y, mu, w0


CASES = [  # p, n, dynamics, alpha, gamma, times, sigma2
    (256, 512, "gd", 0.01, 0.0, np.arange(1.0, 1001.0), 0.1),        # the paper's setting (end point)
    (100, 200, "flow", 0.01, 0.0, np.geomspace(0.1, 300, 60), 1.0),
    (100, 200, "gd", 0.1, 0.5, np.arange(0.0, 40.0), 0.1),           # ridge, t = 0 included
    (200, 100, "gd", 0.05, 0.0, np.arange(1.0, 21.0), 0.1),          # p > n: two sequences, no end point
    (120, 121, "flow", 0.01, 0.0, np.geomspace(1.0, 100, 30), 0.1),  # c ~ 1: ill-conditioned end point
    (100, 200, "gd", 0.01, 0.0, np.arange(1.0, 301.0), 0.0),         # w0 = 0
]


@pytest.mark.parametrize("p, n, dynamics, alpha, gamma, t, sigma2", CASES)
def test_expansion_stays_within_its_bound(p, n, dynamics, alpha, gamma, t, sigma2):
    X, y, mu, w0 = _data(p, n, sigma2=sigma2)
    out = chebyshev.solve(X, y, w0, t, alpha=alpha, gamma=gamma, dynamics=dynamics)
    assert out is not None, "the expansion should be the cheaper path here"
    B, C, XB, err = out
    W = weights(X, y, w0, alpha=alpha, t=t, dynamics=dynamics, gamma=gamma)
    dist = np.linalg.norm(C @ B.T - W, axis=1)
    # the eigendecomposition has its own rounding, ~ p eps ||w||: allow it on top of the bound
    slack = 64 * p * np.finfo(float).eps * np.linalg.norm(W, axis=1).max()
    assert (dist <= err + slack).all()
    assert err.max() <= 1e-8 * max(np.linalg.norm(W, axis=1).max(), 1e-300) + 1e-12
    np.testing.assert_allclose(XB, X.T @ B, rtol=0, atol=1e-12 * np.abs(X.T @ B).max())


@pytest.mark.parametrize("mu2, p, n", [(4.0, 256, 512), (0.5, 300, 150), (1.0, 80, 400)])
def test_lambda_max_bound_is_an_upper_bound_and_tight(mu2, p, n):
    X, *_ = _data(p, n, mu2=mu2, seed=3)
    M = X @ X.T / n
    lam = np.linalg.eigvalsh(M)[-1]
    L = chebyshev.lambda_max_bound(M)
    assert lam <= L <= 1.06 * lam


def test_declines_where_the_expansion_is_not_the_cheaper_or_not_valid():
    X, y, mu, w0 = _data(100, 200)
    assert chebyshev.solve(X, y, w0, np.array([1.0, np.inf]), alpha=0.01, dynamics="flow") is None
    assert chebyshev.solve(X, y, w0, np.geomspace(1, 1e6, 50), alpha=0.1, dynamics="flow") is None
    lam = np.linalg.eigvalsh(X @ X.T / 200)[-1]
    assert chebyshev.solve(X, y, w0, np.arange(1.0, 5.0), alpha=2.01 / lam, dynamics="gd") is None
    with pytest.raises(ValueError, match="unstable gradient-descent step"):
        rd.montecarlo.run(lambda rng: rd.montecarlo.Draw(X=X, y=y, w0=w0, mu=mu), [1, 2], runs=1,
                          alpha=2.01 / lam, dynamics="gd")


def _draws(kind, p=120, n=240, mu2=2.0):
    pb = rd.Problem(p=p, n=n, mu2=mu2, sigma2=0.2)

    def draw(rng):
        X, y, mu, w0 = rd.dynamics.draw_run(pb, rng=rng)
        if kind == "gauss":
            return montecarlo.Draw(X=X, y=y, w0=w0, mu=mu)
        if kind == "cov":
            return montecarlo.Draw(X=X, y=y, w0=w0, mu=mu, cov_factor=np.linspace(0.5, 1.5, p))
        Xt, yt, _ = rd.data.sample(pb, rng=rng)
        perm = rng.permutation(n)  # held-out labels in no particular order
        return montecarlo.Draw(X=X, y=y, w0=w0, X_test=Xt[:, perm], y_test=yt[perm])
    return draw


@pytest.mark.parametrize("kind", ["gauss", "cov", "held-out"])
@pytest.mark.parametrize("dynamics, t, threshold", [
    ("gd", np.arange(0, 400, 7), 0.0),
    ("flow", np.geomspace(0.1, 100, 40), 0.0),
    ("gd", np.arange(1, 200, 3), 0.05),   # per-class errors at a threshold
])
def test_auto_path_counts_the_same_errors_as_the_eigendecomposition(kind, dynamics, t, threshold, monkeypatch):
    calls = []
    monkeypatch.setattr(montecarlo.chebyshev, "solve",
                        lambda *a, _f=chebyshev.solve, **k: calls.append(1) or _f(*a, **k))
    kw = dict(runs=4, rng=7, alpha=0.02, dynamics=dynamics, threshold=threshold)
    auto = montecarlo.run(_draws(kind), t, method="auto", **kw)
    eig = montecarlo.run(_draws(kind), t, method="eig", **kw)
    assert calls, "the auto path was not tried"
    for name, value in auto.as_dict().items():
        ref = eig.as_dict()[name]
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            if "train" in name or kind == "held-out" and "error" in name:
                np.testing.assert_array_equal(value, ref, err_msg=name)   # counted signs: identical
            else:
                np.testing.assert_allclose(value, ref, rtol=1e-10, atol=1e-13, err_msg=name)


def test_an_uncertain_sign_sends_the_run_to_the_eigendecomposition(monkeypatch):
    # w0 = 0 and t = 0: every score is exactly 0, a tie that only exact arithmetic can count
    pb = rd.Problem(p=60, n=120, mu2=2.0, sigma2=0.0)
    eig_calls = []
    real = montecarlo._spectral_solve
    monkeypatch.setattr(montecarlo, "_spectral_solve", lambda *a: eig_calls.append(1) or real(*a))
    sim = rd.simulate(pb, np.arange(0, 30), runs=2, rng=1, dynamics="gd")
    assert len(eig_calls) == 2
    assert (sim.train_error[:, 0] == 0.5).all()   # all ties: a coin flip each


def test_certified_counts_fix_the_scores_inside_the_float32_band():
    rng = np.random.default_rng(5)
    n, q, T, n1 = 64, 12, 30, 30
    XB, C = rng.standard_normal((n, q)), rng.standard_normal((T, q))
    X = np.zeros((3, n))   # ||x_i|| = 0: only the products' rounding is in the band
    for i, t, s in [(3, 4, 1e-9), (40, 4, -1e-9), (5, 10, -2e-9), (50, 20, 3e-9)]:
        C[t] -= (XB[i] @ C[t] - s) * XB[i] / (XB[i] @ XB[i])   # score (i, t) = s, far inside float32's band
    S = XB @ C.T
    assert 0 < np.abs(S).min() < 1e-8
    pooled, c1, c2 = montecarlo._certified_errors(XB, C, X, np.zeros(T), n1)
    np.testing.assert_array_equal(c1, (S[:n1] > 0).mean(axis=0))
    np.testing.assert_array_equal(c2, (S[n1:] < 0).mean(axis=0))
    np.testing.assert_array_equal(pooled, ((S[:n1] > 0).sum(axis=0) + (S[n1:] < 0).sum(axis=0)) / n)
    # a score within the float64 band (here ||x_i|| = 1, err = 2e-9) is not certain: no answer
    X[0] = 1.0
    assert montecarlo._certified_errors(XB, C, X, np.full(T, 2e-9), n1) is None
