"""The book's animations: frame counts, and that frame k draws the library's numbers at t_k.

The drawn data are compared with independent computations where one exists
(matrix exponential for the weights, least squares for w(infinity)) to 1e-10,
the contract of tests/test_dynamics.py; with the theory (rd.predict, rd.limits,
optimal_stopping) they must be equal to rounding (1e-12), since the animation is
meant to draw exactly those numbers.
"""

import re

import numpy as np
import pytest
from scipy.stats import norm

import rmtdyn as rd
from rmtdyn import animations as an

PB = rd.Problem(p=40, n=80, mu2=4.0, sigma2=0.1, alpha=0.01)
T = np.array([0.5, 5.0, 50.0, 500.0])


def by_label(ax, kind, pattern):
    found = [a for a in getattr(ax, kind) if re.search(pattern, a.get_label())]
    assert len(found) == 1, [a.get_label() for a in getattr(ax, kind)]
    return found[0]


def test_eigendirections_frames_are_the_weights_along_each_eigenvector():
    X, y, mu, w0 = rd.dynamics.draw_run(PB, rng=5)
    anim = an.animate_eigendirections(X, y, w0, alpha=PB.alpha, t=T)
    assert len(list(anim.new_frame_seq())) == T.size
    lam, U = np.linalg.eigh(X @ X.T / PB.n)
    w_ls = np.linalg.lstsq(X.T, y, rcond=None)[0]          # w(inf) for c < 1, independently
    sign = np.sign(U.T @ w_ls)
    W_ref = rd.dynamics.gradient_flow_expm(X, y, w0, alpha=PB.alpha, t=T)
    ax = anim._fig.axes[0]
    points = by_label(ax, "collections", r"w\(t\)")
    limit = by_label(ax, "collections", "limit")
    np.testing.assert_allclose(limit.get_offsets()[:, 1], sign * (U.T @ w_ls), atol=1e-10)
    for k in (3, 0, 2):                                     # any order: frames are independent
        anim._func(k)
        xy = np.asarray(points.get_offsets())
        np.testing.assert_allclose(xy[:, 0], np.clip(lam, 0, None), atol=1e-12)
        np.testing.assert_allclose(xy[:, 1], sign * (U.T @ W_ref[k]), atol=1e-10)
        front = by_label(ax, "lines", "alpha t")
        assert front.get_xdata()[0] == pytest.approx(1 / (PB.alpha * T[k]), rel=1e-12)


def test_statistic_frames_are_histograms_of_one_run_and_the_theorem_gaussians():
    seed, n_test, bins = 3, 600, 30
    anim = an.animate_statistic(PB, T, n_test=n_test, seed=seed, bins=bins)
    assert len(list(anim.new_frame_seq())) == T.size
    X, y, mu, w0 = rd.dynamics.draw_run(PB, rng=seed)
    W_ref = rd.dynamics.gradient_flow_expm(X, y, w0, alpha=PB.alpha, t=T)
    X_test, y_test, _ = rd.data.gaussian_mixture(PB.p, n_test, PB.mu2, rng=seed + 1)
    theory = rd.predict(PB, T)
    ax = anim._fig.axes[0]
    for k in (2, 0, 3):
        anim._func(k)
        for cls in (-1, 1):
            patch = by_label(ax, "patches", re.escape(f"class {cls:+d}"))
            values, edges = patch.get_data()[:2]      # StairData(values, edges, baseline)
            assert values.size == bins
            ref, _ = np.histogram(W_ref[k] @ X_test[:, y_test == cls], bins=edges, density=True)
            # bin counts can only differ if a statistic lies within 1e-10 of an edge
            np.testing.assert_array_equal(values, ref)
            curve = by_label(ax, "lines", ("-" if cls < 0 else r"\+") + "E")
            x, dens = curve.get_data()
            np.testing.assert_allclose(dens, norm.pdf(x, cls * theory.E[k], np.sqrt(theory.V[k])),
                                       rtol=1e-12)
        assert f"theory {theory.test_error[k]:.3f}" in ax.texts[0].get_text()


def test_c_sweep_frames_are_the_theory_curves_of_each_c():
    c = np.array([0.5, 1.0, 2.0])
    t = np.geomspace(1, 1e5, 50)
    anim = an.animate_c_sweep(c, mu2=4.0, sigma2=0.1, alpha=0.01, t=t)
    assert len(list(anim.new_frame_seq())) == c.size
    ax, bx = anim._fig.axes
    for k in (1, 2, 0):
        anim._func(k)
        pb = rd.Problem(c=c[k], mu2=4.0, sigma2=0.1, alpha=0.01)
        pred = rd.predict(pb, t)
        np.testing.assert_allclose(by_label(ax, "lines", "^test error$").get_ydata(), pred.test_error,
                                   rtol=1e-12)
        np.testing.assert_allclose(by_label(ax, "lines", "^training error$").get_ydata(),
                                   pred.train_error, rtol=1e-12)
        inf = by_label(ax, "lines", "infty")
        assert inf.get_ydata()[0] == pytest.approx(rd.limits(pb)["test_error"], rel=1e-12)
        opt = rd.theory.optimal_stopping(pb)
        mark = by_label(ax, "lines", r"t\^\\star")
        assert list(mark.get_xdata()) == [opt.t_opt] and list(mark.get_ydata()) == [opt.test_error_opt]
    anim._func(1)                                           # c = 1: a coin flip at convergence
    assert by_label(ax, "lines", "infty").get_ydata()[0] == pytest.approx(0.5, abs=1e-12)


def test_jshtml_embeds_one_png_per_frame_and_is_reproducible_up_to_its_random_id():
    kw = dict(n_test=200, seed=0, bins=20, dpi=30)
    first = an.jshtml(an.animate_statistic(PB, T[:3], **kw)).data
    second = an.jshtml(an.animate_statistic(PB, T[:3], **kw)).data
    assert first.count("data:image/png;base64") == 3
    assert "<link" not in first and "://" not in first      # fetches nothing (":" is not base64)
    ids = re.compile(r"[0-9a-f]{32}")                       # uuid4().hex of the player
    assert ids.search(first)
    assert ids.sub("ID", first) == ids.sub("ID", second)


@pytest.mark.parametrize("call, match", [
    (lambda X, y, w0: an.animate_eigendirections(X, y, w0, alpha=0.01, t=[1.0]), "at least 2"),
    (lambda X, y, w0: an.animate_eigendirections(X, y, w0, alpha=0.01, t=[1.0, np.inf]), "finite"),
    (lambda X, y, w0: an.animate_eigendirections(X, y, w0, alpha=-1.0, t=[1.0, 2.0]), "alpha"),
    (lambda X, y, w0: an.animate_eigendirections(X, y[:-1], w0, alpha=0.01, t=[1.0, 2.0]), "y"),
    (lambda X, y, w0: an.animate_eigendirections(X, y, w0, alpha=0.01, t=[1.0, 2.0], dpi=0), "dpi"),
    (lambda X, y, w0: an.animate_statistic(rd.Problem(c=0.5, mu2=4.0), [1.0, 2.0]), "p and n"),
    (lambda X, y, w0: an.animate_statistic(PB, [1.0, 2.0], n_test=1), "n_test"),
    (lambda X, y, w0: an.animate_statistic(PB, [1.0, -2.0]), "t"),
    (lambda X, y, w0: an.animate_c_sweep([0.5, 0.0], mu2=4.0, sigma2=0.1, alpha=0.01, t=[1, 2]), "c > 0"),
    (lambda X, y, w0: an.animate_c_sweep([0.5, 2.0], mu2=4.0, sigma2=0.1, alpha=0.01, t=[0, 2]), "> 0"),
    (lambda X, y, w0: an.jshtml("not an animation"), "anim"),
])
def test_bad_input_is_refused_with_the_argument_named(call, match):
    X, y, mu, w0 = rd.dynamics.draw_run(PB, rng=0)
    with pytest.raises(ValueError, match=match):
        call(X, y, w0)
