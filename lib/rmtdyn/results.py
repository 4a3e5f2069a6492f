"""Result types of the theory: frozen dataclasses that also read like the dicts they replace.

Every result of :mod:`rmtdyn.theory` is a frozen dataclass whose fields are reached as
attributes (``lim.E``) or, as before, by key (``lim["E"]``, ``lim.items()``); ``as_dict()``
gives plain lists and floats with infinities as the strings ``"inf"``/``"-inf"`` and NaN as
``None`` (strict JSON); two results are equal when they have the same type and equal
fields, arrays compared element by element (NaN equal to NaN).
"""

from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np

from ._json import Result as _Result, to_jsonable as encode

__all__ = ["Result", "Limits", "Components", "Moments", "RidgeErrors", "Sigma2Sweep", "OptimalMap", "ClassErrors",
           "encode"]


class Result(_Result, Mapping):
    """The package's result base (:class:`rmtdyn._json.Result`: ``as_dict()`` and array-aware
    equality) with key access and iteration over field names, as the dicts it replaces."""

    def __getitem__(self, key):
        if isinstance(key, str) and key in self._names():
            return getattr(self, key)
        raise KeyError(key)

    def __iter__(self):
        return iter(self._names())

    def __len__(self):
        return len(self._names())

    @classmethod
    def _names(cls):
        names = cls.__dict__.get("_field_names")
        if names is None:
            names = tuple(f.name for f in fields(cls))
            cls._field_names = names
        return names

    def __repr__(self):
        inner = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._names())
        return f"{type(self).__name__}({inner})"


@dataclass(frozen=True, eq=False, repr=False)
class Limits(Result):
    """:func:`rmtdyn.limits`: the :math:`t \\to \\infty` values (floats)."""

    E: float
    V: float
    E_train: float
    V_train: float
    test_error: float
    train_error: float


@dataclass(frozen=True, eq=False, repr=False)
class Components(Result):
    """:func:`rmtdyn.theory.components`: the pieces of the theorem at every time (arrays)."""

    E_bulk: np.ndarray
    E_spike: np.ndarray
    V_bulk: np.ndarray
    V_spike: np.ndarray
    V_init: np.ndarray
    Vtr_signal: np.ndarray
    Vtr_init: np.ndarray


@dataclass(frozen=True, eq=False, repr=False)
class Moments(Result):
    """The theorem's four moments and the two error rates they give (arrays).

    The fields that :class:`rmtdyn.theory.Prediction` (per time) and :class:`RidgeErrors`
    (per penalty) share; see :meth:`rmtdyn.theory.Prediction.from_moments` for their meaning.
    """

    E: np.ndarray
    V: np.ndarray
    E_train: np.ndarray
    V_train: np.ndarray
    test_error: np.ndarray
    train_error: np.ndarray


@dataclass(frozen=True, eq=False, repr=False)
class RidgeErrors(Moments):
    """:func:`rmtdyn.theory.ridge_errors`: performance of the ridge estimator per penalty (arrays)."""

    gamma: np.ndarray


@dataclass(frozen=True, eq=False, repr=False)
class Sigma2Sweep(Result):
    """:func:`rmtdyn.theory.sigma2_sweep`: optimal stopping per initialisation variance (arrays)."""

    sigma2: np.ndarray
    t_opt: np.ndarray
    test_error_opt: np.ndarray
    test_error_inf: np.ndarray


@dataclass(frozen=True, eq=False, repr=False)
class OptimalMap(Result):
    """:func:`rmtdyn.theory.optimal_map`: optimal stopping over a grid of (c, mu2)."""

    t_opt: np.ndarray
    test_error_opt: np.ndarray
    test_error_inf: np.ndarray
    gain: np.ndarray
    c: np.ndarray
    mu2: np.ndarray


@dataclass(frozen=True, eq=False, repr=False)
class ClassErrors(Result):
    """:func:`rmtdyn.theory.class_errors`: per-class and average errors (arrays)."""

    error_c1: np.ndarray
    error_c2: np.ndarray
    error: np.ndarray
