"""Result types of the theory: frozen dataclasses that also read like the dicts they replace.

Every result of :mod:`rmtdyn.theory` is a frozen dataclass whose fields are reached as
attributes (``lim.E``) or, as before, by key (``lim["E"]``, ``lim.items()``); ``as_dict()``
gives plain lists and floats with infinities as the strings ``"inf"``/``"-inf"`` and NaN as
``None`` (strict JSON); two results are equal when they have the same type and equal
fields, arrays compared element by element (NaN equal to NaN).
"""

from collections.abc import Mapping
from dataclasses import dataclass, fields
import math

import numpy as np

__all__ = ["Result", "Limits", "Components", "RidgeErrors", "Sigma2Sweep", "OptimalMap", "ClassErrors",
           "encode"]


def encode(value):
    """A float, array or string as strict-JSON data: ``inf`` -> ``"inf"``, NaN -> ``None``.

    Examples
    --------
    >>> encode(np.array([1.0, np.inf, np.nan])), encode(2.5), encode("flow")
    ([1.0, 'inf', None], 2.5, 'flow')
    """
    if isinstance(value, str):
        return value

    def one(v):
        v = float(v)
        if math.isnan(v):
            return None
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return v
    arr = np.asarray(value)
    if arr.ndim == 0:
        return one(arr)
    return [encode(v) for v in arr] if arr.ndim > 1 else [one(v) for v in arr]


def _same(a, b):
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    try:
        return bool(np.array_equal(a, b, equal_nan=True))
    except TypeError:
        return bool(np.array_equal(a, b))


class Result(Mapping):
    """Mixin: key access, iteration over field names, ``as_dict()`` and array-aware equality."""

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

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return all(_same(getattr(self, k), getattr(other, k)) for k in self._names())

    __hash__ = None

    def as_dict(self):
        """Plain data (lists and floats; ``"inf"`` strings, NaN as ``None``), keyed by field name."""
        return {k: encode(getattr(self, k)) for k in self._names()}

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
class RidgeErrors(Result):
    """:func:`rmtdyn.theory.ridge_errors`: performance of the ridge estimator per penalty (arrays)."""

    E: np.ndarray
    V: np.ndarray
    E_train: np.ndarray
    V_train: np.ndarray
    test_error: np.ndarray
    train_error: np.ndarray
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
