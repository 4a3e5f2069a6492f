"""General noise covariance (rmtdyn.covariance): solver, deterministic equivalents, theorem.

Tolerances:

* C = I must reproduce the identity theorem (rmtdyn.predict) to 1e-8: both are
  quadratures converging geometrically (measured agreement ~1e-12).
* Deterministic equivalents against one finite matrix: normalised traces fluctuate
  by O(1/p) (measured std ~1e-3 at p = 400 for Im z = 1), so the allowed gap is 5/p;
  the same check without the two-resolvent correction misses by ~0.08 = 32/p.
* Theory against Monte Carlo: |mean_sim - theory| <= 3 SE + 1/n, as in
  test_montecarlo.py (3 SE for the Monte-Carlo error of the mean, 1/n for the
  finite-size bias of the expected error).
"""

import warnings

import numpy as np
import pytest

import rmtdyn as rd
from rmtdyn import covariance as cv
from rmtdyn import covariance_law as law, covariance_theory as ct

T_FLOW = np.array([0.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0])


def _finite_K(C, n, rng):
    lam = C.eigenvalues
    Y = np.sqrt(lam)[:, None] * rng.standard_normal((C.p, n))
    return Y @ Y.T / n


# ---------------------------------------------------------------- the identity case

@pytest.mark.parametrize("c,mu2,sigma2,dynamics", [
    (0.5, 4.0, 0.1, "flow"), (0.5, 4.0, 0.1, "gd"), (2.0, 4.0, 0.5, "flow"),
    (0.5, 0.5, 0.5, "flow"), (1.0, 4.0, 0.1, "gd")])
def test_identity_reduces_to_the_paper(c, mu2, sigma2, dynamics):
    pb = rd.Problem(c=c, mu2=mu2, sigma2=sigma2, alpha=0.01)
    t = T_FLOW if dynamics == "flow" else T_FLOW.astype(int)
    a = cv.predict(pb, cv.Covariance.identity(50), t, dynamics=dynamics)
    b = rd.predict(pb, t, dynamics=dynamics)
    for key in ("E", "V", "E_train", "V_train", "test_error", "train_error"):
        assert np.allclose(getattr(a, key), getattr(b, key), rtol=0, atol=1e-8), key


def test_identity_solver_and_spike():
    C = cv.Covariance.identity(30)
    z = np.array([0.3 + 0.2j, 2.0 - 1.0j, -1.0 + 0.01j, 6.0 + 0.001j])
    assert np.allclose(cv.stieltjes(C, z, c=0.5), rd.spectrum.mp_stieltjes(z, 0.5), atol=1e-12)
    assert abs(cv.support_edge(C, c=2.0) - (1 + np.sqrt(2.0)) ** 2) < 1e-9
    assert abs(cv.spike_location(C, C.default_mean(4.0), c=0.5) - rd.spectrum.spike_location(0.5, 4.0)) < 1e-9
    assert cv.spike_location(C, C.default_mean(0.5), c=0.5) is None  # below the transition


def test_simulate_identity_matches_the_paper_runner():
    pb = rd.Problem(p=40, n=80, mu2=4.0, sigma2=0.1, alpha=0.01)
    mu = np.zeros(40)
    mu[0] = 2.0
    a = cv.simulate(pb, cv.Covariance.identity(40), T_FLOW, runs=3, seed=5, mu=mu)
    b = rd.simulate(pb, T_FLOW, runs=3, seed=5)
    assert np.allclose(a.test_error, b.test_error, atol=1e-12)
    assert np.array_equal(a.train_error, b.train_error)


# ---------------------------------------------------------------- the solver and the law

def test_companion_solves_the_fixed_point():
    C = cv.Covariance.power_law(100, exponent=1.0)
    z = np.array([0.1 + 0.05j, 3.0 + 0.5j, 40.0 + 1e-3j, -2.0 - 0.3j])
    m = cv.companion_stieltjes(C, z, c=0.7)
    n = 100 / 0.7
    resid = -1 / m + (C.eigenvalues[None, :] / (1 + np.outer(m, C.eigenvalues))).sum(1) / n - z
    assert np.abs(resid).max() < 1e-10
    assert np.all(np.sign(m.imag) == np.sign(z.imag))  # a Stieltjes transform


def test_stieltjes_against_a_finite_matrix():
    rng = np.random.default_rng(0)
    p = 400
    C = cv.Covariance.two_level(p, low=0.5, high=4.0, fraction=0.2)
    K = _finite_K(C, 2 * p, rng)
    z = np.array([1.0 + 1.0j, 4.0 + 1.5j, -1.0 + 1.0j])
    emp = rd.spectrum.empirical_stieltjes(np.linalg.eigvalsh(K), z)
    assert np.abs(emp - cv.stieltjes(C, z, c=0.5)).max() < 5 / p
    # the identity law is far off: the check can fail
    assert np.abs(emp - rd.spectrum.mp_stieltjes(z, 0.5)).max() > 50 / p


def test_density_against_the_eigenvalue_histogram():
    rng = np.random.default_rng(1)
    p = 1000
    C = cv.Covariance.two_level(p, low=1.0, high=8.0, fraction=0.3)
    lam = np.linalg.eigvalsh(_finite_K(C, 4 * p, rng))
    edge = cv.support_edge(C, c=0.25)
    assert lam.max() < edge * 1.05 and lam.max() > edge * 0.95  # edge fluctuations O(p^-2/3)
    x = np.linspace(0, edge * 1.01, 4001)
    dens = cv.density(C, x, c=0.25, eps=1e-5)
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (dens[1:] + dens[:-1]) * np.diff(x))])
    assert abs(cdf[-1] - 1) < 5e-3  # total mass (trapezoid rule over square-root edges)
    emp = np.searchsorted(np.sort(lam), x) / p
    assert np.abs(emp - cdf).max() < 0.02  # Kolmogorov distance; O(1/p) plus quadrature


def test_deterministic_equivalents_against_finite_matrices():
    rng = np.random.default_rng(2)
    p = 400
    C = cv.Covariance.two_level(p, low=0.5, high=4.0, fraction=0.2)
    Cm = C.matrix()
    K = _finite_K(C, 2 * p, rng)
    z1, z2 = 1.0 + 1.0j, 1.7 - 1.0j
    Q1 = np.linalg.inv(K - z1 * np.eye(p))
    Q2 = np.linalg.inv(K - z2 * np.eye(p))
    Qb1 = cv.deterministic_equivalent(C, z1, c=0.5)
    assert abs(np.trace(Cm @ Q1) / p - np.trace(Cm @ Qb1) / p) < 5 / p
    for A in (Cm, np.eye(p)):
        D = cv.two_resolvent_de(C, A, z1, z2, c=0.5)
        assert abs(np.trace(Q1 @ A @ Q2) / p - np.trace(D) / p) < 5 / p
    # without the two-resolvent term the equivalent is wrong by O(1)
    Qb2 = cv.deterministic_equivalent(C, z2, c=0.5)
    assert abs(np.trace(Q1 @ Cm @ Q2) / p - np.trace(Qb1 @ Cm @ Qb2) / p) > 20 / p


def test_spike_against_the_largest_eigenvalue():
    # the top eigenvalue fluctuates by O(p^-1/2) (measured std 0.18 at p = 600, 0.34 at
    # p = 150): compare the mean of 20 draws, allowing 3 SE + 10/n for the O(1/n) bias
    p, n = 300, 600
    C = cv.Covariance.two_level(p, low=0.5, high=2.0, fraction=0.3)
    mu = C.default_mean(6.0)
    rng = np.random.default_rng(3)
    tops = [np.linalg.eigvalsh(X @ X.T / n)[-1] for X, _ in
            (cv.sample(C, mu, n, rng=rng) for _ in range(20))]
    s = cv.spike_location(C, mu, c=p / n)
    edge = cv.support_edge(C, c=p / n)
    assert s is not None and s > edge + 1
    assert abs(np.mean(tops) - s) < 3 * np.std(tops, ddof=1) / np.sqrt(20) + 10 / n


def test_rotation_invariance():
    rng = np.random.default_rng(4)
    p = 20
    U, _ = np.linalg.qr(rng.standard_normal((p, p)))
    lam = np.linspace(0.5, 3.0, p)
    mu = rng.standard_normal(p)
    mu *= 2 / np.linalg.norm(mu)
    pb = rd.Problem(c=0.5, mu2=4.0, sigma2=0.2, alpha=0.01)
    a = cv.predict(pb, cv.Covariance(lam), T_FLOW, mu=mu)
    b = cv.predict(pb, cv.Covariance.from_matrix((U * lam) @ U.T), T_FLOW, mu=U @ mu)
    assert np.allclose(a.V, b.V, atol=1e-9) and np.allclose(a.E, b.E, atol=1e-9)


# ---------------------------------------------------------------- theory against Monte Carlo

def _check(pb, C, t, dynamics, runs, seed, mu=None):
    pr = cv.predict(pb, C, t, mu=mu, dynamics=dynamics)
    sim = cv.simulate(pb, C, t, runs=runs, seed=seed, mu=mu, dynamics=dynamics)
    for name in ("test_error", "train_error"):
        gap = np.abs(getattr(sim, name + "_mean") - getattr(pr, name))
        bound = 3 * getattr(sim, name + "_sem") + 1.0 / pb.n
        assert np.all(gap <= bound), (name, gap.round(5), bound.round(5))


P = 200
CASES = {
    "two-level": cv.Covariance.two_level(P, low=0.5, high=4.0, fraction=0.2),
    "power-law": cv.Covariance.power_law(P, exponent=0.7),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("c", [0.5, 2.0])
def test_theory_vs_simulation_flow(name, c):
    pb = rd.Problem(p=P, n=int(P / c), mu2=4.0, sigma2=0.1, alpha=0.01)
    _check(pb, CASES[name], T_FLOW, "flow", runs=40, seed=11)


@pytest.mark.parametrize("name", sorted(CASES))
def test_theory_vs_simulation_gd(name):
    pb = rd.Problem(p=P, n=2 * P, mu2=4.0, sigma2=0.1, alpha=0.05)
    _check(pb, CASES[name], T_FLOW[:-1].astype(int), "gd", runs=40, seed=12)


def test_theory_vs_simulation_mean_in_low_variance_directions():
    C = CASES["two-level"]
    mu = np.zeros(P)
    mu[-1] = 1.0  # an eigenvector of the low level 0.5: the signal sits where the noise is weak
    pb = rd.Problem(p=P, n=2 * P, mu2=1.0, sigma2=0.1, alpha=0.01)
    _check(pb, C, T_FLOW, "flow", runs=40, seed=13, mu=mu)


# ---------------------------------------------------------------- validation

def test_validation_errors():
    with pytest.raises(ValueError, match="eigenvalues"):
        cv.Covariance([1.0, np.nan])
    with pytest.raises(ValueError, match="orthonormal"):
        cv.Covariance([1.0, 2.0], [[1.0, 1.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="eigenvectors must have shape"):
        cv.Covariance([1.0, 2.0], np.eye(3))
    with pytest.raises(ValueError, match="positive definite"):
        cv.Covariance.from_matrix([[1.0, 0.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match="square"):
        cv.Covariance.from_matrix(np.ones((2, 3)))
    with pytest.raises(ValueError, match="shrinkage"):
        cv.Covariance.estimate(np.ones((2, 5)), shrinkage=0.0)
    C = cv.Covariance.identity(4)
    pb = rd.Problem(c=0.5, mu2=1.0)
    with pytest.raises(ValueError, match="covariance must be"):
        cv.predict(pb, np.eye(4), [1.0])
    with pytest.raises(ValueError, match="mu must have"):
        cv.predict(pb, C, [1.0], mu=np.ones(4))
    with pytest.raises(ValueError, match="mu must have shape"):
        cv.predict(pb, C, [1.0], mu=np.ones(3))
    with pytest.raises(ValueError, match="contour=None"):   # t = inf only on the library's own contours
        cv.predict(pb, C, [np.inf], contour=cv.contour_for(C, C.default_mean(1.0), [1.0], c=0.5, alpha=0.01))
    with pytest.raises(ValueError, match="p=4 but problem has p=6"):
        cv.predict(rd.Problem(p=6, n=12, mu2=1.0), C, [1.0])
    with pytest.raises(ValueError, match="unstable"):
        cv.predict(pb.replace(alpha=1.0), C, [1], dynamics="gd")
    with pytest.raises(ValueError, match="off the real axis"):
        cv.stieltjes(C, [1.0], c=0.5)
    with pytest.raises(ValueError, match="c = p/n"):
        cv.stieltjes(C, [1j], c=-1.0)
    with pytest.raises(ValueError, match="p and n"):
        cv.simulate(pb, C, [1.0], runs=1, seed=0)
    # no ridge penalty in the general-covariance theory: refused, never silently dropped
    with pytest.raises(ValueError, match="gamma = 0"):
        cv.predict(pb.replace(gamma=0.1), C, [1.0])
    with pytest.raises(ValueError, match="gamma = 0"):
        cv.simulate(rd.Problem(p=4, n=8, mu2=1.0, gamma=0.1), C, [1.0], runs=1, seed=0)


@pytest.mark.parametrize("c,mu2,sigma2", [(0.5, 4.0, 0.1), (2.0, 1.0, 1.0), (1.0, 1.0, 1.0), (0.2, 0.3, 1.0)])
def test_split_form_equals_identity_theory_at_long_times(c, mu2, sigma2):
    # alpha*t*R up to ~1e5: the parabola part of the split form, against the real-line theorem
    # (certified to 1e-12 by its own error estimate); 1e-9 leaves room for the ellipse's 1e-11
    pb = rd.Problem(c=c, mu2=mu2, sigma2=sigma2, alpha=0.01)
    t = np.geomspace(50, 1e6, 9)
    a = cv.predict(pb, cv.Covariance.identity(32), t)
    ref = rd.predict(pb, t)
    for key in ("E", "V", "E_train", "V_train"):
        assert np.allclose(getattr(a, key), getattr(ref, key), rtol=1e-9, atol=0), key


def test_split_form_equals_one_ellipse_for_a_general_covariance(monkeypatch):
    pb = rd.Problem(c=0.5, mu2=4.0, sigma2=0.1, alpha=0.01)
    C = cv.Covariance.power_law(128, exponent=0.7)
    t = np.array([100.0, 1000.0, 3000.0])
    split = cv.predict(pb, C, t)
    monkeypatch.setattr(ct, "_SPLIT_AT", np.inf)
    one = cv.predict(pb, C, t)
    for key in ("E", "V", "E_train", "V_train"):
        assert np.allclose(getattr(split, key), getattr(one, key), rtol=1e-10, atol=0), key


@pytest.mark.parametrize("c,mu2,sigma2", [(0.5, 4.0, 0.1), (2.0, 1.0, 1.0)])
def test_t_inf_is_the_closed_form_limit_for_the_identity(c, mu2, sigma2):
    pb = rd.Problem(c=c, mu2=mu2, sigma2=sigma2, alpha=0.01)
    a = cv.predict(pb, cv.Covariance.identity(32), [0.0, np.inf])
    lim = rd.limits(pb)
    for key in ("E", "V", "E_train", "V_train"):
        assert abs(getattr(a, key)[1] - lim[key]) <= 1e-10 * abs(lim[key]), key
    assert a.test_error[0] == 0.5


def test_t_inf_at_c_one_is_refused():
    pb = rd.Problem(c=1.0, mu2=1.0, alpha=0.01)
    with pytest.raises(ValueError, match="t = inf"):
        cv.predict(pb, cv.Covariance.identity(32), [np.inf])


def test_split_form_warns_when_its_error_estimate_exceeds_rtol():
    # the estimate (48 vs 40 parabola nodes) is ~1e-9 here: below the default 1e-6, above 1e-14
    pb = rd.Problem(c=0.5, mu2=4.0, sigma2=0.1, alpha=0.01)
    with pytest.warns(rd.quadrature.QuadratureWarning, match="c=0.5"):
        cv.predict(pb, cv.Covariance.identity(32), [1e4], rtol=1e-14)


# ---------------------------------------------------------------- the one-ellipse error estimate

def _one_ellipse(pb, C, t, dynamics, nodes=None, factor=1):
    """(moments, estimate, N) of the one-ellipse rule on predict's own ellipse (or with `nodes`)."""
    spec = law._Spec(C, pb.c, C.rotate(C.default_mean(pb.mu2)) ** 2)
    spike, edge = law._spike(spec)
    right = max(edge, spike or 0.0) * (1 + 1e-9)
    K = ct._ellipse_half(spec, right, t, pb.alpha, dynamics, 1e-12, 1.6, 5.0)
    K = rd.contour.ellipse(0.0, right, rho=K.rho, nodes=nodes or factor * K.z.size, half_step=True)
    *out, err = ct._integrals(spec, K, t, pb.alpha, dynamics, pb.sigma2)
    return np.array(out), err, K.z.size


ONE_ELLIPSE = [(0.5, 4.0, 0.1, "flow"), (0.5, 4.0, 0.1, "gd"), (2.0, 1.0, 1.0, "flow"),
               (1.0, 4.0, 0.1, "gd"), (0.2, 0.3, 1.0, "gd")]


def _times(c, dynamics):
    if dynamics == "gd":
        return np.array([1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0])
    t = np.array([1.0, 3.0, 10.0, 30.0, 100.0, 300.0])
    return t[0.01 * t * (1 + np.sqrt(c)) ** 2 * 1.02 <= ct._SPLIT_AT]    # the one-ellipse times


@pytest.mark.parametrize("c,mu2,sigma2,dynamics", ONE_ELLIPSE)
def test_one_ellipse_estimate_is_honest_for_the_identity(c, mu2, sigma2, dynamics):
    # rd.predict is accurate to ~1e-12 (its own estimate), so the true error is below the
    # estimate + 1e-12; measured estimates 4e-15 ... 2e-11, true errors 3e-16 ... 6e-12
    pb = rd.Problem(c=c, mu2=mu2, sigma2=sigma2, alpha=0.01)
    t = _times(c, dynamics)
    out, err, _ = _one_ellipse(pb, cv.Covariance.identity(40), t, dynamics)
    r = rd.predict(pb, t, dynamics=dynamics)
    ref = np.array([r.E, r.V, r.E_train, r.V_train])
    true = (np.abs(out - ref) / np.abs(ref)).max(axis=0)
    assert np.all(true <= err + 1e-12), (true, err)
    assert np.all(err <= 1e-9)          # the default ellipse meets rtol = 1e-6 with room


@pytest.mark.parametrize("c,mu2,sigma2,dynamics", ONE_ELLIPSE)
@pytest.mark.parametrize("nodes", [None, 64])
def test_one_ellipse_estimate_is_honest_for_two_levels(c, mu2, sigma2, dynamics, nodes):
    # against the rule with 4x the nodes (its own estimate is rounding, ~1e-12 at most here);
    # 64 nodes: the estimate (the N/2 = 32 rule, ~1e-7) over-estimates the true error (~1e-13)
    pb = rd.Problem(c=c, mu2=mu2, sigma2=sigma2, alpha=0.01)
    C = cv.Covariance.two_level(200, low=0.5, high=4.0, fraction=0.2)
    t = _times(c, dynamics)
    if nodes is not None:
        t = t[t <= 300]                 # 64 nodes cannot carry the GD filter at alpha*t*R ~ 30
    ref, ref_err, _ = _one_ellipse(pb, C, t, dynamics, factor=4)
    out, err, N = _one_ellipse(pb, C, t, dynamics, nodes=nodes)
    true = (np.abs(out - ref) / np.abs(ref)).max(axis=0)
    assert np.all(true <= err + ref_err), (true, err)
    if nodes is not None:
        assert np.all(err > 10 * true)  # conservative: the N/2 rule's error


def test_one_ellipse_is_refined_until_its_estimate_meets_rtol(monkeypatch):
    pb = rd.Problem(c=0.5, mu2=4.0, sigma2=0.1, alpha=0.05)
    C = cv.Covariance.two_level(200, low=0.5, high=4.0, fraction=0.2)
    t = np.array([1, 10, 30])
    ref = cv.predict(pb, C, t, dynamics="gd")
    real = ct._ellipse_half
    monkeypatch.setattr(ct, "_ellipse_half", lambda *a, **k: rd.contour.ellipse(
        0.0, a[1], rho=real(*a, **k).rho, nodes=32, half_step=True))
    with warnings.catch_warnings():
        warnings.simplefilter("error", rd.quadrature.QuadratureWarning)
        refined = cv.predict(pb, C, t, dynamics="gd")          # 32 -> ... nodes, no warning
    for key in ("E", "V", "E_train", "V_train"):
        assert np.allclose(getattr(refined, key), getattr(ref, key), rtol=1e-6, atol=0), key
    monkeypatch.setattr(ct, "_MAX_NODES", 32)                  # refinement capped: it warns
    with pytest.warns(rd.quadrature.QuadratureWarning,
                      match=r"at t=30 \(gd, c=0.5, mu2=4, sigma2=0.1, alpha=0.05, p=200, one ellipse of 32 nodes"):
        cv.predict(pb, C, t, dynamics="gd")


def test_one_ellipse_warns_on_a_coarse_given_contour():
    pb = rd.Problem(c=0.5, mu2=4.0, sigma2=0.1, alpha=0.01)
    C = cv.Covariance.identity(32)
    K = cv.contour_for(C, C.default_mean(4.0), [30.0], c=0.5, alpha=0.01)
    coarse = rd.contour.ellipse(0.0, K.right, rho=K.rho, nodes=24, half_step=True)
    with pytest.warns(rd.quadrature.QuadratureWarning, match=r"flow, c=0.5, mu2=4, sigma2=0.1, "
                      r"alpha=0.01, p=32, one ellipse of 24 nodes"):
        cv.predict(pb, C, [30.0], contour=coarse)
    with warnings.catch_warnings():                            # the default contour: silent
        warnings.simplefilter("error", rd.quadrature.QuadratureWarning)
        cv.predict(pb, C, [30.0], contour=K)
