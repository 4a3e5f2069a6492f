"""The book's recurring figures (matplotlib), and the rule that keeps them legible.

The legibility rule
-------------------
The book shows each figure in a text column :data:`COLUMN_PX` CSS pixels wide (at a
1280 px window); a PNG wider than the column is shrunk to it.  Every piece of text
must be at least :data:`MIN_TEXT_PX` CSS pixels tall *as displayed*.  A font of
``s`` points drawn at ``dpi`` dots per inch is ``s * dpi / 72`` image pixels tall, so
with the smallest font of :data:`STYLE` a figure is legible when its stored width is
at most :func:`max_width_px` pixels.  :func:`figure` makes figures that satisfy it
(one column, or two panels side by side at most: more panels are stacked), and
``tests/test_figures.py`` checks every stored figure of the book against it.
"""

import numpy as np

__all__ = ["STYLE", "COLUMN_PX", "MIN_TEXT_PX", "use_style", "figure", "min_font_pt",
           "max_width_px", "displayed_text_px",
           "learning_curves", "theory_and_simulation", "spectrum", "contour"]

#: Width of the book's text column in CSS px (sphinx-book-theme at a 1280 px window).
COLUMN_PX = 670
#: The smallest text height, in CSS px as displayed, that the book allows.
MIN_TEXT_PX = 9
#: Width of a full-column figure, in inches (at ``STYLE["figure.dpi"]`` it fits the column).
FIGURE_WIDTH_IN = 6.4

#: The book's matplotlib style: font sizes in points and the resolution of stored figures.
STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.title_fontsize": 9,
    "figure.titlesize": 11,
}

_FONT_KEYS = ("font.size", "axes.titlesize", "axes.labelsize", "xtick.labelsize",
              "ytick.labelsize", "legend.fontsize", "legend.title_fontsize", "figure.titlesize")


def min_font_pt(style=None):
    """The smallest font size of a style, in points.

    Parameters
    ----------
    style : dict, optional
        A matplotlib rc dict with numeric font sizes (default :data:`STYLE`).

    Returns
    -------
    float

    Examples
    --------
    >>> min_font_pt()
    9.0
    """
    style = STYLE if style is None else style
    sizes = [style[k] for k in _FONT_KEYS if k in style]
    if not sizes or not all(isinstance(v, (int, float)) for v in sizes):
        raise ValueError("style: font sizes must be given in points (numbers)")
    return float(min(sizes))


def displayed_text_px(width_px, *, dpi=None, font_pt=None, column_px=COLUMN_PX):
    """Height in CSS px of a ``font_pt`` text in a figure stored ``width_px`` pixels wide.

    Parameters
    ----------
    width_px : int
        Width of the stored PNG, in pixels.
    dpi : float, optional
        Resolution the figure was drawn at (default ``STYLE["figure.dpi"]``).
    font_pt : float, optional
        Font size in points (default :func:`min_font_pt`).
    column_px : float
        Width of the text column the figure is shown in.

    Returns
    -------
    float

    Notes
    -----
    .. math::

        h = \\frac{s \\cdot \\mathrm{dpi}}{72} \\min\\Bigl(1, \\frac{C}{W}\\Bigr),

    with ``s`` the font size in points, ``W`` the image width and ``C`` the column width:
    a PNG wider than the column is shrunk to it, a narrower one is shown at its size.

    Examples
    --------
    >>> round(displayed_text_px(1340), 2)
    6.25
    """
    if width_px <= 0:
        raise ValueError(f"width_px must be positive, got {width_px}")
    dpi = STYLE["figure.dpi"] if dpi is None else dpi
    font_pt = min_font_pt() if font_pt is None else font_pt
    return font_pt * dpi / 72 * min(1.0, column_px / width_px)


def max_width_px(*, dpi=None, font_pt=None, column_px=COLUMN_PX, min_text_px=MIN_TEXT_PX):
    """The widest stored figure whose smallest text is still ``min_text_px`` tall as shown.

    Examples
    --------
    >>> max_width_px()
    930
    """
    dpi = STYLE["figure.dpi"] if dpi is None else dpi
    font_pt = min_font_pt() if font_pt is None else font_pt
    return int(column_px * font_pt * dpi / 72 / min_text_px)


def use_style():
    """Set :data:`STYLE` in matplotlib's ``rcParams`` (the chapters call it once)."""
    import matplotlib as mpl
    mpl.rcParams.update(STYLE)


def figure(nrows=1, ncols=1, *, height=None, **kwargs):
    """A figure sized for the book's column, in the book's style.

    Parameters
    ----------
    nrows, ncols : int
        The panel grid.  At most two panels side by side: more would shrink their text
        below :data:`MIN_TEXT_PX`, so stack them in rows instead.
    height : float, optional
        Height of the figure in inches (default 3.6 per row for one column, 2.9 per
        row for two).
    **kwargs
        Passed to :func:`matplotlib.pyplot.subplots` (e.g. ``sharex``).

    Returns
    -------
    fig, axes
        As :func:`matplotlib.pyplot.subplots` returns them.

    Examples
    --------
    >>> fig, (ax, bx) = figure(ncols=2)
    >>> fig.get_size_inches().tolist()
    [6.4, 2.9]
    """
    if not (isinstance(nrows, int) and isinstance(ncols, int)) or nrows < 1 or ncols < 1:
        raise ValueError(f"nrows and ncols must be positive integers, got {nrows!r}, {ncols!r}")
    if ncols > 2:
        raise ValueError(f"ncols must be 1 or 2 (got {ncols}): stack more panels in rows, "
                         "so that their text stays legible in the book's column")
    import matplotlib.pyplot as plt
    use_style()
    if height is None:
        height = nrows * (3.6 if ncols == 1 else 2.9)
    kwargs.setdefault("layout", "constrained")
    return plt.subplots(nrows, ncols, figsize=(FIGURE_WIDTH_IN, height), **kwargs)


def learning_curves(ax, prediction, simulation=None, *, label_suffix="", colors=("C0", "C1"),
                    xscale="log"):
    """Theory curves (lines) and Monte-Carlo means ± 1 SE (markers) of test and training error.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    prediction : rmtdyn.Prediction
    simulation : rmtdyn.Simulation, optional
    label_suffix : str
        Appended to the legend labels (e.g. ``" (c = 2)"``).
    colors : (str, str)
        Colours of the test and training curves.
    xscale : str
        ``"log"`` (times > 0 are shown) or ``"linear"``.

    Returns
    -------
    ax
    """
    tp = np.asarray(prediction.t, dtype=float)
    keep = np.isfinite(tp) & ((tp > 0) if xscale == "log" else True)
    unit = "step $k$" if prediction.dynamics == "gd" else "time $t$"
    sim = [None] * 3, [None] * 3
    if simulation is not None:
        ts = np.asarray(simulation.t, dtype=float)
        ks = np.isfinite(ts) & ((ts > 0) if xscale == "log" else True)
        sim = ((ts[ks], simulation.test_error_mean[ks], simulation.test_error_sem[ks]),
               (ts[ks], simulation.train_error_mean[ks], simulation.train_error_sem[ks]))
    theory_and_simulation(ax, tp[keep], prediction.test_error[keep], *sim[0],
                          label="test error" + label_suffix, color=colors[0], marker="o")
    theory_and_simulation(ax, tp[keep], prediction.train_error[keep], *sim[1],
                          label="training error" + label_suffix, color=colors[1], marker="s", ls="--")
    ax.set_xscale(xscale)
    ax.set_xlabel(f"training {unit}")
    ax.set_ylabel("misclassification rate")
    ax.legend(frameon=False)
    return ax


def spectrum(ax, eigenvalues, c, *, mu2=None, bins=60, color="C0", label="eigenvalues of $XX^T/n$"):
    """Histogram of eigenvalues against the Marčenko–Pastur density, with the spike.

    The histogram is normalised to total mass 1 over all eigenvalues, so the MP
    density (drawn over the bulk) integrates to its bulk mass :math:`\\min(1, 1/c)`;
    zero eigenvalues (c > 1) are left out of the histogram and their mass
    :math:`1 - 1/c` is given in the legend.  With ``mu2`` the predicted spike
    :math:`\\lambda_s` is marked (dashed if it is not isolated, i.e. :math:`\\|\\mu\\|^4 \\le c`).

    Returns
    -------
    ax
    """
    from . import spectrum as sp
    lam = np.asarray(eigenvalues, dtype=float)
    lm, lp = sp.mp_edges(c)
    tol = max(lam.size, 1) * np.finfo(float).eps * max(lam.max(), 1.0) * 10
    nz = lam[lam > tol]
    weights = np.full(nz.size, 1.0 / lam.size)
    hi = max(lp, nz.max()) * 1.04
    edges = np.linspace(0.0 if lm < 0.2 else lm * 0.9, hi, bins + 1)
    ax.hist(nz, bins=edges, weights=weights / np.diff(edges)[0], color=color, alpha=0.35, label=label)
    x = np.linspace(lm, lp, 600)[1:-1]
    atom = sp.mp_atom(c)
    extra = f" (+ mass {atom:.2f} at 0)" if atom > 0 else ""
    ax.plot(x, sp.mp_density(x, c), color=color, lw=2, label="Marčenko–Pastur density" + extra)
    if mu2 is not None:
        ls = sp.spike_location(c, mu2)
        iso = mu2 * mu2 > c
        ax.axvline(ls, color="C3", ls="-" if iso else "--", lw=1.2,
                   label=r"$\lambda_s$" + ("" if iso else " (not isolated)"))
    ax.set_xlabel("eigenvalue")
    ax.set_ylabel("density")
    ax.legend(frameon=False)
    return ax


def contour(ax, problem, path):
    """The integration contour with what it encloses: the bulk, the spike and the origin.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    problem : rmtdyn.Problem
    path : rmtdyn.contour.Contour

    Returns
    -------
    ax
    """
    z = np.append(path.z, path.z[:1])
    ax.plot(z.real, z.imag, color="C0", lw=1.5, label=r"contour $\Gamma$")
    k = max(1, path.z.size // 8)
    for j in range(0, path.z.size, k):  # orientation arrows
        dz = path.z[(j + 1) % path.z.size] - path.z[j]
        ax.annotate("", xy=(path.z[j].real + dz.real, path.z[j].imag + dz.imag),
                    xytext=(path.z[j].real, path.z[j].imag),
                    arrowprops=dict(arrowstyle="->", color="C0", lw=1.2))
    ax.plot([problem.lambda_minus, problem.lambda_plus], [0, 0], color="C1", lw=5,
            solid_capstyle="butt", label=r"bulk $[\lambda_-, \lambda_+]$")
    if problem.spike_isolated:
        ax.plot([problem.spike], [0], "o", color="C3", label=r"spike $\lambda_s$")
    ax.plot([0], [0], "x", color="k", ms=8, label="origin")
    ax.axhline(0, color="0.8", lw=0.8, zorder=0)
    ax.set_xlabel(r"$\operatorname{Re} z$")
    ax.set_ylabel(r"$\operatorname{Im} z$")
    ax.set_aspect("equal")
    ax.legend(frameon=False, loc="upper right")
    return ax


def theory_and_simulation(ax, x_theory, y_theory, x_sim=None, sim_mean=None, sim_sem=None, *,
                          label, color="C0", marker="o", ls="-"):
    """One quantity drawn the book's way: theory as a line, simulation as open markers ± 1 SE.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    x_theory, y_theory : array_like
        The theory curve.
    x_sim, sim_mean, sim_sem : array_like, optional
        Simulation points, their means and standard errors.
    label : str
        Legend stem: ``"<label>, theory"`` and ``"<label>, simulation"``.

    Returns
    -------
    ax
    """
    ax.plot(x_theory, y_theory, color=color, lw=2, ls=ls, label=f"{label}, theory")
    if x_sim is not None:
        ax.errorbar(x_sim, sim_mean, yerr=sim_sem, fmt=marker, ms=4, color=color, mfc="white",
                    capsize=2, label=f"{label}, simulation")
    return ax
