"""Theory against Monte Carlo.

Allowed gap at each checked time, for test and training error alike:

    |mean_sim - theory| <= 3 SE + 1/n.

3 SE covers the Monte-Carlo error of the mean (SE from the runs).  1/n is the
finite-size allowance: the theory is the n -> infinity limit, and at finite n the
expected errors differ from it by O(1/n) (deterministic equivalents are unbiased to
O(1/n), the O(n^-1/2) fluctuations of E and V enter the mean error only
quadratically, and a training error moves in steps of 1/n).  Measured n * |gap| over
these settings with 100-800 runs stays below ~3 at p <= 512 and is within the 3 SE
noise; test_gap_shrinks_with_size shows the per-run gap vanishing as p, n grow.
"""

import numpy as np
import pytest

import rmtdyn as rd

T_FLOW = np.array([0.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0])
T_GD = T_FLOW.astype(int)

GRID = [  # (c, mu2, sigma2)
    (0.5, 4.0, 0.1),   # the paper's setting
    (0.5, 4.0, 0.0),
    (0.5, 4.0, 1.0),
    (1.0, 4.0, 0.1),   # c = 1
    (2.0, 4.0, 0.1),   # c > 1
    (2.0, 1.0, 1.0),   # c > 1, mu2 below the transition (mu2^2 < c)
    (0.5, 0.5, 0.1),   # mu2 below the transition
]


def _check(pb, t, dynamics, runs, seed):
    pr = rd.predict(pb, t, dynamics=dynamics)
    sim = rd.simulate(pb, t, runs=runs, seed=seed, dynamics=dynamics)
    allow = 1.0 / pb.n
    for name in ("test_error", "train_error"):
        gap = np.abs(getattr(sim, name + "_mean") - getattr(pr, name))
        bound = 3 * getattr(sim, name + "_sem") + allow
        assert np.all(gap <= bound), (name, gap.round(5), bound.round(5))


@pytest.mark.parametrize("c,mu2,sigma2", GRID)
def test_theory_vs_simulation_flow(c, mu2, sigma2):
    p = 256
    _check(rd.Problem(p=p, n=int(p / c), mu2=mu2, sigma2=sigma2, alpha=0.01), T_FLOW, "flow",
           runs=40, seed=100)


@pytest.mark.parametrize("c,mu2,sigma2", GRID[::2])
def test_theory_vs_simulation_gd(c, mu2, sigma2):
    p = 256
    pb = rd.Problem(p=p, n=int(p / c), mu2=mu2, sigma2=sigma2, alpha=0.1)
    _check(pb, T_GD, "gd", runs=40, seed=200)


def test_gap_shrinks_with_size():
    # per-run distance to the theory (Monte-Carlo fluctuation + finite-size bias):
    # fluctuations of quadratic forms are O(n^-1/2), so the RMS gap should fall like p^-1/2
    c, mu2, sigma2 = 0.5, 4.0, 0.1
    t = np.array([10.0, 100.0, 1000.0])
    sizes = np.array([32, 64, 128, 256])
    rms = []
    for p in sizes:
        pb = rd.Problem(p=int(p), n=int(p / c), mu2=mu2, sigma2=sigma2, alpha=0.01)
        pr = rd.predict(pb, t)
        sim = rd.simulate(pb, t, runs=60, seed=7)
        rms.append(np.sqrt(np.mean((sim.test_error - pr.test_error) ** 2)))
    slope = np.polyfit(np.log(sizes), np.log(rms), 1)[0]
    assert -0.75 < slope < -0.3, slope  # -1/2 expected; 60 runs give each RMS ~10% noise
    assert rms[-1] < rms[0] / 2
