"""The library on its own: ``pip install .`` into a fresh virtual environment (slow).

It installs only what rmtdyn needs at run time (numpy, scipy, matplotlib, threadpoolctl and
their own dependencies), every module imports there, the command line works there and
prints the same numbers as the pinned environment, and what needs an optional dependency
says which extra to install. The book, lab, course, data, test and browser tools are extras
(``pyproject.toml``).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import numpy as np
import pytest

import rmtdyn as rd

ROOT = Path(__file__).resolve().parents[1]
CORE = {"numpy", "scipy", "matplotlib", "threadpoolctl"}
# none of these may come with the library alone
EXTRAS_ONLY = {"mlxtend", "scikit-learn", "pandas", "pooch", "ipython", "ipykernel", "ipywidgets", "ipympl",
               "jupyterlab", "jupyter-book", "nbformat", "nbclient", "nbval", "nbgrader", "pytest", "playwright",
               "sphinx", "tqdm"}
PREDICT = ["predict", "--c", "0.5", "--mu2", "4", "--sigma2", "0.1", "--alpha", "0.01",
           "--t", "0", "10", "100", "1000", "inf", "--json"]


def _clean_env():
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


def _name(requirement):
    return re.split(r"[\s<>=!~;\[(]", requirement, maxsplit=1)[0].lower().replace("_", "-")


@pytest.fixture(scope="module")
def alone(tmp_path_factory):
    """The python of a fresh environment where only ``pip install <checkout copy>`` ran."""
    tmp = tmp_path_factory.mktemp("package")
    source = tmp / "source"               # a copy: a build in the checkout would leave build/ there
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "lib" / "rmtdyn", source / "lib" / "rmtdyn",
                    ignore=shutil.ignore_patterns("__pycache__"))
    venv.create(tmp / "venv", with_pip=True)
    python = tmp / "venv" / "bin" / "python"
    # the pinned versions as constraints (what the book is tested with), nothing more
    subprocess.run([python, "-m", "pip", "install", "--quiet", "-c", ROOT / "requirements.txt", source],
                   check=True, env=_clean_env(), timeout=900)
    return python


def run(python, *args, **kwargs):
    return subprocess.run([python, *args], env=_clean_env(), cwd=python.parents[2], capture_output=True,
                          text=True, timeout=300, **kwargs)


@pytest.mark.slow
def test_installs_only_the_core_dependencies(alone):
    code = ("import importlib.metadata as md, json\n"
            "print(json.dumps({'requires': md.requires('rmtdyn'),"
            " 'installed': sorted(d.metadata['Name'].lower().replace('_', '-') for d in md.distributions())}))")
    out = json.loads(run(alone, "-c", code, check=True).stdout)
    direct = {_name(r) for r in out["requires"] if "extra ==" not in r}
    assert direct == CORE, direct
    leaked = EXTRAS_ONLY & set(out["installed"])
    assert not leaked, f"installed with the library alone: {sorted(leaked)}"


@pytest.mark.slow
def test_every_module_imports_and_the_cli_works(alone):
    modules = sorted(p.stem for p in (ROOT / "lib" / "rmtdyn").glob("*.py") if not p.stem.startswith("__"))
    code = "import importlib, rmtdyn\n" + "".join(f"importlib.import_module('rmtdyn.{m}')\n" for m in modules)
    imported = run(alone, "-c", code)
    assert imported.returncode == 0, imported.stderr
    where = run(alone, "-c", "import rmtdyn; print(rmtdyn.__file__)", check=True).stdout
    assert str(alone.parents[1]) in where, where   # the installed copy, not this checkout

    cli = run(alone, "-m", "rmtdyn", *PREDICT)
    assert cli.returncode == 0, cli.stderr
    got = json.loads(cli.stdout)
    want = rd.predict(rd.Problem(c=0.5, mu2=4.0, sigma2=0.1, alpha=0.01), np.array([0, 10, 100, 1000, np.inf]))
    assert got["t"][-1] == "inf"
    np.testing.assert_allclose(got["test_error"], want.test_error, rtol=1e-12, atol=0)
    np.testing.assert_allclose(got["train_error"], want.train_error, rtol=1e-12, atol=0)


@pytest.mark.slow
def test_data_functions_name_their_extra(alone):
    code = ("from rmtdyn import realdata\n"
            "for load in (realdata.load_mnist_subset, realdata.load_digits8x8):\n"
            "    try:\n        load()\n    except ImportError as error:\n        print(error)\n"
            "    else:\n        raise SystemExit('loaded without its extra')\n")
    out = run(alone, "-c", code)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 2 and all("pip install 'rmtdyn[data]'" in line for line in lines), lines


def test_extras_hold_the_tools():
    text = (ROOT / "pyproject.toml").read_text()
    deps = re.search(r"^dependencies\s*=\s*\[(.*?)\]", text, re.M | re.S).group(1)
    assert {_name(d) for d in re.findall(r'"([^"]+)"', deps)} == CORE
    for extra in ("data", "chapters", "test", "book", "lab", "course", "browser"):
        assert re.search(rf"^{extra}\s*=\s*\[", text, re.M), f"extra {extra!r} missing"
    pins = {_name(line) for line in (ROOT / "requirements.txt").read_text().splitlines()
            if line and not line.startswith("#")}
    assert "ipympl" not in pins   # unused
