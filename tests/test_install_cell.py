"""The launch buttons: every chapter installs rmtdyn where it is missing (Colab, a fresh kernel).

The first code cell of every chapter notebook is the install cell, whose one source is
``binder/install_cell.py``: it does nothing where ``rmtdyn`` is importable (nbval, the book
build, Binder, where ``binder/postBuild`` installs the library) and otherwise installs the
library at the book's own version from the repository named in ``_config.yml``
(``$RMTDYN_SOURCE`` overrides the source).

* The cell is the same everywhere: the chapters' first code cells equal the file, tagged
  ``remove-cell`` (hidden from the page), without outputs; the version in its URL is
  ``pyproject.toml``'s and the repository is ``_config.yml``'s.
* It works (slow): a fresh virtual environment with only a Jupyter kernel and numpy's stack
  (ipykernel, nbclient, numpy, scipy, matplotlib; no rmtdyn) executes chapter 1 top to
  bottom, its install cell pointed at (a copy of) this checkout by ``RMTDYN_SOURCE``
  (``rmtdyn[chapters] @ file://...``: the same extra as on Colab, so what the chapters
  import beyond the library, e.g. myst-nb's glue, is checked too), and prints what the
  chapter stores. Only the package index is needed.
* Binder installs the pinned environment and the library.
"""
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CELL = ROOT / "binder" / "install_cell.py"
CHAPTERS = sorted(ROOT.glob("chapters/0*.ipynb")) + [ROOT / "chapters" / "explore.ipynb"]
CHAPTER_1 = ROOT / "chapters" / "01_setup.ipynb"
# a Jupyter kernel, a notebook runner and numpy's stack, at the book's pinned versions
KERNEL_STACK = ["ipykernel", "nbclient", "numpy", "scipy", "matplotlib"]


def project(key):
    """A string field of pyproject.toml's [project] table (tomllib is Python >= 3.11 only)."""
    text = (ROOT / "pyproject.toml").read_text()
    return re.search(rf'^{key}\s*=\s*"([^"]*)"', text, re.M).group(1)


def install_cell():
    return CELL.read_text(encoding="utf8").rstrip("\n")


def first_code_cell(nb):
    return next(cell for cell in nb.cells if cell.cell_type == "code")


def test_install_cell_names_this_book():
    source = install_cell()
    version = project("version")
    repo = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"].removesuffix("/")
    # the URL is split over two string literals: join adjacent literals as Python does
    literals = "".join(re.findall(r'"([^"]*)"', source))
    assert f"rmtdyn[chapters] @ git+{repo}@v{version}" in literals, literals
    assert 'os.environ.get("RMTDYN_SOURCE"' in source
    assert 'find_spec("rmtdyn") is None' in source
    compile(source, str(CELL), "exec")


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_every_chapter_starts_with_the_install_cell(path):
    cell = first_code_cell(nbformat.read(path, as_version=4))
    assert cell.source == install_cell(), (
        f"{path.relative_to(ROOT)}: the first code cell must be binder/install_cell.py exactly; it is:\n"
        f"{cell.source}")
    assert "remove-cell" in cell.metadata.get("tags", []), f"{path.name}: install cell not tagged remove-cell"
    assert not cell.outputs, f"{path.name}: the install cell has stored outputs"


def test_binder_installs_the_pinned_environment_and_the_library():
    requirements = (ROOT / "binder" / "requirements.txt").read_text().split("\n")
    assert "-r ../requirements.txt" in requirements
    post = ROOT / "binder" / "postBuild"
    assert os.access(post, os.X_OK)
    assert "pip install --no-deps ." in post.read_text()
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    major, minor = map(int, runtime.removeprefix("python-").split("."))
    required = project("requires-python")
    assert (major, minor) >= tuple(map(int, required.removeprefix(">=").split(".")))


def pinned(names):
    """``name==version`` from requirements.txt for each name (the versions the book runs with)."""
    pins = dict(line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    lower = {k.lower(): f"{k}=={v}" for k, v in pins.items()}
    return [lower[name] for name in names]


def copy_library(target):
    """The files ``pip install`` needs, copied (a build in the checkout would leave build/ there)."""
    target.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, target / name)
    shutil.copytree(ROOT / "lib" / "rmtdyn", target / "lib" / "rmtdyn",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return target


def clean_env(**extra):
    """The environment without this checkout on PYTHONPATH (rmtdyn must not be importable)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(extra)
    return env


def make_venv(path, packages):
    venv.create(path, with_pip=True)
    python = path / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "--quiet", *packages], check=True, env=clean_env(),
                   timeout=900)
    return python


@pytest.mark.slow
def test_chapter_1_runs_in_a_fresh_kernel_through_its_install_cell(tmp_path):
    python = make_venv(tmp_path / "venv", pinned(KERNEL_STACK))
    check = "import importlib.util, sys; sys.exit(importlib.util.find_spec('rmtdyn') is not None)"
    assert subprocess.run([python, "-c", check], env=clean_env(), cwd=tmp_path).returncode == 0, \
        "rmtdyn is importable before the install cell ran"

    nb = nbformat.read(CHAPTER_1, as_version=4)
    first = first_code_cell(nb)
    if first.source != install_cell():   # before the chapters carry the cell: insert it in the copy
        nb.cells.insert(nb.cells.index(first), nbformat.v4.new_code_cell(install_cell()))
    work = tmp_path / "chapters"
    work.mkdir()
    nbformat.write(nb, work / CHAPTER_1.name)
    runner = ("import sys, nbformat; from nbclient import NotebookClient\n"
              "nb = nbformat.read(sys.argv[1], as_version=4)\n"
              "NotebookClient(nb, timeout=900, kernel_name='python3',\n"
              "               resources={'metadata': {'path': sys.argv[2]}}).execute()\n"
              "nbformat.write(nb, sys.argv[3])\n")
    executed = tmp_path / "executed.ipynb"
    source = copy_library(tmp_path / "source")
    run = subprocess.run([python, "-c", runner, work / CHAPTER_1.name, work, executed],
                         env=clean_env(RMTDYN_SOURCE=f"rmtdyn[chapters] @ {source.as_uri()}", MPLBACKEND="Agg"),
                         cwd=tmp_path, capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, f"chapter 1 failed in the fresh kernel:\n{run.stderr[-4000:]}"

    # the install cell installed the library into that environment, from the checkout
    where = subprocess.run([python, "-c", "import rmtdyn; print(rmtdyn.__file__)"], env=clean_env(),
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert str(tmp_path / "venv") in where, where

    # and the chapter printed what it stores (the same pinned numpy, scipy, matplotlib)
    def printed(notebook):
        """Each code cell's standard output (its chunks joined: their split depends on timing)."""
        return ["".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")
                for cell in notebook.cells if cell.cell_type == "code" and cell.source != install_cell()]

    got, want = printed(nbformat.read(executed, as_version=4)), printed(nbformat.read(CHAPTER_1, as_version=4))
    assert len(got) == len(want) and any(want)
    assert got == want


def test_install_cell_does_nothing_where_rmtdyn_is_importable():
    env = clean_env(PYTHONPATH=str(ROOT / "lib"), RMTDYN_SOURCE="/nonexistent: would fail if used")
    run = subprocess.run([sys.executable, "-c", install_cell()], env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0 and not run.stdout and not run.stderr, run.stderr
