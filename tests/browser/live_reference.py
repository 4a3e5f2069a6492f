"""An independent reference for the live theory: the theorem's integrals by scipy.integrate.quad.

Used by test_live.py to check rmtdyn-theory.js at hard settings (c = 1 with alpha t up to 1e10,
the phase transition) without going through either library's quadrature: the Marčenko–Pastur
bulk is cut into pieces graded geometrically towards both edges (down to 1e-13 of its width)
and each piece is integrated by QUADPACK to 1e-12 relative or 1e-16 absolute (the test compares
to 1e-9 of max(1, |value|)). Gradient flow only (the filters of gradient descent are
polynomials, checked against rmtdyn instead).
"""

import math

import numpy as np
from scipy.integrate import quad

__all__ = ["flow_moments"]


def flow_moments(c, mu2, sigma2, alpha, t, gamma=0.0):
    """E, V, E_train, V_train of gradient flow at one time t > 0 (book chapter 5), by quadrature."""
    sc = math.sqrt(c)
    lm, lp = (1 - sc) ** 2, (1 + sc) ** 2
    ls = c + 1 + mu2 + c / mu2
    ws = max(0.0, mu2 * mu2 - c) / mu2
    k = (mu2 + c) / mu2
    at = alpha * t

    def f(x):
        return math.exp(-at * (x + gamma))

    def g(x):
        X = x + gamma
        return at if X == 0 else -math.expm1(-at * X) / X

    def root(x):
        return math.sqrt(max(0.0, (x - lm) * (lp - x)))

    width = lp - lm
    grade = np.geomspace(1e-13, 0.5, 60)
    cuts = np.unique(np.concatenate([[lm], lm + width * grade, lp - width * grade, [lp]]))

    def integral(fun):
        return sum(quad(fun, a, b, epsabs=1e-16, epsrel=1e-12, limit=400)[0] for a, b in zip(cuts[:-1], cuts[1:]))

    mu_g = integral(lambda x: root(x) * g(x) / (2 * math.pi * (ls - x)))
    mu_g2 = integral(lambda x: root(x) * g(x) ** 2 / (2 * math.pi * (ls - x)))
    mu_xg2 = integral(lambda x: root(x) * x * g(x) ** 2 / (2 * math.pi * (ls - x)))
    nu_f2 = integral(lambda x: root(x) * f(x) ** 2 / (2 * math.pi * c * x))
    nu_xf2 = integral(lambda x: root(x) * f(x) ** 2 / (2 * math.pi * c))
    atom = max(0.0, 1 - 1 / c)
    gs = g(ls)
    E = mu_g + ws * gs
    V = k * (mu_g2 + ws * gs * gs) + sigma2 * (nu_f2 + atom * f(0.0) ** 2)
    V_train = k * (mu_xg2 + ws * ls * gs * gs) + sigma2 * nu_xf2
    return dict(E=E, V=V, E_train=k * E, V_train=V_train)
