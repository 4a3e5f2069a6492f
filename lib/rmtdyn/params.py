"""The parameters of one learning problem, checked once and frozen.

The model of the book (chapter 1, eq. ``setup-model``): ``n`` training samples in
dimension ``p`` from two classes,

.. math::

    x_i = y_i \\mu + z_i, \\qquad y_i \\in \\{-1, +1\\},\\quad z_i \\sim \\mathcal N(0, I_p),

trained by gradient descent with learning rate ``alpha`` from ``w_0`` with
i.i.d. entries of variance ``sigma2 / p``, on the loss plus an optional l2
penalty :math:`\\frac\\gamma2\\|w\\|^2` (``gamma``, book chapter 9; 0 is the paper).
"""

from dataclasses import dataclass, field
import math

from . import _checks

__all__ = ["Problem", "gd_step_is_stable", "check_gd_step"]


def gd_step_is_stable(alpha, lambda_max, gamma=0.0):
    """Whether discrete gradient descent with step ``alpha`` is stable: :math:`\\alpha(\\lambda_{\\max}+\\gamma) < 2`.

    The one stability rule of the library (book chapter 2, eq. ``gd-stable``): the filter
    :math:`(1-\\alpha(x+\\gamma))^k` stays bounded on the spectrum iff
    :math:`|1 - \\alpha(x + \\gamma)| < 1` at its right end.

    .. math::

        0 < \\alpha < \\frac{2}{\\lambda_{\\max} + \\gamma}.

    Examples
    --------
    >>> gd_step_is_stable(0.3, 5.625), gd_step_is_stable(0.4, 5.625)
    (True, False)
    """
    return alpha * (lambda_max + gamma) < 2.0


def check_gd_step(alpha, lambda_max, gamma=0.0, *, what="this problem"):
    """Raise ``ValueError`` (naming ``alpha`` and the limit) unless :func:`gd_step_is_stable`.

    Examples
    --------
    >>> check_gd_step(0.3, 5.625)
    >>> check_gd_step(0.4, 5.625)
    Traceback (most recent call last):
    ...
    ValueError: alpha=0.4 is an unstable gradient-descent step for this problem: GD needs alpha < 2/(lambda_max + gamma) = 0.355556 (lambda_max = 5.625, gamma = 0)
    """
    if not gd_step_is_stable(alpha, lambda_max, gamma):
        raise ValueError(
            f"alpha={alpha:g} is an unstable gradient-descent step for {what}: "
            f"GD needs alpha < 2/(lambda_max + gamma) = {2.0 / (lambda_max + gamma):.6g} "
            f"(lambda_max = {lambda_max:.6g}, gamma = {gamma:g})")


@dataclass(frozen=True, kw_only=True)
class Problem:
    """A two-class Gaussian-mixture learning problem.

    Give either the dimensions ``p`` and ``n`` (needed to simulate) or only the
    ratio ``c = p / n`` (enough for the asymptotic theory).

    Parameters
    ----------
    mu2 : float
        Signal strength :math:`\\|\\mu\\|^2 > 0`.
    sigma2 : float, default 0.0
        Initialisation variance :math:`\\sigma^2 \\ge 0` (entries of
        :math:`w_0` have variance :math:`\\sigma^2/p`).
    alpha : float, default 0.01
        Learning rate :math:`\\alpha > 0`.
    c : float, optional
        Dimension ratio :math:`p/n > 0`; derived from ``p`` and ``n`` if omitted.
    p, n : int, optional
        Dimension and number of training samples.
    pi : float, default 0.5
        Proportion of class :math:`\\mathcal C_2` (label +1), in (0, 1).
    gamma : float, default 0.0
        Ridge penalty :math:`\\gamma \\ge 0`: gradient descent on
        :math:`L(w) + \\frac\\gamma2\\|w\\|^2` (book chapter 9, eq. ``ridge-loss``).

    Attributes
    ----------
    lambda_minus, lambda_plus : float
        Edges :math:`(1 \\mp \\sqrt c)^2` of the Marčenko–Pastur bulk.
    spike : float
        :math:`\\lambda_s = c + 1 + \\|\\mu\\|^2 + c/\\|\\mu\\|^2`.
    spike_isolated : bool
        Whether :math:`\\|\\mu\\|^4 > c`, i.e. an eigenvalue leaves the bulk.
    lambda_max : float
        Right end of the limiting spectrum (``spike`` if isolated, else
        ``lambda_plus``).
    max_stable_alpha : float
        :math:`2/(\\lambda_{\\max} + \\gamma)`, the gradient-descent stability limit.

    Notes
    -----
    The spike position solves :math:`1 + (\\|\\mu\\|^2 + c)\\, m(\\lambda_s) = 0`
    with :math:`m` the Marčenko–Pastur Stieltjes transform (chapter 3).

    Examples
    --------
    >>> from rmtdyn import Problem
    >>> pb = Problem(p=256, n=512, mu2=4, sigma2=0.1, alpha=0.01)
    >>> pb.c, round(pb.spike, 4), pb.spike_isolated
    (0.5, 5.625, True)
    """

    mu2: float
    sigma2: float = 0.0
    alpha: float = 0.01
    c: float | None = None
    p: int | None = None
    n: int | None = None
    pi: float = 0.5
    gamma: float = 0.0
    lambda_minus: float = field(init=False, repr=False)
    lambda_plus: float = field(init=False, repr=False)
    spike: float = field(init=False, repr=False)
    spike_isolated: bool = field(init=False, repr=False)

    def __post_init__(self):
        set_ = object.__setattr__
        if (self.p is None) != (self.n is None):
            raise ValueError("give both p and n (to simulate) or neither (theory needs only c); "
                             f"got p={self.p!r}, n={self.n!r}")
        if self.p is not None:
            p = _checks.positive_int(self.p, "p")
            n = _checks.positive_int(self.n, "n")
            set_(self, "p", p)
            set_(self, "n", n)
            if self.c is not None:
                c = _checks.real_scalar(self.c, "c", low=0, allowed="c = p/n > 0")
                if not math.isclose(c, p / n, rel_tol=1e-12):
                    raise ValueError(f"c must equal p/n = {p / n:g} when p and n are given; got c={c:g}")
            set_(self, "c", p / n)
        elif self.c is None:
            raise ValueError("give the dimension ratio c = p/n > 0, or both p and n")
        else:
            set_(self, "c", _checks.real_scalar(self.c, "c", low=0, allowed="c = p/n > 0"))
        set_(self, "mu2", _checks.real_scalar(self.mu2, "mu2", low=0, allowed="mu2 = ||mu||^2 > 0"))
        set_(self, "sigma2", _checks.real_scalar(self.sigma2, "sigma2", low=0, low_inclusive=True,
                                                 allowed="sigma2 >= 0 (a variance)"))
        set_(self, "alpha", _checks.real_scalar(self.alpha, "alpha", low=0,
                                                allowed="learning rate alpha > 0"))
        set_(self, "pi", _checks.real_scalar(self.pi, "pi", low=0, high=1,
                                             allowed="class proportion 0 < pi < 1"))
        set_(self, "gamma", _checks.real_scalar(self.gamma, "gamma", low=0, low_inclusive=True,
                                                allowed="ridge penalty gamma >= 0"))
        if self.n is not None:
            n2 = round(self.pi * self.n)
            if n2 < 1 or n2 > self.n - 1:
                raise ValueError(f"pi={self.pi:g} with n={self.n} leaves a class empty; "
                                 "each class needs at least one sample")
        from . import spectrum  # the closed forms live there (one source for each formula)
        c, mu2 = self.c, self.mu2
        lm, lp = spectrum.mp_edges(c)
        set_(self, "lambda_minus", lm)
        set_(self, "lambda_plus", lp)
        set_(self, "spike", spectrum.spike_location(c, mu2))
        set_(self, "spike_isolated", spectrum.spike_weight(c, mu2) > 0)

    @property
    def lambda_max(self):
        """Right end of the limiting spectrum of :math:`XX^T/n`."""
        return self.spike if self.spike_isolated else self.lambda_plus

    @property
    def max_stable_alpha(self):
        """Largest stable step of discrete gradient descent, :math:`2/(\\lambda_{\\max} + \\gamma)` (exclusive)."""
        return 2.0 / (self.lambda_max + self.gamma)

    @property
    def n_per_class(self):
        """Sample counts ``(n1, n2)`` of classes :math:`\\mathcal C_1` (label -1) and :math:`\\mathcal C_2`."""
        if self.n is None:
            raise ValueError("this Problem has no sample size n; build it with p and n to simulate")
        n2 = round(self.pi * self.n)
        return self.n - n2, n2

    def check_gd_step(self):
        """Raise ``ValueError`` unless discrete GD with this ``alpha`` is stable in the limit."""
        check_gd_step(self.alpha, self.lambda_max, self.gamma)

    def replace(self, **changes):
        """Return a copy with some fields changed (``p``/``n`` are dropped if ``c`` changes)."""
        fields = dict(mu2=self.mu2, sigma2=self.sigma2, alpha=self.alpha, pi=self.pi, gamma=self.gamma)
        if "c" in changes and not ({"p", "n"} & changes.keys()):
            fields["c"] = changes.pop("c")
        elif {"p", "n"} & changes.keys():
            fields["p"], fields["n"] = changes.pop("p", self.p), changes.pop("n", self.n)
            changes.pop("c", None)
        elif self.p is not None:
            fields["p"], fields["n"] = self.p, self.n
        else:
            fields["c"] = self.c
        fields.update(changes)
        return Problem(**fields)
