"""The theorem for a noise covariance :math:`C`: the moments as contour integrals (book chapter 9).

With no closed-form density, the test and training moments are contour integrals of the
resolvent's deterministic equivalents (:mod:`rmtdyn.covariance_law`) around the spectrum,
the variance a double integral.  For gradient flow at large :math:`\\alpha t R` the contour is
split (an ellipse plus two parabolas scaled to :math:`\\alpha t`), so the number of nodes
does not grow with :math:`t`; every evaluation estimates its error against a coarser rule
and warns (:class:`rmtdyn.quadrature.QuadratureWarning`) above the requested accuracy.
"""

import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from . import _checks
from .contour import Contour, contour_integral, ellipse, enclosing
from .covariance import Covariance, _cov, _mean, _problem_mean  # noqa: F401  (Covariance: the doctests')
from .covariance_law import _Spec, _q_sums, _solve_contour, _spike
from .filters import filters
from .params import check_gd_step
from .quadrature import QuadratureWarning
from .theory import Prediction

__all__ = ["contour_for", "predict"]


def contour_for(covariance, mu, t, *, c, alpha, dynamics="flow", tol=1e-12, rho_max=1.6,
                growth=5.0):
    """The ellipse around the limiting spectrum of :math:`XX^T/n`, nodes shifted off the real axis.

    Foci 0 and :math:`R = \\max(\\text{edge}, \\text{spike})` (:func:`support_edge`,
    :func:`spike_location`); :math:`\\rho \\le` ``rho_max`` is shrunk until
    :math:`|f_t| \\le e^{\\mathrm{growth}}` on it, and
    :math:`N = \\lceil \\log(1/\\mathrm{tol})/\\log\\rho + 4\\alpha t_{\\max}R\\rceil` (even, at least 256)
    as in :func:`rmtdyn.contour.for_problem`.  The nodes are at half steps,
    :math:`\\theta_j = 2\\pi(j + \\frac12)/N`, so none is real and they come in conjugate pairs.

    Examples
    --------
    >>> C = Covariance.identity(10)
    >>> K = contour_for(C, C.default_mean(4.0), [100.0], c=0.5, alpha=0.01)
    >>> round(K.right, 4), bool((K.z.imag != 0).all())
    (5.625, True)
    """
    covariance = _cov(covariance)
    dynamics = _checks.dynamics(dynamics)
    alpha = _checks.real_scalar(alpha, "alpha", low=0, allowed="learning rate alpha > 0")
    tol = _checks.real_scalar(tol, "tol", low=0, high=1, allowed="0 < tol < 1")
    t = _checks.times(t, integer=(dynamics == "gd"))
    if not np.isfinite(t).all():
        raise ValueError("the contour form needs finite times")
    spec = _Spec(covariance, c, covariance.rotate(_mean(covariance, mu)) ** 2)
    spike, edge = _spike(spec)
    right = max(edge, spike if spike is not None else 0.0) * (1 + 1e-9)
    return _ellipse_half(spec, right, t, alpha, dynamics, tol, rho_max, growth)


def _ellipse_half(spec, right, t, alpha, dynamics, tol, rho_max, growth, min_nodes=256):
    return enclosing(0.0, right, float(np.max(t)), alpha=alpha, dynamics=dynamics, tol=tol,
                     rho_max=rho_max, growth=growth, half_step=True, min_nodes=min_nodes)



def predict(problem, covariance, t, *, mu=None, dynamics="flow", contour=None, tol=1e-12, rtol=1e-6):
    """Asymptotic test and training performance with noise covariance :math:`C`, at every time in ``t``.

    Parameters
    ----------
    problem : Problem
        Uses ``c``, ``mu2``, ``sigma2``, ``alpha`` (and ``p`` if given, which must match).
    covariance : Covariance
        The noise covariance :math:`C`.
    t : array_like
        Times (flow) or step counts (GD); ``inf`` gives the limit (for :math:`c \\ne 1`).
    mu : array_like, shape (p,), optional
        The class mean, with :math:`\\|\\mu\\|^2` = ``problem.mu2``.  Default: equal
        energy on every eigenvector of :math:`C` (:meth:`Covariance.default_mean`).
    dynamics : {"flow", "gd"}
    contour : Contour, optional
        Default :func:`contour_for`; must enclose :math:`[0, R]` and have no real node.
    tol : float, default 1e-12
        Quadrature accuracy aimed at by the default contour.
    rtol : float, default 1e-6
        A :class:`rmtdyn.quadrature.QuadratureWarning` names the setting where the estimated
        relative error exceeds it.  Split form: the difference to the same form with 40
        parabola nodes.  One ellipse: the difference to the trapezoid rule on its even-indexed
        nodes (:math:`N/2`, the same node values) plus the rounding of the sums; where it
        exceeds ``rtol`` the library's ellipse is refined (twice the nodes, up to 4096), a
        given ``contour`` is used as it is.  Both over-estimate (measured errors against the
        identity theorem: ~1e-11 and ~1e-13).

    Returns
    -------
    Prediction
        ``E`` = :math:`w^T\\mu`, ``V`` = :math:`w^TCw` (the test statistic's variance), so that
        the test error is :math:`Q(E/\\sqrt V)`; ``E_train``, ``V_train`` the mean and second
        moment of the margins :math:`y_ix_i^Tw`.

    Notes
    -----
    With :math:`\\bar Q` and :math:`k` of :func:`deterministic_equivalent`,
    :math:`A(z) = \\mu^T\\bar Q\\mu`, :math:`\\beta = A + \\delta`, :math:`\\delta = 1/k - 1`, and
    :math:`\\Delta` of :func:`two_resolvent_de` (book chapter 9, eqs. ``cov-E``, ``cov-V``):

    .. math::

        E &= -\\frac1{2\\pi i}\\oint g_t\\frac{A}{1+\\beta}dz,\\qquad
        E_\\mathrm{tr} = -\\frac1{2\\pi i}\\oint g_t\\frac{\\beta}{1+\\beta}dz,\\\\
        V &= \\frac1{(2\\pi i)^2}\\oint\\!\\!\\oint \\Big[g_t(z_1)g_t(z_2)
              \\frac{\\mu^T\\bar Q_1C\\bar Q_2\\mu + \\frac1n\\operatorname{tr}C\\bar Q_1C\\bar Q_2}
                   {\\Delta_{12}(1+\\beta_1)(1+\\beta_2)}
            + \\sigma^2 f_t(z_1)f_t(z_2)\\frac{\\frac1p\\operatorname{tr}\\bar Q_1C\\bar Q_2}{\\Delta_{12}}\\Big]dz_1dz_2,\\\\
        V_\\mathrm{tr} &= -\\frac1{2\\pi i}\\oint z\\Big[g_t^2\\frac{\\beta}{1+\\beta} + \\sigma^2f_t^2\\,m(z)\\Big]dz.

    The two-point traces have closed forms in the companion transform
    (e.g. :math:`\\frac1n\\operatorname{tr}C\\bar Q_1C\\bar Q_2 = \\frac{z_1 + 1/\\tilde m_1 - z_2 - 1/\\tilde m_2}{z_1z_2(\\tilde m_2 - \\tilde m_1)}`),
    so the double integral costs :math:`O(N^2)`, not :math:`O(N^2p)`.  For :math:`C = I` this
    is the theorem of chapter 5 (:func:`rmtdyn.predict`).

    Gradient flow with :math:`\\alpha tR > 5` is evaluated in split form,
    :math:`g_t = 1/z - e^{-\\alpha tz}/z`: the :math:`1/z` parts once on an ellipse, the parts
    carrying :math:`e^{-\\alpha tz}` on a parabola around :math:`[0, \\infty)` scaled to
    :math:`\\alpha t`, where they decay (48 nodes at any :math:`t`, instead of
    :math:`\\sim 4\\alpha tR` on one ellipse); the kernels between two node sets are sums over
    the eigenvalues of :math:`C`, exact for every pair.

    Examples
    --------
    >>> import rmtdyn as rd
    >>> pb = rd.Problem(c=0.5, mu2=4.0, sigma2=0.1, alpha=0.01)
    >>> predict(pb, Covariance.identity(64), [100]).test_error.round(4).tolist()
    [0.0484]
    """
    mu = _problem_mean(problem, covariance, mu)
    dynamics = _checks.dynamics(dynamics)
    t = _checks.times(t, integer=(dynamics == "gd"))
    rtol = _checks.real_scalar(rtol, "rtol", low=0, high=1, allowed="relative tolerance 0 < rtol < 1")
    if np.isinf(t).any() and contour is not None:
        raise ValueError("t = inf is computed on the library's own contours; pass contour=None")
    c, s2, alpha = problem.c, problem.sigma2, problem.alpha
    spec = _Spec(covariance, c, covariance.rotate(mu) ** 2)
    spike, edge = _spike(spec)
    right = max(edge, spike if spike is not None else 0.0) * (1 + 1e-9)
    if dynamics == "gd":
        check_gd_step(alpha, right, what="this covariance")
    if contour is not None:
        if not isinstance(contour, Contour):
            raise ValueError("contour must be an rmtdyn.contour.Contour")
        K = contour
        if (K.z.imag == 0).any():
            raise ValueError("contour must have no node on the real axis (see contour_for)")
    E, V, Etr, Vtr = (np.empty(t.shape) for _ in range(4))
    # gradient flow at large alpha*t*R: the filter e^{-alpha t z} is split off onto parabolas
    # (their node count does not grow with alpha t); short times keep the one ellipse
    inf = np.isinf(t)
    if inf.any():
        with threadpool_limits(limits=1, user_api="blas"):
            lim = _limits(spec, right, alpha, s2, c)
        for arr, v in zip((E, V, Etr, Vtr), lim):
            arr[inf] = v
    zero = t == 0
    if zero.any():   # w = w0: nothing learned, ||w0||^2 -> sigma2 tr(C)/p; margins: sigma2 tr(C)/p
        v0 = s2 * float(np.sum(spec.pw * spec.lam))
        E[zero], V[zero], Etr[zero], Vtr[zero] = 0.0, v0, 0.0, v0
    split = (dynamics == "flow") & (alpha * t * right > _SPLIT_AT) & (contour is None) & ~inf & ~zero
    rest = ~split & ~inf & ~zero
    setting = f"c={c:g}, mu2={problem.mu2:g}, sigma2={s2:g}, alpha={alpha:g}, p={covariance.p}"
    if rest.any():
        if contour is None:
            K = _ellipse_half(spec, right, t[rest], alpha, dynamics, tol, 1.6, 5.0)
        while True:
            *out, err = _integrals(spec, K, t[rest], alpha, dynamics, s2)
            # refine the library's own ellipse (same rho, twice the nodes) while the estimate
            # exceeds rtol, up to _MAX_NODES; a given contour is used as it is
            if contour is not None or not (err > rtol).any() or 2 * K.z.size > _MAX_NODES:
                break
            K = ellipse(0.0, right, rho=K.rho, nodes=2 * K.z.size, half_step=True)
        _warn_error(err, rtol, t[rest], f"{dynamics}, {setting}, one ellipse of {K.z.size} nodes, "
                                        f"rho={K.rho:.4g}")
        for arr, v in zip((E, V, Etr, Vtr), out):
            arr[rest] = v
    if split.any():
        with threadpool_limits(limits=1, user_api="blas"):  # many small products: threads only cost
            *out, err = _split_integrals(spec, right, t[split], alpha, s2)
        _warn_error(err, rtol, t[split], f"flow, {setting}, split form, {_PARABOLA_NODES} parabola nodes")
        for arr, v in zip((E, V, Etr, Vtr), out):
            arr[split] = v
    return Prediction.from_moments(t, E, V, Etr, Vtr, dynamics=dynamics)


_SPLIT_AT = 5.0     # alpha * t * R above which gradient flow uses the split form
_PARABOLA_NODES = 48
_COARSE_NODES = 40   # the rule the error estimate compares with
_MAX_NODES = 4096    # cap of the one-ellipse refinement (the double integral holds N^2/2 kernels)


def _node_data(spec, z, m):
    q, trq, A, k = _q_sums(spec, z, m)
    return dict(z=z, q=q, trq=trq, A=A, k=k, beta=A + 1 / k - 1)


def _kernels(a, b, spec):
    """Two-point kernels between node sets a and b, from their sums over the eigenvalues of C.

    :math:`\\frac1n\\operatorname{tr}C\\bar Q_1C\\bar Q_2 = \\sum_j w_j\\lambda_j^2 q_j(z_1)q_j(z_2)`
    and likewise :math:`\\mu^T\\bar Q_1C\\bar Q_2\\mu`, :math:`\\frac1p\\operatorname{tr}\\bar Q_1C\\bar Q_2`,
    with :math:`q_j(z) = -1/(z(1 + \\lambda_j\\tilde m(z)))`: exact at every pair, even
    where two nodes nearly coincide (no divided difference).
    """
    lam = spec.lam
    T = (a["q"] * (spec.w * lam * lam)) @ b["q"].T
    B = (a["q"] * (spec.mu * lam)) @ b["q"].T
    S = (a["q"] * (spec.pw * lam)) @ b["q"].T
    D = 1 - np.outer(a["k"], b["k"]) * T
    return (B + T) / (D * np.outer(1 + a["beta"], 1 + b["beta"])), S / D


def _parabola(scale, N=_PARABOLA_NODES):
    """Nodes of a parabola around [0, inf) for integrands with the factor e^{-scale z}.

    :math:`z(\\theta) = -N(0.1309 - 0.1194\\theta^2 + 0.25 i\\theta)/\\mathrm{scale}`, the
    mirror image of the optimised parabola for the inverse Laplace transform (Trefethen,
    Weideman & Schmelzer 2006: error about :math:`2.85^{-N}`), at the midpoints of
    :math:`N` steps in :math:`[-\\pi, \\pi]` (conjugate pairs, none real); ``dz`` includes
    :math:`1/(2\\pi i)`.  Upper nodes first, from the far end to the left end.
    """
    theta = -np.pi + (np.arange(N) + 0.5) * 2 * np.pi / N
    s = -N * (0.1309 - 0.1194 * theta ** 2 + 0.25j * theta)
    ds = -N * (-0.2388 * theta + 0.25j)
    return s / scale, ds / (1j * N * scale)


def _on_parabola(spec, scale, N=None):
    z, dz = _parabola(scale, N or _PARABOLA_NODES)
    N = z.size
    up = np.arange(N // 2)
    m = np.empty(N, dtype=complex)
    m[up] = spec.solve_path(z[up])
    m[N - 1 - up] = m[up].conj()            # z[N-1-j] = conj z[j]
    return dict(_node_data(spec, z, m), dz=dz)


def _split_integrals(spec, right, t, alpha, s2):
    """E, V, E_train, V_train for gradient flow at large alpha*t, with g_t = (1 - e^{-alpha t z})/z split.

    The t-independent parts (1/z) are integrated once on an ellipse around the spectrum; the
    parts carrying :math:`e^{-\\alpha t z}` on a parabola scaled to :math:`\\alpha t` that
    encloses :math:`[0, \\infty)`, where they decay (a group of times within a factor 2
    shares one parabola).  Cost :math:`O(N^2 J)` with :math:`N = 48`, whatever
    :math:`\\alpha t`.
    """
    K0 = _ellipse_half(spec, right, np.zeros(1), alpha, "flow", 1e-16, 3.0, 5.0, min_nodes=64)
    full0 = dict(_node_data(spec, K0.z, _solve_contour(spec, K0.z)), dz=K0.dz)
    at = alpha * t
    out = np.empty((2, 4, t.size))
    groups = np.floor(np.log2(at)).astype(int)
    for gidx in np.unique(groups):
        sel = np.flatnonzero(groups == gidx)
        scale = 1.5 * 2.0 ** gidx
        # the rule with 48 parabola nodes, and with 40 (and every other ellipse node): their
        # difference over-estimates the error of the first (it converges geometrically in N)
        for r, (n_par, step) in enumerate(((_PARABOLA_NODES, 1), (_COARSE_NODES, 2))):
            d1 = _on_parabola(spec, scale, n_par)
            d2 = _on_parabola(spec, 2 * scale, n_par)     # for e^{-2 alpha t z}
            out[r, :, sel] = np.array(_split_terms(spec, _every(full0, step), d1, d2, at[sel], s2)).T
    return (*out[0], _relative_gap(out[0], out[1]))


def _every(d, step):
    return {k: v[::step] * (step if k == "dz" else 1) for k, v in d.items()}


def _split_terms(spec, d0, d, d2, at, s2):
    z0, z, z2 = d0["z"], d["z"], d2["z"]
    P0 = d0["dz"] / z0
    ratio0 = d0["beta"] / (1 + d0["beta"])
    E0 = -np.real(np.sum(P0 * d0["A"] / (1 + d0["beta"])))
    Etr0 = -np.real(np.sum(P0 * ratio0))
    Ks00, _ = _kernels(d0, d0, spec)
    V0 = np.real(P0 @ Ks00 @ P0)
    e = np.exp(-np.outer(at, z))                 # (T, N)
    e2 = np.exp(-2 * np.outer(at, z2))
    Pt = e * (d["dz"] / z)                       # e^{-alpha t z} dz / z
    ratio = d["beta"] / (1 + d["beta"])
    E = E0 + np.real(Pt @ (d["A"] / (1 + d["beta"])))
    Etr = Etr0 + np.real(Pt @ ratio)
    # V_train: -oint z [g^2 beta/(1+beta) + s2 f^2 trq]; z g^2 = (1 - 2e + e^2)/z
    Vtr = (Etr0 + 2 * np.real(Pt @ ratio)
           - np.real((e2 * (d2["dz"] / z2)) @ (d2["beta"] / (1 + d2["beta"])))
           - s2 * np.real((e2 * d2["dz"] * z2) @ d2["trq"]))
    Ks_tt, Ki_tt = _kernels(d, d, spec)
    Ks_t0, _ = _kernels(d, d0, spec)
    F = e * d["dz"]
    V = (V0 - 2 * np.real(Pt @ (Ks_t0 @ P0)) + np.real(np.sum((Pt @ Ks_tt) * Pt, axis=1))
         + s2 * np.real(np.sum((F @ Ki_tt) * F, axis=1)))
    return E, V, Etr, Vtr


def _limits(spec, right, alpha, s2, c):
    """E, V, E_train, V_train at t = inf (flow, and stable GD, which has the same limit).

    At :math:`c = 1` the spectrum reaches 0, the variance grows without bound and the other
    moments converge only like :math:`(\\alpha t)^{-1/2}`: ``ValueError`` (give finite times).
    Otherwise the split form is evaluated at :math:`\\alpha t R = 10^2, 10^3, \\dots, 10^{16}`: the bulk is
    forgotten like :math:`e^{-\\alpha t\\lambda_-}` (what stays is the pole of :math:`1/z` at 0,
    or the null space of :math:`M` when :math:`c > 1`), and the limit is taken once three
    successive decades agree to 1e-12; if they never do, a ``ValueError`` names the setting.
    """
    if c == 1.0:
        raise ValueError("t = inf with a general covariance needs c != 1 (at c = 1 the variance grows "
                         "without bound and the limit is not computed); give finite times")
    hist = []
    for k in range(2, 17):
        t_k = 10.0 ** k / (right * alpha)
        try:
            hist.append([float(v[0]) for v in _split_integrals(spec, right, np.array([t_k]), alpha, s2)[:4]])
        except RuntimeError:
            break
        if len(hist) >= 3:
            h = np.array(hist[-3:])
            if np.all(np.abs(np.diff(h, axis=0)) <= 1e-12 * np.abs(h[-1])):
                return tuple(h[-1])
    raise ValueError(f"t = inf: the limit of this covariance does not settle by alpha*t*R = 1e{k} "
                     f"(c = {c:g}: the lower edge of the spectrum is too close to 0); give finite times")


def _integrals(spec, K, t, alpha, dynamics, s2):
    z, dz = K.z, K.dz
    m = _solve_contour(spec, z)
    q, trq, A, k = _q_sums(spec, z, m)
    delta = 1 / k - 1
    beta = A + delta
    f, g = filters(z, t, alpha=alpha, dynamics=dynamics)
    one = np.stack([-g * (A / (1 + beta)), -g * (beta / (1 + beta)),          # E, E_train, V_train
                    -z * (g * g * (beta / (1 + beta)) + s2 * f * f * trq)])
    E, Etr, Vtr = contour_integral(one, K)
    # two-point quantities: T = (1/n) tr C Q1 C Q2, B = mu^T Q1 C Q2 mu, S = (1/p) tr Q1 C Q2
    d = 1 + np.multiply.outer(m, spec.lam)
    a_mu = (spec.mu / d).sum(-1)                    # sum mu_j / (1 + lam_j m)
    e_p = (spec.pw / d).sum(-1)                     # (1/p) sum 1 / (1 + lam_j m)
    s_n = z + 1 / m                                 # (1/n) sum lam_j / (1 + lam_j m)
    # V = (1/(2 pi i))^2 sum_ij G_i K_ij G_j is real; the rows of the lower nodes give the
    # conjugate of those of their upper mirrors, so V = 2 Re sum_{i upper, j}.
    up = np.flatnonzero(z.imag > 0)
    if 2 * up.size != z.size:
        raise ValueError("the contour's nodes must come in conjugate pairs (see contour_for)")
    zu, mu_, ku = z[up], m[up], k[up]
    with np.errstate(divide="ignore", invalid="ignore"):
        den = np.outer(zu, z) * (m[None, :] - mu_[:, None])
        T = (s_n[up][:, None] - s_n[None, :]) / den
        B = (a_mu[up][:, None] - a_mu[None, :]) / den
        S = (e_p[up][:, None] - e_p[None, :]) / den
    lam = spec.lam
    qd2 = q[up] * q[up]                             # diagonal z1 = z2: direct sums
    i = np.arange(up.size)
    T[i, up] = (qd2 * spec.w * lam * lam).sum(-1)
    B[i, up] = (qd2 * spec.mu * lam).sum(-1)
    S[i, up] = (qd2 * spec.pw * lam).sum(-1)
    D = 1 - np.outer(ku, k) * T
    Ksig = (B + T) / (D * np.outer(1 + beta[up], 1 + beta))
    Kini = S / D
    G = g * dz
    F = f * dz

    # V = 2 Re sum_{i upper, j} (G_i G_j Ksig_ij + s2 F_i F_j Kini_ij), the rows split by the
    # parity of i (for the estimate below): a product per parity, then the sum over j
    Gu, Fu = G[:, up], F[:, up]
    ev, od = slice(0, None, 2), slice(1, None, 2)
    rows = [(Gu[:, r] @ Ksig[r]) * G + s2 * ((Fu[:, r] @ Kini[r]) * F) for r in (ev, od)]   # (T, N)
    V = 2 * np.real(rows[0].sum(-1) + rows[1].sum(-1))
    # error estimate: the same sums on the even-indexed nodes (the trapezoid rule with N/2 nodes,
    # weights doubled), kept complex: with half-step nodes that rule is shifted by a quarter
    # step, its leading error is imaginary (its real part would equal the full rule); plus the
    # rounding of sums whose terms exceed the result (as in rmtdyn.contour.predict_contour)
    N = z.size
    if (not np.array_equal(up, np.arange(N // 2))
            or np.abs(z[::-1] - z.conj()).max() > 1e-12 * (1 + np.abs(z).max())):
        return E, V, Etr, Vtr, np.full(t.shape, np.nan)   # not the nodes of contour_for: no estimate
    # node j < N/2 (upper) mirrors node N-1-j, of the other parity
    hE, hEtr, hVtr = 2 * (one[..., ev] @ dz[ev])
    # V on even x even nodes: rows of the even upper nodes on even columns, plus the conjugate
    # of the rows of the odd upper nodes (the mirrors of the even lower ones) on odd columns
    hV = 4 * (rows[0][:, ev].sum(-1) + np.conj(rows[1][:, od].sum(-1)))
    full = np.array([E, V, Etr, Vtr])
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.abs(one) @ np.abs(dz)
        kmax = max(np.abs(Ksig).max(), s2 * np.abs(Kini).max())
        vterms = kmax * (np.abs(G).sum(-1) + np.abs(F).sum(-1)) ** 2
        rounding = 1e-15 * np.array([terms[0], vterms, terms[1], terms[2]]) / np.abs(full)
    err = _relative_gap(full, np.array([hE, hV, hEtr, hVtr])) + np.nan_to_num(rounding.max(0), nan=np.inf)
    return E, V, Etr, Vtr, err


def _relative_gap(full, coarse):
    """max over the moments of |full - coarse| / |full| per time (inf where full is 0 or not finite).

    ``coarse`` is the same quantity by a rule that converges geometrically slower: the gap
    over-estimates the error of ``full`` (shared by both forms of :func:`predict`).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.nan_to_num((np.abs(full - coarse) / np.abs(full)).max(axis=0), nan=np.inf)


def _warn_error(err, rtol, t, what):
    """QuadratureWarning at the worst time where ``err`` exceeds ``rtol``; ``what`` names the setting."""
    bad = err > rtol
    if bad.any():
        j = int(np.argmax(np.where(np.isnan(err), -np.inf, err)))
        warnings.warn(f"rmtdyn.covariance.predict: estimated relative error {err[j]:.1e} > {rtol:.0e} "
                      f"at t={t[j]:.6g} ({what})", QuadratureWarning, stacklevel=3)
