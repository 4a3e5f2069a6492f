"""rmtdyn: the dynamics of learning of a linear classifier, by random matrix theory.

The companion library of the book *The Dynamics of Learning: A Random Matrix
Approach* (after Liao & Couillet, ICML 2018).  One source of truth for every
formula of the book:

* :mod:`rmtdyn.params`   -- :class:`Problem`, the frozen parameters of a problem;
* :mod:`rmtdyn.spectrum` -- Marčenko–Pastur law, Stieltjes transforms, the measures mu and nu;
* :mod:`rmtdyn.filters`  -- the spectral filters f_t, g_t of gradient flow and descent;
* :mod:`rmtdyn.theory`   -- test/training performance at any time (real-line form);
* :mod:`rmtdyn.contour`  -- the same theorem as contour integrals (Cauchy);
* :mod:`rmtdyn.covariance` -- any noise covariance C: generalised MP law, the theorem, a runner;
* :mod:`rmtdyn.data`     -- the Gaussian mixture sampler;
* :mod:`rmtdyn.dynamics` -- gradient descent on data and the Monte-Carlo runner;
* :mod:`rmtdyn.realdata` -- MNIST and the 8x8 digits, pre-processing, a runner on real images;
* :mod:`rmtdyn.plots`    -- the book's recurring figures;
* :mod:`rmtdyn.explorer` -- :class:`~rmtdyn.explorer.Explorer`, the live explorer (ipywidgets).
* :mod:`rmtdyn.animations` -- scrubbable animations (in t, or in c) for the HTML book.

Notebooks use ``import rmtdyn as rd``.
"""

from . import (animations, contour, covariance, data, dynamics, explorer, filters, plots, realdata,
               spectrum, theory)
from .contour import predict_contour
from .dynamics import Simulation, simulate
from .params import Problem
from .theory import Prediction, error_rate, limits, predict

__all__ = ["Problem", "Prediction", "Simulation", "predict", "predict_contour", "limits",
           "error_rate", "simulate", "animations", "contour", "covariance", "data", "dynamics",
           "explorer", "filters", "plots",
           "realdata", "spectrum", "theory"]

__version__ = "0.1.0"
