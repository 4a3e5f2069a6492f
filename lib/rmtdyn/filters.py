"""Spectral filters of gradient flow and gradient descent.

Gradient descent on :math:`L(w) = \\frac1{2n}\\|y^T - w^T X\\|^2` acts on each
eigen-direction of :math:`M = XX^T/n` independently (book chapter 2, eq.
``w-closed-form``):

.. math::

    w(t) = f_t(M)\\, w_0 + g_t(M)\\, \\frac{Xy}{n}, \\qquad g_t(x) = \\frac{1 - f_t(x)}{x},

with :math:`f_t(x) = e^{-\\alpha t x}` for gradient flow and
:math:`f_k(x) = (1 - \\alpha x)^k` after :math:`k` steps of gradient descent.
:math:`g_t` is entire (:math:`g_t(0) = \\alpha t`); it is computed here without
cancellation for small :math:`x`.

With the l2 penalty :math:`\\frac\\gamma2\\|w\\|^2` added to the loss the gradient is
:math:`(M + \\gamma I)w - Xy/n`, so the same closed form holds with every filter
evaluated at :math:`x + \\gamma` (book chapter 9, eq. ``ridge-filters``):
:math:`f^\\gamma_t(x) = f_t(x + \\gamma)`, :math:`g^\\gamma_t(x) = g_t(x + \\gamma)`.
"""

import numpy as np

from . import _checks

__all__ = ["filters"]


def _on_bulk(y, t, alpha, dynamics, out=None):
    r""":math:`f_t(y) - 1` and :math:`f_t(y)^2` for real ``y > 0`` and finite ``t > 0``, shape (2, N, T).

    The fast path of :func:`filters` used by the quadrature (no checks, no zero, no
    infinite time), node-major (one row per node ``y``) so that the moment sums are
    matrix products over the nodes; :math:`g_t(y) = -(f_t(y) - 1)/y`.  ``out`` (shape
    (2, N, T)) receives the result.  For GD,
    :math:`(1-\alpha y)^k = s\,e^{k\log|1-\alpha y|}` with the sign :math:`s = (-1)^k` when
    :math:`\alpha y > 1`, and :math:`f - 1` is formed from ``expm1`` on both sides, so no
    digit is lost near :math:`\alpha y = 0` or 2.
    """
    t = np.asarray(t, dtype=float)
    if out is None:
        out = np.empty((2, y.size, t.size))
    q, f2 = out
    if dynamics == "flow":
        np.multiply(y[:, None], (-alpha * t)[None, :], out=q)
        above = None
    else:
        r = alpha * y
        above = r > 1
        with np.errstate(divide="ignore"):
            L = np.where(above, np.log1p(np.where(above, r - 2, 0.0)), np.log1p(-np.where(above, 0.0, r)))
        np.multiply(L[:, None], t[None, :], out=q)
    np.expm1(q, out=q)
    np.add(q, 1, out=f2)
    np.square(f2, out=f2)
    if above is not None and above.any():   # f = -(1 + em1) after an odd number of steps: f - 1 = -(2 + em1)
        odd = np.fmod(t, 2.0) == 1.0
        rows = q[above]
        q[above] = np.where(odd[None, :], -2 - rows, rows)
    return out


def filters(x, t, *, alpha, dynamics="flow", gamma=0.0):
    """Return :math:`f_t(x + \\gamma)` and :math:`g_t(x + \\gamma)`, :math:`g_t(x) = (1 - f_t(x))/x`, on a grid.

    Parameters
    ----------
    x : array_like, shape (N,)
        Points (eigenvalues, quadrature nodes or complex contour nodes).
    t : array_like, shape (T,)
        Times (flow) or step counts (GD); ``inf`` gives the limits
        :math:`f_\\infty = \\mathbb 1_{x = 0}`, :math:`g_\\infty = 1/x`.
    alpha : float
        Learning rate.
    dynamics : {"flow", "gd"}
        Gradient flow :math:`e^{-\\alpha t x}` or gradient descent :math:`(1-\\alpha x)^k`.
    gamma : float, default 0.0
        Ridge penalty :math:`\\gamma \\ge 0`: the filters are evaluated at
        :math:`x + \\gamma`.  With :math:`\\gamma > 0` the limits at :math:`t = \\infty`
        are :math:`f = 0` and :math:`g = 1/(x + \\gamma)` on :math:`x \\ge 0`.

    Returns
    -------
    f, g : ndarray, shape (T, N)

    Notes
    -----
    .. math::

        g_t(x) = -\\frac{\\operatorname{expm1}(-\\alpha t x)}{x}
        \\quad\\text{(flow)},\\qquad
        g_k(x) = -\\frac{\\operatorname{expm1}(k \\log(1 - \\alpha x))}{x}
        \\quad\\text{(GD, } \\alpha x < 1\\text{)},

    and :math:`g(0) = \\alpha t` (resp. :math:`\\alpha k`).  At :math:`t = \\infty`
    the value at :math:`x = 0` is :math:`f = 1` and :math:`g = \\infty`.

    Examples
    --------
    >>> f, g = filters([0.0, 1.0], [0.0, 10.0], alpha=0.1)
    >>> f.round(6).tolist(), g.round(6).tolist()
    ([[1.0, 1.0], [1.0, 0.367879]], [[0.0, 0.0], [1.0, 0.632121]])
    >>> filters([0.0], [np.inf], alpha=0.1, gamma=2.0)[1].tolist()  # ridge: 1/(0 + 2)
    [[0.5]]
    """
    dynamics = _checks.dynamics(dynamics)
    t = _checks.times(t, integer=(dynamics == "gd"))
    alpha = _checks.real_scalar(alpha, "alpha", low=0, allowed="learning rate alpha > 0")
    gamma = _checks.real_scalar(gamma, "gamma", low=0, low_inclusive=True,
                                allowed="ridge penalty gamma >= 0")
    x = np.atleast_1d(np.asarray(x))
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D; got shape {x.shape}")
    if gamma != 0.0:
        x = x + gamma
    T = t[:, None]
    zero = x == 0
    has_zero = bool(zero.any())
    X = np.where(zero, 1.0, x)[None, :] if has_zero else x[None, :]
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        if dynamics == "flow":
            em1 = np.expm1((-alpha * T) * X)
            f = em1 + 1
            g = em1 / (-X)
        else:
            ax = alpha * X
            small = ax.real < 1  # log1p(-alpha x) is analytic there (for complex x too)
            if small.all():
                em1 = np.expm1(T * np.log1p(-ax))
                f = em1 + 1
                g = em1 / (-X)
            else:
                one_minus = 1 - ax
                logb = np.log1p(np.where(small, -ax, 0.0))
                em1 = np.expm1(np.where(small, T * logb, 0.0))
                power = np.where(small, em1 + 1, one_minus ** np.where(np.isinf(T), 1.0, T))
                if np.isinf(t).any():
                    # (1 - alpha x)^inf: 0 inside the stable window |1 - alpha x| < 1
                    r = np.abs(one_minus)
                    lim = np.where(r < 1, 0.0, np.where(r == 1, one_minus, np.inf))
                    power = np.where(np.isinf(T), lim, power)
                f = power
                g = np.where(small, em1 / (-X), (1 - power) / X)
    if has_zero:
        f = np.where(zero, 1.0, f)
        g = np.where(zero, alpha * T, g)
    return f, g
