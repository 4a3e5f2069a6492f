"""One JSON encoding for every result of the package, and the base of the result types.

Strict JSON has no infinity and no NaN.  Everything the package writes as JSON
(the command line, ``as_dict()`` of the results) goes through :func:`to_jsonable`:

* ``inf`` becomes the string ``"inf"``, ``-inf`` the string ``"-inf"``;
* ``NaN`` (e.g. the standard error of a single run) becomes ``null``;
* numpy scalars and arrays become Python numbers and (nested) lists;
* a result (anything with ``as_dict()``) becomes its dictionary.

:class:`Result` gives frozen result dataclasses an equality that compares arrays
element-wise (``sim == sim`` is ``True``, NaN equal to NaN) and a default ``as_dict()``.
"""

import dataclasses
import json
import math
import numbers

import numpy as np

__all__ = ["to_jsonable", "dumps", "Result"]


def _number(x):
    x = float(x)
    if math.isnan(x):
        return None
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def to_jsonable(obj):
    """Return ``obj`` as plain Python (dict, list, str, int, float, None) that strict JSON accepts.

    Examples
    --------
    >>> to_jsonable({"t": np.array([0.0, np.inf]), "sem": np.nan, "n": np.int64(3)})
    {'t': [0.0, 'inf'], 'sem': None, 'n': 3}
    >>> to_jsonable(-np.inf)
    '-inf'
    """
    if obj is None or isinstance(obj, (bool, np.bool_, str)):
        return bool(obj) if isinstance(obj, np.bool_) else obj
    if isinstance(obj, (numbers.Integral, np.integer)):
        return int(obj)
    if isinstance(obj, (numbers.Real, np.floating)):
        return _number(obj)
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind in "iub":
            return obj.tolist()
        if obj.dtype.kind == "f":
            if obj.ndim == 0:
                return _number(obj)
            return [to_jsonable(v) for v in obj] if obj.ndim > 1 else [_number(v) for v in obj.tolist()]
        return [to_jsonable(v) for v in obj.tolist()]
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if hasattr(obj, "as_dict"):
        return to_jsonable(obj.as_dict())
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    raise TypeError(f"obj holds a {type(obj).__name__}, which has no JSON form (allowed: numbers, "
                    "strings, None, arrays, lists, dicts and results with as_dict())")


def dumps(obj, **kwargs):
    """Strict JSON text of ``obj`` (see :func:`to_jsonable`); ``kwargs`` go to :func:`json.dumps`.

    Examples
    --------
    >>> dumps({"t_opt": np.inf, "error": 0.25})
    '{"t_opt": "inf", "error": 0.25}'
    """
    return json.dumps(to_jsonable(obj), allow_nan=False, **kwargs)


def _equal(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape:
            return False
        if a.dtype.kind in "fc" and b.dtype.kind in "fc":
            return bool(np.array_equal(a, b, equal_nan=True))
        return bool(np.array_equal(a, b))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if dataclasses.is_dataclass(a) and not isinstance(a, type):  # e.g. a result held by a result
        return type(a) is type(b) and all(_equal(getattr(a, f.name), getattr(b, f.name))
                                          for f in dataclasses.fields(a))
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_equal, a, b))
    return bool(a == b)


class Result:
    """Base of the frozen result dataclasses: element-wise equality and ``as_dict()``.

    Subclasses are declared ``@dataclass(frozen=True, eq=False)`` so that this
    ``__eq__`` (arrays compared element-wise, NaN equal to NaN) is the one used.
    Results hold arrays, so they are not hashable.
    """

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return all(_equal(getattr(self, f.name), getattr(other, f.name))
                   for f in dataclasses.fields(self))

    __hash__ = None

    def as_dict(self):
        """Every field as plain Python, strict-JSON safe (:func:`rmtdyn._json.to_jsonable`)."""
        return {f.name: to_jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}
