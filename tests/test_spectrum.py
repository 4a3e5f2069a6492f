"""The limiting spectra against independent computations.

Tolerances: adaptive ``scipy.integrate.quad`` is asked for 1e-12, so closed forms and
Gauss-Chebyshev rules (geometrically convergent for the entire integrands used) must
agree with it to ~1e-10.  Random-matrix comparisons use a seeded sample of size p and
their known O(1/p) fluctuation at fixed distance from the support.
"""

import math

import numpy as np
import pytest
from scipy import integrate

import rmtdyn as rd
from rmtdyn import spectrum as sp

import naive

CS = [0.1, 0.5, 0.99, 1.0, 1.01, 2.0, 10.0]


@pytest.mark.parametrize("c", CS)
def test_mp_mass_is_one_with_atom(c):
    lm, lp = sp.mp_edges(c)
    bulk, _ = integrate.quad(lambda x: float(sp.mp_density(x, c)), lm, lp, epsabs=1e-13, limit=400)
    assert abs(bulk + sp.mp_atom(c) - 1) < 1e-9


@pytest.mark.parametrize("c", CS)
def test_mp_mean_and_second_moment(c):
    # moments of MP: int x dnu = 1, int x^2 dnu = 1 + c  (Bai & Silverstein, ch. 3)
    assert abs(sp.nu_expect(lambda x: x, c) - 1) < 1e-12
    assert abs(sp.nu_expect(lambda x: x ** 2, c) - (1 + c)) < 1e-12


@pytest.mark.parametrize("c", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("z", [-1.0 + 0j, 0.5 + 0.5j, 3.0 - 1.0j, 8.0 + 0j, 1.0 + 1e-3j])
def test_stieltjes_matches_density_integral(c, z):
    # m(z) = int nu(dx)/(x - z): compare with direct quadrature of the density (+ atom at 0)
    lm, lp = sp.mp_edges(c)
    def part(fn):
        return integrate.quad(lambda x: fn(sp.mp_density(x, c) / (x - z)), lm, lp,
                              epsabs=1e-13, limit=2000)[0]
    ref = part(lambda v: v.real) + 1j * part(lambda v: v.imag) + sp.mp_atom(c) / (0 - z)
    tol = 1e-9 if abs(z.imag) > 0.1 or z.imag == 0 else 1e-6  # quad struggles 1e-3 above the cut
    assert abs(sp.mp_stieltjes(z, c) - ref) < tol


@pytest.mark.parametrize("c", [0.5, 2.0])
def test_stieltjes_solves_quadratic_and_has_right_branch(c):
    z = np.array([-2.0, 0.3 + 1j, 2 - 0.5j, 10.0, 1.0 + 1e-8j, 50 + 50j])
    m = sp.mp_stieltjes(z, c)
    assert np.abs(c * z * m ** 2 - (1 - c - z) * m + 1).max() < 1e-12
    # Nevanlinna property: Im m(z) has the sign of Im z; m ~ -1/z at infinity
    assert np.all(np.sign(m.imag[np.abs(z.imag) > 0]) == np.sign(z.imag[np.abs(z.imag) > 0]))
    assert abs(sp.mp_stieltjes(1e8, c) * 1e8 + 1) < 1e-6


@pytest.mark.parametrize("c", [0.5, 2.0])
def test_stieltjes_vs_empirical_large_sample(c):
    # p = 1000: the empirical transform at distance >= 0.5 from the support fluctuates
    # by O(1/p) ~ 1e-3 around m(z); 1e-2 leaves a factor 10 of margin
    rng = np.random.default_rng(7)
    p = 1000
    n = int(p / c)
    Z = rng.standard_normal((p, n))
    eig = np.linalg.eigvalsh(Z @ Z.T / n)
    z = np.array([-0.5, 1.0 + 0.5j, 3.0 + 1j, 6.0])
    assert np.abs(sp.empirical_stieltjes(eig, z) - sp.mp_stieltjes(z, c)).max() < 1e-2


@pytest.mark.parametrize("c,mu2", [(0.5, 4.0), (0.5, 0.5), (2.0, 1.0), (1.0, 1.0), (0.25, 0.4)])
def test_mu_density_is_imaginary_part_of_its_stieltjes(c, mu2):
    # closed form of the slides vs (1/pi) Im S_mu(x + i0) from m(z): two derivations
    lm, lp = sp.mp_edges(c)
    x = np.linspace(lm, lp, 41)[1:-1]
    s = sp.mu_stieltjes(x + 0j, c, mu2)
    assert np.abs(s.imag / np.pi - sp.mu_density(x, c, mu2)).max() < 1e-12


@pytest.mark.parametrize("c,mu2", [(0.5, 4.0), (0.5, 0.5), (2.0, 1.0), (2.0, 2.0), (1.0, 1.0), (1.0, 0.999)])
def test_mu_total_mass_and_spike_weight(c, mu2):
    lm, lp = sp.mp_edges(c)
    bulk, _ = integrate.quad(lambda x: float(sp.mu_density(x, c, mu2)), lm, lp, epsabs=1e-13, limit=400)
    assert abs(bulk - sp.mu_bulk_mass(c, mu2)) < 1e-9
    assert abs(bulk + sp.spike_weight(c, mu2) - mu2) < 1e-9
    assert (sp.spike_weight(c, mu2) > 0) == (mu2 ** 2 > c)


@pytest.mark.parametrize("c,mu2", [(0.5, 4.0), (2.0, 2.0), (0.1, 1.0)])
def test_spike_weight_is_minus_residue(c, mu2):
    # small circle around lambda_s: -(1/2 pi i) oint S_mu dz = atom weight
    ls = sp.spike_location(c, mu2)
    r = 0.5 * (ls - sp.mp_edges(c)[1])
    e = np.exp(2j * np.pi * np.arange(256) / 256)  # circle of radius r, trapezoid weights
    C = rd.contour.Contour(z=ls + r * e, dz=r * e / 256, rho=np.inf, left=ls - r, right=ls + r)
    res = -rd.contour.contour_integral(sp.mu_stieltjes(C.z, c, mu2), C)
    assert abs(res - sp.spike_weight(c, mu2)) < 1e-10
    # and the spike is where 1 + (mu2 + c) m = 0
    assert abs(1 + (mu2 + c) * sp.mp_stieltjes(ls, c)) < 1e-12


def test_bulk_rule_exact_for_polynomials():
    c = 0.3
    x, w = sp.bulk_rule(c, nodes=6)
    lm, lp = sp.mp_edges(c)
    for deg in range(12):  # exact up to degree 2N - 1 = 11
        ref = integrate.quad(lambda u: u ** deg, lm, lp, weight="alg", wvar=(0.5, 0.5), epsabs=1e-14)[0]
        assert abs(np.sum(w * x ** deg) - ref) < 1e-11 * max(1, abs(ref))


@pytest.mark.parametrize("c", [0.5, 0.999, 1.0, 1.001, 3.0])
@pytest.mark.parametrize("a", [0.0, 0.5, 5.0])
def test_integrate_nu_accurate_near_c_equal_one(c, a):
    # h(x) = exp(-a x): the 1/x of the density is near-singular at c ~ 1
    h = lambda x: np.exp(-a * x)  # noqa: E731
    ref = naive.nu_bulk_integral(h, c) + sp.mp_atom(c)
    assert abs(sp.nu_expect(h, c) - ref) < 1e-9


@pytest.mark.parametrize("c,mu2", [(0.5, 0.7071), (0.5, 0.71), (1.0, 1.0), (1.0, 1.001), (0.5, 4.0), (2.0, 0.5)])
def test_integrate_mu_accurate_near_transition(c, mu2):
    # mu2 ~ sqrt(c): lambda_s touches the edge and 1/(lambda_s - x) is near-singular
    def h(x):  # g_t(x) = (1 - exp(-3x))/x, the shape of the filters of the theory
        x = np.asarray(x, dtype=float)
        return np.where(x == 0, 3.0, -np.expm1(-3 * x) / np.where(x == 0, 1.0, x))
    ls = sp.spike_location(c, mu2)
    ref = naive.mu_bulk_integral(h, c, mu2) + sp.spike_weight(c, mu2) * h(ls)
    assert abs(sp.mu_expect(h, c, mu2) - ref) < 1e-8
