"""Fixtures shared by the test modules."""

import contextlib
import io
import subprocess
import sys
import traceback

import pytest


def _run_cli(*args):
    """Run ``rmtdyn.cli.main(args)`` in this process, as ``python -m rmtdyn ARGS`` would run.

    Returns a ``subprocess.CompletedProcess`` with what the command printed on stdout and
    stderr and its exit status: 0 on return, the code of ``SystemExit`` (argparse and bad
    input exit 2), 1 with the traceback on stderr for any other exception (as the
    interpreter would).  ``tests/test_cli.py`` runs the real subprocess twice.
    """
    from rmtdyn.cli import main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if exc.code is not None and not isinstance(exc.code, int):
                print(exc.code, file=sys.stderr)
        except Exception:  # noqa: BLE001 - reported like an uncaught exception of the interpreter
            traceback.print_exc()
            code = 1
    return subprocess.CompletedProcess(["rmtdyn", *args], code or 0, out.getvalue(), err.getvalue())


def _run_cli_subprocess(*args):
    """Run ``python -m rmtdyn ARGS`` in a fresh interpreter (the command line as a reader runs it)."""
    return subprocess.run([sys.executable, "-m", "rmtdyn", *args], capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def cli():
    """``cli("predict", "--c", "0.5", ...)`` -> the finished command (returncode, stdout, stderr), in-process."""
    return _run_cli


@pytest.fixture
def cli_subprocess():
    """The same as ``cli`` in a fresh interpreter (for the smoke tests of the real entry point)."""
    return _run_cli_subprocess
