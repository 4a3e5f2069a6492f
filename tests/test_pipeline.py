"""The README's two commands, read from the Makefile without running them (``make -n``).

* Neither ``make book`` nor ``make test`` calls a system package manager or needs root
  (no ``apt-get``, ``sudo``, ``brew``, ``npm``): MathJax comes from ``_ext/mathjax.py``.
* ``make test`` executes each chapter once: only nbval executes; every ``jupyter-book build``
  of the test run reads a configuration written with ``--stored-outputs``, and that option
  turns execution off.
* The unit stage needs no browser: it leaves ``tests/browser`` out, and no test outside
  ``tests/browser`` launches one.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = re.compile(r"(?<![\w-])(apt-get|apt|sudo|brew|npm|npx|dnf|yum|pacman|snap)(?![\w-])")


def dry_run(*targets, tmp_path):
    if shutil.which("make") is None:
        pytest.fail("make is needed for the README's commands and is missing")
    stamp = tmp_path / "stamp"
    stamp.touch()
    future = 4_000_000_000          # newer than any input: make takes the environment as built
    os.utime(stamp, (future, future))
    run = subprocess.run(["make", "-n", "--no-print-directory", *targets, f"VENV={tmp_path / 'venv'}",
                          f"STAMP={stamp}"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_book_and_test_need_no_root_and_no_system_packages(tmp_path):
    commands = dry_run("book", "test", tmp_path=tmp_path)
    assert "jupyter-book build" in commands and "pytest" in commands
    found = sorted({m.group(1) for m in FORBIDDEN.finditer(commands)})
    assert not found, f"make book/test would call {found}:\n{commands}"
    assert "_ext/mathjax.py" in commands or (ROOT / ".mathjax").exists()


def test_make_test_executes_each_chapter_once(tmp_path):
    lines = dry_run("test", tmp_path=tmp_path).splitlines()
    builds = [line for line in lines if "jupyter-book build" in line]
    assert len(builds) == 2, builds          # the -W book and the student edition
    for build in builds:
        config = re.search(r"--config (\S+)", build)
        assert config, f"builds with _config.yml, which executes every chapter: {build}"
        writer = [line for line in lines if "_ext/book_config.py" in line and config.group(1) in line]
        assert writer and "--stored-outputs" in writer[0], build
    runs = [re.sub(r'echo "[^"]*"', "", line) for line in lines]     # not the lines announcing a run
    assert sum(line.count("pytest --nbval") for line in runs) == 1


def test_stored_outputs_turn_execution_off(tmp_path):
    sys.path.insert(0, str(ROOT / "_ext"))
    try:
        from book_config import write_variant
    finally:
        sys.path.pop(0)
    write_variant(ROOT / "_config.yml", tmp_path / "stored.yml", stored_outputs=True)
    write_variant(ROOT / "_config.yml", tmp_path / "student.yml", stored_outputs=True, student=True)
    book = yaml.safe_load((ROOT / "_config.yml").read_text())
    stored = yaml.safe_load((tmp_path / "stored.yml").read_text())
    student = yaml.safe_load((tmp_path / "student.yml").read_text())
    assert book["execute"]["execute_notebooks"] == "force"        # make book: readers see fresh outputs
    assert stored["execute"]["execute_notebooks"] == student["execute"]["execute_notebooks"] == "off"
    assert student["sphinx"]["config"]["hide_solutions"] is True
    assert stored["sphinx"]["config"]["hide_solutions"] is False
    for name, path in stored["sphinx"]["local_extensions"].items():
        assert (Path(path) / f"{name}.py").is_file()
    # nothing else changes
    for config in (stored, student):
        config["execute"]["execute_notebooks"] = "force"
        config["sphinx"]["local_extensions"] = book["sphinx"]["local_extensions"]
    student["sphinx"]["config"]["hide_solutions"] = False
    student["title"] = book["title"]
    assert stored == book and student == book


def test_unit_stage_needs_no_browser(tmp_path):
    unit = [line for line in dry_run("unit", tmp_path=tmp_path).splitlines() if "pytest" in line][0]
    assert "--ignore=tests/browser" in unit
    outside = [p for p in (ROOT / "tests").glob("test_*.py")
               if re.search(r"(sync|async)_playwright", p.read_text()) and p.name != Path(__file__).name]
    assert not outside, f"browser tests outside tests/browser: {outside}"
