"""The book's recurring figures (matplotlib), so that chapters do not repeat plotting code."""

import numpy as np

__all__ = ["learning_curves", "theory_and_simulation", "spectrum", "contour"]


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
    ax.plot(z.real, z.imag, color="C0", lw=1.5, label=r"contour $\gamma$")
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
