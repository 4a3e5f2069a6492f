"""Student edition of the book: the exercises without their solutions.

sphinx-exercise has a ``hide_solutions`` option, but it only drops the one-block
``{solution}`` directive. The book writes its solutions in the gated form
``{solution-start}`` ... ``{solution-end}`` (so that a solution can hold code cells), and
with ``hide_solutions = True`` sphinx-exercise drops the opening directive alone: the
content of the solution stays in the page, followed by an end marker that the HTML
writer cannot render. This extension completes the option. When ``hide_solutions`` is
true, every gated solution is removed together with everything up to its
``{solution-end}``; otherwise the extension does nothing.

The book's ``_config.yml`` loads it (``sphinx.local_extensions``) with
``hide_solutions: false``. ``make book-student`` writes a copy of ``_config.yml`` with
``hide_solutions: true`` (and the notebooks' stored outputs, not executed) and builds the
book with that copy, so the main configuration stays the single source of truth::

    python _ext/book_config.py _config.yml _build/student-config.yml --student --stored-outputs

(``python _ext/student_edition.py SOURCE TARGET`` still writes the same file.)
"""
from __future__ import annotations

import sys
from pathlib import Path

from docutils import nodes

__all__ = ["setup", "student_config"]


class hidden_solution_start(nodes.Element):
    """Placeholder left by a gated solution in the student edition (removed again)."""


def _solution_start_directive():
    from sphinx_exercise.directive import SolutionStartDirective

    class StudentSolutionStart(SolutionStartDirective):
        def run(self):
            result = super().run()  # keeps sphinx-exercise's bookkeeping of gated blocks
            if self.env.app.config.hide_solutions:
                return [hidden_solution_start()]
            return result

    return StudentSolutionStart


def _remove_gated_solutions(app, doctree):
    """Delete each placeholder and the nodes that follow it up to its end marker."""
    if not app.config.hide_solutions:
        return
    from sphinx_exercise.nodes import solution_end_node

    for start in list(doctree.findall(hidden_solution_start)):
        parent = start.parent
        i = parent.index(start)
        j = i
        while j < len(parent.children) and not isinstance(parent.children[j], solution_end_node):
            j += 1
        if j == len(parent.children):
            raise RuntimeError(f"{app.env.docname}: a solution-start has no solution-end "
                               "at the same level")
        del parent.children[i:j + 1]


def setup(app):
    app.setup_extension("sphinx_exercise")
    app.add_node(hidden_solution_start)
    app.add_directive("solution-start", _solution_start_directive(), override=True)
    app.connect("doctree-read", _remove_gated_solutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def student_config(source: Path, target: Path) -> None:
    """Write a copy of the book configuration `source` that hides the solutions (stored outputs)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from book_config import write_variant

    write_variant(source, target, student=True, stored_outputs=True)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python _ext/student_edition.py SOURCE_CONFIG TARGET_CONFIG")
    student_config(Path(sys.argv[1]), Path(sys.argv[2]))
