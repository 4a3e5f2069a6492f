"""The student edition has every exercise and no solution (issue 8).

Run after the two builds: ``make book`` (or ``make book-strict``) writes the book to
``_build/html`` and ``make book-student`` the student edition to ``_build/student``
(``make student`` does the latter and then runs this file).

For every chapter, the text of every solution is collected from the notebook (the
markdown and code cells between ``{solution-start}`` and ``{solution-end}``) and reduced
to probes that survive rendering: runs of at least six plain words of the prose, and the
longer lines of the code. Each probe must appear in the chapter's page of the book (so
the probes are real) and in no page of the student edition, while the statements of the
exercises must appear in both.
"""
import html
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
MAIN = ROOT / "_build" / "html"
STUDENT = ROOT / "_build" / "student"
CHAPTERS = sorted((ROOT / "chapters").glob("0*.ipynb"))


def page_text(path):
    """Visible text of an HTML page, whitespace collapsed."""
    s = path.read_text(encoding="utf8")
    s = re.sub(r"<(script|style)\b.*?</\1>", " ", s, flags=re.S)
    s = re.sub(r"<[^>]+>", "", s)
    return " ".join(html.unescape(s).split())


def _plain_runs(markdown, min_words=6):
    """Runs of >= min_words words separated by single spaces, outside math and markup."""
    s = re.sub(r"^(```|:).*$", " | ", markdown, flags=re.M)         # directive fences, options
    s = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " | ", s, flags=re.S)      # math
    s = re.sub(r"\{[^}]*\}`[^`]*`|`[^`]*`", " | ", s)               # roles, inline code
    s = " ".join(s.split())
    runs = re.findall(r"[A-Za-z]+(?: [A-Za-z]+)+", s)
    return [r for r in runs if len(r.split()) >= min_words]


def split_notebook(path):
    """(solution prose, solution code, exercise prose, other text) of one chapter.

    Read line by line across cells, so that an exercise, its solution and the text
    around them may share a markdown cell or stand in cells of their own.
    """
    nb = nbformat.read(path, as_version=4)
    sol_md, sol_code, ex_md, other = [], [], [], []
    inside = False          # between {solution-start} and {solution-end}
    exercise_fence = None   # the fence that closes the {exercise} block being read
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            tags = cell.metadata.get("tags", [])
            if "remove-cell" in tags or "remove-input" in tags:
                continue    # on no page of either edition (e.g. a solution's hidden glue cell)
            (sol_code if inside else other).append(cell.source)
            continue
        for line in cell.source.splitlines():
            stripped = line.strip()
            if exercise_fence is not None:
                if stripped == exercise_fence:
                    exercise_fence = None
                else:
                    ex_md.append(line)
                continue
            if "{solution-start}" in stripped:
                inside = True
            elif "{solution-end}" in stripped:
                inside = False
            elif stripped.lstrip("`").startswith("{exercise}") and not inside:
                exercise_fence = stripped[:len(stripped) - len(stripped.lstrip("`"))]
            elif inside:
                sol_md.append(line)
            else:
                other.append(line)
    # one entry per block of consecutive lines is not needed: the probes are runs of words
    return ["\n".join(sol_md)], sol_code, ["\n".join(ex_md)], other


def probes(path):
    sol_md, sol_code, ex_md, other = split_notebook(path)
    public = " ".join(" ".join(other + ex_md).split())
    prose = [r for src in sol_md for r in _plain_runs(src) if r not in public]
    code = [" ".join(line.split()) for src in sol_code for line in src.splitlines()
            if len(line.strip()) >= 25]
    code = [line for line in code if line not in public]
    exercises = [r for src in ex_md for r in _plain_runs(src)]
    return prose, code, exercises


@pytest.fixture(scope="module")
def builds():
    missing = [str(p.relative_to(ROOT)) for p in (MAIN, STUDENT) if not (p / "index.html").exists()]
    if missing:
        pytest.fail(f"missing build(s): {', '.join(missing)}; run `make book` (or `make "
                    "book-strict`) and `make book-student` first (`make student` builds the "
                    "student edition and runs this test)")
    return MAIN, STUDENT


def test_every_chapter_has_exercises_and_solutions():
    assert CHAPTERS
    for path in CHAPTERS:
        prose, code, exercises = probes(path)
        assert exercises, f"{path.name}: no exercise"
        assert len(prose) >= 4, f"{path.name}: too few solution probes ({len(prose)})"


def test_student_edition_has_the_same_pages(builds):
    main, student = builds
    # chapters/print.html is the print page of book.pdf (_ext/print_pdf.py), not a page of the book
    pages = sorted(p.relative_to(main) for p in main.rglob("*.html")
                   if p.relative_to(main).as_posix() != "chapters/print.html")
    assert pages
    missing = [str(p) for p in pages if not (student / p).exists()]
    assert not missing, f"pages missing from the student edition: {missing}"


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_solutions_only_in_the_book(builds, path):
    main, student = builds
    page = Path("chapters") / f"{path.stem}.html"
    book, edition = page_text(main / page), page_text(student / page)
    prose, code, exercises = probes(path)

    # the probes are real: the book shows every solution
    absent = [s for s in prose + code if s not in book]
    assert not absent, f"{path.name}: solution text not found in the book: {absent[:3]}"

    # the student edition shows every exercise and no solution
    lost = [s for s in exercises if s not in edition]
    assert not lost, f"{path.name}: exercise text missing from the student edition: {lost[:3]}"
    leaked = [s for s in prose + code if s in edition]
    assert not leaked, f"{path.name}: solution text in the student edition: {leaked[:3]}"
    raw = (student / page).read_text(encoding="utf8")
    assert 'class="solution' not in raw and "solution-content" not in raw


def test_no_solution_anywhere_in_the_student_edition(builds):
    _, student = builds
    everything = " ".join(page_text(p) for p in student.rglob("*.html"))
    # a line of one chapter's solution may also be public text of another chapter
    public = " ".join(" ".join(" ".join(parts[2] + parts[3]).split())
                      for parts in map(split_notebook, CHAPTERS))
    for path in CHAPTERS:
        prose, code, _ = probes(path)
        leaked = [s for s in prose + code if s in everything and s not in public]
        assert not leaked, f"{path.name}: solution text in the student edition: {leaked[:3]}"
