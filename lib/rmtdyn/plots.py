"""The book's recurring figures (matplotlib), so that chapters do not repeat plotting code."""

import numpy as np

__all__ = ["learning_curves"]


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
    ax.plot(tp[keep], prediction.test_error[keep], color=colors[0], lw=2,
            label="test error, theory" + label_suffix)
    ax.plot(tp[keep], prediction.train_error[keep], color=colors[1], lw=2, ls="--",
            label="training error, theory" + label_suffix)
    if simulation is not None:
        ts = np.asarray(simulation.t, dtype=float)
        ks = np.isfinite(ts) & ((ts > 0) if xscale == "log" else True)
        ax.errorbar(ts[ks], simulation.test_error_mean[ks], yerr=simulation.test_error_sem[ks],
                    fmt="o", ms=4, color=colors[0], mfc="white", capsize=2,
                    label="test error, simulation" + label_suffix)
        ax.errorbar(ts[ks], simulation.train_error_mean[ks], yerr=simulation.train_error_sem[ks],
                    fmt="s", ms=4, color=colors[1], mfc="white", capsize=2,
                    label="training error, simulation" + label_suffix)
    ax.set_xscale(xscale)
    ax.set_xlabel(f"training {unit}")
    ax.set_ylabel("misclassification rate")
    ax.legend(frameon=False)
    return ax
