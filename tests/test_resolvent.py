"""Resolvents, deterministic equivalents and Cauchy's formula on finite matrices."""

import numpy as np
import pytest
from scipy.linalg import expm

import rmtdyn as rd
from rmtdyn import contour as ct
from rmtdyn import spectrum as sp


def _sample_M(p, c, mu2, seed):
    n = int(round(p / c))
    X, y, mu = rd.data.gaussian_mixture(p, n, mu2, rng=seed)
    return X @ X.T / n, mu


@pytest.mark.parametrize("z", [-0.5 + 0j, 1.0 + 1.0j, 7.0 + 0j])
def test_deterministic_equivalent_converges_at_the_expected_rate(z):
    # a^T (Q - Qbar) b fluctuates like n^-1/2 and (1/p) tr A (Q - Qbar) like n^-1: fit the
    # slope of the mean absolute error over 4 seeds at p = 100 ... 800, c = 1/2
    c, mu2 = 0.5, 2.0
    ps = np.array([100, 200, 400, 800])
    err_bil, err_tr = [], []
    for p in ps:
        eb, et = [], []
        for seed in range(4):
            M, mu = _sample_M(int(p), c, mu2, seed)
            Q = sp.resolvent(M, z)
            Qb = sp.deterministic_equivalent(z, c, mu)
            a = mu / np.linalg.norm(mu)
            b = np.ones(p) / np.sqrt(p)
            A = np.diag(np.linspace(0, 1, p))
            eb.append(abs(a @ (Q - Qb) @ (a + b)))
            et.append(abs(np.trace(A @ (Q - Qb)) / p))
        err_bil.append(np.mean(eb))
        err_tr.append(np.mean(et))
    s_bil = np.polyfit(np.log(ps), np.log(err_bil), 1)[0]
    s_tr = np.polyfit(np.log(ps), np.log(err_tr), 1)[0]
    assert s_bil < -0.3, s_bil   # expected -1/2
    assert s_tr < -0.7, s_tr     # expected -1
    assert err_bil[-1] < 0.05 and err_tr[-1] < 2e-3


def test_bilinear_de_equals_matrix_form():
    mu = np.array([1.0, 2.0, 0.0, -1.0])
    a, b = np.array([1.0, 0, 2, 0]), np.array([0.5, 1, 0, 1])
    for z in (-1.0, 2 + 1j, 10.0):
        assert abs(a @ sp.deterministic_equivalent(z, 0.7, mu) @ b - sp.bilinear_de(a, b, z, 0.7, mu)) < 1e-14


def test_density_from_stieltjes_on_a_sample():
    # at the same eps = 0.05 (several eigenvalue spacings) the empirical and the limiting
    # transforms differ only by the sample's fluctuation, O(1/(p eps)) ~ 0.02: bound 0.05;
    # and as eps -> 0 the limiting one gives back the MP density exactly
    c = 0.5
    M, _ = _sample_M(1000, c, 1e-12, 3)
    lam = np.linalg.eigvalsh(M)
    x = np.linspace(0.3, 2.6, 40)
    emp = sp.density_from_stieltjes(lambda z: sp.empirical_stieltjes(lam, z), x, eps=0.05)
    lim = sp.density_from_stieltjes(lambda z: sp.mp_stieltjes(z, c), x, eps=0.05)
    assert np.abs(emp - lim).max() < 0.05
    exact = sp.density_from_stieltjes(lambda z: sp.mp_stieltjes(z, c), x, eps=1e-10)
    assert np.abs(exact - sp.mp_density(x, c)).max() < 1e-8


@pytest.mark.parametrize("alpha_t", [0.5, 5.0, 30.0])
def test_cauchy_formula_on_a_finite_matrix(alpha_t):
    M, mu = _sample_M(60, 0.5, 3.0, 1)
    a = mu / np.linalg.norm(mu)
    b = np.linspace(-1, 1, 60)
    lam = np.linalg.eigvalsh(M)
    C = ct.ellipse(lam[0] - 0.05, lam[-1] + 0.05, rho=1.3, nodes=256 + int(4 * alpha_t * lam[-1]))
    val = ct.matrix_function(M, a, b, lambda z: np.exp(-alpha_t * z), C)
    ref = a @ expm(-alpha_t * M) @ b
    assert abs(val - ref) < 1e-10 * max(1, abs(ref))


def test_contour_that_misses_eigenvalues_is_wrong():
    M = np.diag([1.0, 2.0, 5.0])
    a = np.ones(3)
    C = ct.ellipse(0.5, 2.5, rho=1.5)  # leaves out the eigenvalue 5
    assert abs(ct.matrix_function(M, a, a, np.exp, C) - (np.e + np.e ** 2)) < 1e-10


def test_for_problem_encloses_spectrum_and_meets_tolerance():
    pb = rd.Problem(c=2.0, mu2=3.0, sigma2=0.5, alpha=0.01)
    C = ct.for_problem(pb, [100.0], tol=1e-14)
    # winding number 1 around 0, the bulk and the spike
    for z0 in (0.0, pb.lambda_minus, pb.lambda_plus, pb.spike):
        assert abs(np.sum(C.dz / (C.z - z0)) - 1) < 1e-12
    loose = ct.predict_contour(pb, [100.0], contour=ct.for_problem(pb, [100.0], tol=1e-4))
    tight = ct.predict_contour(pb, [100.0], contour=C)
    exact = rd.predict(pb, [100.0])
    assert abs(tight.V[0] - exact.V[0]) < 1e-12
    assert abs(loose.V[0] - exact.V[0]) < 1e-4
