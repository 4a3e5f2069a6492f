"""Fixtures shared by the test modules."""

import subprocess
import sys

import pytest


def _run_cli(*args):
    """Run ``python -m rmtdyn ARGS`` in a fresh interpreter (the command line as a reader runs it)."""
    return subprocess.run([sys.executable, "-m", "rmtdyn", *args], capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def cli():
    """``cli("predict", "--c", "0.5", ...)`` -> the finished process (returncode, stdout, stderr)."""
    return _run_cli
