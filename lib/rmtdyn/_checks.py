"""Input checks shared by the whole package.

Every public function validates its arguments first and raises an error that
names the argument, says what was received and what is allowed: a
:class:`ValueError` for a wrong value, an :class:`ArgumentTypeError` for a wrong
type (a :class:`TypeError` that is also a :class:`ValueError`, so that code written
against the earlier all-``ValueError`` checks, e.g. the command line, still catches it).  Nothing downstream has to guard against NaN, negative variances or
wrongly shaped arrays.
"""

import math
import numbers

import numpy as np

__all__ = []  # private helpers


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type (also a ``ValueError``, as numpy's ``AxisError`` is an ``IndexError``)."""


def _describe(value):
    try:
        return repr(value.item() if hasattr(value, "item") and np.ndim(value) == 0 else value)
    except Exception:  # pragma: no cover - repr of exotic objects
        return object.__repr__(value)


def real_scalar(value, name, *, low=None, high=None, low_inclusive=False,
                high_inclusive=False, allow_inf=False, allowed=None):
    """Return ``value`` as a float after checking that it is a real number in range.

    ``allowed`` is the human description of the admissible set used in the
    error message (e.g. ``"c > 0"``).
    """
    if allowed is None:
        parts = []
        if low is not None:
            parts.append(f"{name} {'>=' if low_inclusive else '>'} {low:g}")
        if high is not None:
            parts.append(f"{name} {'<=' if high_inclusive else '<'} {high:g}")
        allowed = " and ".join(parts) if parts else f"{name} a real number"
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise ArgumentTypeError(f"{name} must be a real number ({allowed}); got {_describe(value)}")
    x = float(value)
    if math.isnan(x):
        raise ValueError(f"{name} must be a real number ({allowed}); got NaN")
    if math.isinf(x) and not allow_inf:
        raise ValueError(f"{name} must be finite ({allowed}); got {x}")
    if low is not None and (x < low or (x == low and not low_inclusive)):
        raise ValueError(f"{name} must satisfy {allowed}; got {x:g}")
    if high is not None and (x > high or (x == high and not high_inclusive)):
        raise ValueError(f"{name} must satisfy {allowed}; got {x:g}")
    return x


def positive_int(value, name, *, minimum=1):
    """Return ``value`` as an int after checking that it is an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            value = int(value)
        else:
            raise ArgumentTypeError(f"{name} must be an integer >= {minimum}; got {_describe(value)}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value}")
    return int(value)


def times(t, name="t", *, integer=False):
    """Return a 1-D float array of non-negative times (``inf`` allowed).

    With ``integer=True`` the finite entries must be whole numbers (step counts
    of discrete gradient descent).
    """
    try:
        arr = np.asarray(t, dtype=float)
    except (TypeError, ValueError):
        raise ArgumentTypeError(f"{name} must be a number or a 1-D sequence of numbers >= 0 "
                         f"(inf allowed); got {_describe(t)}") from None
    if arr.ndim > 1:
        raise ValueError(f"{name} must be a scalar or a 1-D sequence; got an array of shape {arr.shape}")
    arr = np.atleast_1d(arr)
    if arr.size == 0:
        raise ValueError(f"{name} must contain at least one time")
    if np.isnan(arr).any():
        raise ValueError(f"{name} must not contain NaN (allowed: numbers >= 0 or inf)")
    if (arr < 0).any():
        raise ValueError(f"{name} must be >= 0 (allowed: numbers >= 0 or inf); got {arr[arr < 0][0]:g}")
    if integer:
        finite = arr[np.isfinite(arr)]
        if (finite != np.round(finite)).any():
            bad = finite[finite != np.round(finite)][0]
            raise ValueError(f"{name} counts gradient-descent steps and must hold whole numbers "
                             f">= 0 (or inf); got {bad:g}")
    return arr


def dynamics(value):
    """Check the name of the dynamics: ``"flow"`` or ``"gd"``."""
    if value not in ("flow", "gd"):
        raise ValueError(f"dynamics must be 'flow' (gradient flow) or 'gd' (discrete gradient "
                         f"descent); got {_describe(value)}")
    return value


def finite_array(a, name, *, ndim=None, shape=None):
    """Return ``a`` as a float array after checking dimension, shape and finiteness."""
    try:
        arr = np.asarray(a, dtype=float)
    except (TypeError, ValueError):
        raise ArgumentTypeError(f"{name} must be an array of real numbers; got {type(a).__name__}") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array; got shape {arr.shape}")
    if shape is not None:
        for axis, (got, want) in enumerate(zip(arr.shape, shape)):
            if want is not None and got != want:
                raise ValueError(f"{name} must have shape {tuple('any' if s is None else s for s in shape)}; "
                                 f"got {arr.shape} (axis {axis} differs)")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must contain only finite numbers (no NaN or inf)")
    return arr


def generator(rng, name="rng"):
    """A ``numpy.random.Generator`` from SciPy's ``rng`` convention (SPEC 7).

    An int >= 0 seeds ``numpy.random.default_rng``, ``None`` takes fresh entropy
    from the operating system, a ``Generator`` is used as it is.
    """
    if rng is None or isinstance(rng, np.random.Generator):
        return np.random.default_rng(rng)
    if isinstance(rng, (bool, np.bool_)) or not isinstance(rng, (numbers.Integral, np.integer)):
        raise ArgumentTypeError(f"{name} must be an int seed >= 0, a numpy.random.Generator or None; "
                                f"got {_describe(rng)}")
    if rng < 0:
        raise ValueError(f"{name} must be an int seed >= 0, a numpy.random.Generator or None; got {rng}")
    return np.random.default_rng(int(rng))


def rng_alias(rng, seed, owner):
    """``rng`` with the older keyword ``seed`` as an alias (not both)."""
    if seed is not None:
        if rng is not None:
            raise ValueError(f"{owner} takes rng or its older name seed, not both")
        return seed
    return rng
