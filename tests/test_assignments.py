"""The nbgrader assignments generate and grade themselves (issue 8).

In a temporary nbgrader course directory (a copy of ``assignments/``), the five source
notebooks are released with ``nbgrader generate_assignment`` and three submissions per
assignment are autograded with ``nbgrader autograde``:

* ``instructor``: the source notebooks themselves -> every automatic point;
* ``blank``: the untouched release -> zero automatic points, and no grading error;
* ``partial``: the source with one answer cell replaced by a plausible mistake -> exactly
  the points of the tests that do not depend on that cell.

The release must hold no solution code and no hidden test. Scores are read from the
gradebook with ``nbgrader.api.Gradebook``. Takes about a minute (five kernels per
submission set, each notebook runs in a few seconds).
"""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "assignments"
ASSIGNMENTS = sorted(p.name for p in (COURSE / "source").iterdir() if p.is_dir())

# One plausible mistake per assignment: (answer cell, wrong code, expected automatic
# points, why). The expected points are the tests that do not use the wrong answer.
MISTAKES = {
    "ps1_gradient_descent": (
        "ps1_gd_closed_form",
        "def gd_closed_form(X, y, w0, alpha, k):\n"
        "    n = X.shape[1]\n"
        "    lam, U = np.linalg.eigh(X @ X.T / n)\n"
        "    f = np.exp(-alpha * k * lam)          # gradient flow instead of descent\n"
        "    g = (1 - f) / lam\n"
        "    return U @ (f * (U.T @ w0) + g * (U.T @ (X @ y / n)))\n",
        5, "flow filters: k = 0 still right, but both closed-form tests (1 + 2) fail"),
    "ps2_marchenko_pastur": (
        "ps2_mp_stieltjes",
        "def mp_stieltjes(z, c):\n"
        "    z = np.asarray(z, dtype=complex)\n"
        "    lm, lp = (1 - np.sqrt(c)) ** 2, (1 + np.sqrt(c)) ** 2\n"
        "    root = np.sqrt(z - lm) * np.sqrt(z - lp)\n"
        "    return (1 - c - z - root) / (2 * c * z)   # the other root of the quadratic\n",
        4, "the wrong root solves the equation (1 point kept) but fails the branch (2) "
           "and density (2) tests"),
    "ps3_contour_integrals": (
        "ps3_bulk_spike",
        "w_s = pb.mu2                                  # residue without the -c/||mu||^2 term\n"
        "g_real = lambda x: -np.expm1(-pb.alpha * t * x) / x\n"
        "E_spike = w_s * g_real(pb.spike)\n"
        "E_bulk = quad(lambda x: g_real(x) * rd.spectrum.mu_density(np.array([x]), pb.c, pb.mu2)[0],\n"
        "              pb.lambda_minus, pb.lambda_plus, epsabs=1e-13, epsrel=1e-12, limit=200)[0]\n",
        5, "wrong spike weight: the spike (1) and bulk + residue (1) tests fail"),
    "ps4_theorem_and_stopping": (
        "ps4_err_inf",
        "E_inf = pb.mu2 / (pb.mu2 + 1)\n"
        "V_inf = (pb.mu2 + pb.c) / (1 + pb.mu2) ** 2     # the factor 1/(1 - c) is missing\n"
        "err_inf = float(test_error_from_EV(E_inf, V_inf))\n",
        6, "only the t = infinity test (1) fails"),
    "ps5_initialization": (
        "ps5_opt_err",
        "opt_err = np.array([rd.predict(rd.Problem(c=c, mu2=mu2, sigma2=s2, alpha=alpha), t_grid)"
        ".test_error.max()\n                    for s2 in sigma2_grid])   # max instead of min\n",
        5, "only the optimal-error test (2) fails"),
}


def nbgrader(course, *args):
    """Run the venv's nbgrader in `course`; it needs the venv's alembic on PATH."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{proc.stderr[-4000:]}"
    return proc


def cells_by_id(nb):
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
            if "nbgrader" in c.metadata and "grade_id" in c.metadata["nbgrader"]}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A graded course directory: release generated, three submissions autograded."""
    course = tmp_path_factory.mktemp("course")
    shutil.copytree(COURSE / "source", course / "source")
    shutil.copy(COURSE / "nbgrader_config.py", course)
    nbgrader(course, "generate_assignment", "*", "--force")
    for name in ASSIGNMENTS:
        source = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
        release = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
        partial = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
        cell_id, wrong, _, _ = MISTAKES[name]
        cells_by_id(partial)[cell_id].source = wrong
        for student, nb in [("instructor", source), ("blank", release), ("partial", partial)]:
            target = course / "submitted" / student / name / f"{name}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, target)
    nbgrader(course, "autograde", "*", "--force")
    return course


def automatic_points(course, name, student):
    """(points given by the autograder tests, maximum) for one submission."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "dynamics-of-learning") as gb:
        nb = gb.find_submission_notebook(name, name, student)
        auto = [g for g in nb.grades if g.cell_type == "code"]
        assert auto, f"{name}: no autograded test cell"
        return sum(g.auto_score or 0.0 for g in auto), sum(g.max_score for g in auto)


def test_five_assignments_with_points_and_a_written_answer():
    assert len(ASSIGNMENTS) >= 5, ASSIGNMENTS
    for name in ASSIGNMENTS:
        nb = nbformat.read(COURSE / "source" / name / f"{name}.ipynb", as_version=4)
        meta = [c.metadata["nbgrader"] for c in nb.cells if "nbgrader" in c.metadata]
        tests = [m for m in meta if m["grade"] and not m["solution"]]
        written = [c for c in nb.cells if c.cell_type == "markdown"
                   and c.metadata.get("nbgrader", {}).get("grade")]
        assert len(tests) >= 3 and all(m["points"] > 0 for m in tests), name
        assert written, f"{name}: no manually graded written answer"
        src = "".join(c.source for c in nb.cells)
        assert "### BEGIN HIDDEN TESTS" in src and "rd." in src, name


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_instructor_solution_gets_every_automatic_point(course, name):
    got, best = automatic_points(course, name, "instructor")
    assert got == best > 0, f"{name}: instructor solution scored {got} of {best}"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_untouched_release_gets_zero(course, name):
    got, best = automatic_points(course, name, "blank")
    assert got == 0, f"{name}: the untouched release scored {got} of {best}"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_partly_wrong_submission_gets_the_expected_partial_points(course, name):
    got, best = automatic_points(course, name, "partial")
    expected, why = MISTAKES[name][2], MISTAKES[name][3]
    assert 0 < expected < best
    assert got == expected, f"{name}: expected {expected} of {best} ({why}), got {got}"


def _marked_blocks(source, begin, end):
    """Lines strictly between `begin` and `end` markers."""
    out, inside = [], False
    for line in source.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            out.append(line.strip())
    return out


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_holds_no_solution_and_no_hidden_test(course, name):
    source = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
    release = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
    released = "\n".join(c.source for c in release.cells)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in released, f"{name}: {marker!r} left in the release"
    secret = []
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code":
            secret += _marked_blocks(cell.source, "### BEGIN SOLUTION", "### END SOLUTION")
            secret += _marked_blocks(cell.source, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
        elif meta.get("solution"):                      # model answer of a written question
            secret += [s.strip() for s in re.split(r"(?<=[.;:])\s", cell.source)]
    public = "\n".join(re.sub(r"### BEGIN (SOLUTION|HIDDEN TESTS).*?### END \1", "", c.source,
                              flags=re.S) for c in source.cells
                       if not (c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("solution")))
    # lines short or also present in the public part (e.g. "return w") prove nothing
    secret = [s for s in secret if len(s) >= 20 and s not in public]
    assert len(secret) >= 10, f"{name}: too few secret lines to check"
    leaked = [s for s in secret if s in released]
    assert not leaked, f"{name}: solution or hidden-test text in the release: {leaked[:3]}"
