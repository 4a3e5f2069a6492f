"""Benchmark: the library's vectorised theory and simulation against the naive approaches,
measured side by side in one run (not a test: run it with `make bench`).

* theory: 1,000 times, test + training, rmtdyn.predict (one fixed node set) and
  rmtdyn.predict_contour vs per-time adaptive scipy.integrate.quad (tests/naive.py);
* simulation: p=256, n=512, steps 1..1000, 50 runs, one eigendecomposition per run vs
  per-step GD iteration with the errors evaluated at every step.

The naive approaches are timed on a subset (stated) and scaled linearly to the same
work; everything else is timed in full.  Each figure is the best of a few repeats.
"""

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import naive  # noqa: E402

import rmtdyn as rd  # noqa: E402


def best_of(fn, repeat=3):
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main():
    print("rmtdyn benchmark (numpy %s, 1 process)" % np.__version__)
    pb = rd.Problem(c=0.5, mu2=4.0, sigma2=0.1, alpha=0.01)
    t = np.geomspace(0.1, 1e4, 1000)

    t_fast, pr = best_of(lambda: rd.predict(pb, t), repeat=5)
    t_cont, pc = best_of(lambda: rd.predict_contour(pb, t[t <= 3000]), repeat=3)
    sub = t[::50]  # 20 times for the naive quadrature
    t_naive_sub, ref = best_of(lambda: naive.quad_theory(pb.c, pb.mu2, pb.sigma2, pb.alpha, sub), repeat=1)
    t_naive = t_naive_sub * t.size / sub.size
    agree = max(np.abs(pr.E[::50] - ref["E"]).max(), np.abs(pr.V[::50] - ref["V"]).max())
    n_cont = int((t <= 3000).sum())
    agree_c = np.abs(pr.V[t <= 3000] - pc.V).max()
    print("\nTheory, 1,000 times (E, V, E_train, V_train, both errors)")
    print(f"  rmtdyn.predict (fixed nodes)      {t_fast * 1e3:9.2f} ms")
    print(f"  rmtdyn.predict_contour ({n_cont} times) {t_cont * 1e3:9.2f} ms   max |V - V_real| = {agree_c:.1e}")
    print(f"  naive per-time scipy quad         {t_naive * 1e3:9.0f} ms   (timed on {sub.size} times, scaled)")
    print(f"  speed-up predict vs naive quad    {t_naive / t_fast:9.0f} x   max |diff| = {agree:.1e}")

    ps = rd.Problem(p=256, n=512, mu2=4.0, sigma2=0.1, alpha=0.01)
    steps = np.arange(1, 1001)
    runs = 50
    t_sim, sim = best_of(lambda: rd.simulate(ps, steps, runs=runs, seed=0, dynamics="gd"), repeat=2)
    naive_runs = 3

    def iterate():
        out = []
        for rng in np.random.default_rng(0).spawn(runs)[:naive_runs]:
            X, y, mu, w0 = rd.dynamics.draw_run(ps, rng=rng)
            out.append(naive.gd_iterate_errors(X, y, mu, w0, ps.alpha, steps))
        return out
    t_it_sub, it = best_of(iterate, repeat=1)
    t_it = t_it_sub * runs / naive_runs
    agree_sim = max(np.abs(sim.test_error[r] - it[r][0]).max() for r in range(naive_runs))
    print(f"\nSimulation, p=256 n=512, 1,000 step counts, {runs} runs (test + training error)")
    print(f"  rmtdyn.simulate (eigendecomposition) {t_sim:7.2f} s")
    print(f"  naive per-step GD iteration          {t_it:7.2f} s   (timed on {naive_runs} runs, scaled)")
    print(f"  speed-up                             {t_it / t_sim:7.1f} x   max |test error diff| = {agree_sim:.1e}")


if __name__ == "__main__":
    main()
