"""rmtdyn: the dynamics of learning of a linear classifier, by random matrix theory.

The companion library of the book *The Dynamics of Learning: A Random Matrix
Approach* (after Liao & Couillet, ICML 2018).  One source of truth for every
formula of the book:

* :mod:`rmtdyn.params`   -- :class:`Problem`, the frozen parameters of a problem;
* :mod:`rmtdyn.spectrum` -- Marčenko–Pastur law, Stieltjes transforms, the measures mu and nu;
* :mod:`rmtdyn.filters`  -- the spectral filters f_t, g_t of gradient flow and descent;
* :mod:`rmtdyn.quadrature` -- the adaptive rule of the theory, with its error estimate;
* :mod:`rmtdyn.theory`   -- test/training performance at any time (real-line form);
* :mod:`rmtdyn.stopping`, :mod:`rmtdyn.ridge`, :mod:`rmtdyn.classes` -- optimal stopping and sweeps,
  the ridge penalty, unequal classes (also reached as ``rmtdyn.theory.X``);
* :mod:`rmtdyn.results`  -- the theory's result types (frozen dataclasses read like dicts);
* :mod:`rmtdyn.contour`  -- the same theorem as contour integrals (Cauchy);
* :mod:`rmtdyn.covariance` -- any noise covariance C: the type, sampler and runner, and the names of
  :mod:`rmtdyn.covariance_law` (the generalised MP law) and :mod:`rmtdyn.covariance_theory` (the theorem);
* :mod:`rmtdyn.data`     -- the Gaussian mixture sampler;
* :mod:`rmtdyn.dynamics` -- gradient descent on data (iteration, matrix exponential, eigendecomposition);
* :mod:`rmtdyn.chebyshev` -- the training path at every time from a Chebyshev expansion, with its error bound;
* :mod:`rmtdyn.montecarlo` -- one Monte-Carlo runner for every experiment, :class:`Simulation`;
* :mod:`rmtdyn.realdata` -- MNIST and the 8x8 digits, pre-processing, a runner on real images;
* :mod:`rmtdyn.plots`    -- the book's recurring figures;
* :mod:`rmtdyn.panels`   -- the explorer's model: settings in, the numbers of its panels out;
* :mod:`rmtdyn.explorer` -- :class:`~rmtdyn.explorer.Explorer`, the live explorer (ipywidgets view).
* :mod:`rmtdyn.animations` -- scrubbable animations (in t, or in c) for the HTML book.

Notebooks use ``import rmtdyn as rd``.  Submodules and names are imported on
first use (PEP 562, as SciPy does), so ``import rmtdyn`` is light.
"""

import importlib

_SUBMODULES = ("_json", "animations", "chebyshev", "classes", "cli", "contour", "covariance",
               "covariance_law", "covariance_theory", "data", "dynamics", "explorer", "filters",
               "montecarlo", "panels", "params", "plots", "quadrature", "realdata", "results", "ridge",
               "spectrum", "stopping", "theory")
_NAMES = {"Problem": "params", "Prediction": "theory", "Simulation": "montecarlo", "predict": "theory",
          "predict_contour": "contour", "limits": "theory", "error_rate": "theory", "simulate": "montecarlo"}

__all__ = ["Problem", "Prediction", "Simulation", "predict", "predict_contour", "limits",
           "error_rate", "simulate", "animations", "chebyshev", "classes", "contour", "covariance",
           "covariance_law", "covariance_theory", "data", "dynamics", "explorer", "filters",
           "montecarlo", "panels", "params", "plots", "quadrature", "realdata", "results", "ridge",
           "spectrum", "stopping", "theory"]

__version__ = "0.1.0"


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _NAMES:
        value = getattr(importlib.import_module(f"{__name__}.{_NAMES[name]}"), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
