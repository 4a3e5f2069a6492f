"""Every number the prose quotes comes from code (myst-nb ``glue``), or is a constant of the text.

A reader who changes a parameter and re-runs a chapter must not be left with prose that
quotes the old results.  So a number in a markdown cell (text, math, solutions) is
allowed only if it is

* pasted from the notebook's own outputs by a ``{glue:text}`` / ``{glue}`` role (removed
  before the scan),
* a small integer (0 to 12: counts, exponents, "Chapter 3", "1/2") or a power of ten
  (orders of magnitude), or
* an *input* of the chapter: a literal that also appears in the chapter's code (the
  parameters ``p, n = 256, 512``, ``alpha = 0.01``, a grid bound...).

Anything else (``0.177``, ``135``, ``3.4%``) is a result typed by hand: the test lists it
with its context.  Parametrised per notebook, so each chapter is checked on its own.
"""

import io
import json
import pathlib
import re
import tokenize

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("0*.ipynb")) + [ROOT / "chapters" / "explore.ipynb"]
IDS = [p.stem for p in NOTEBOOKS]

SMALL = 12

_STRIP = [
    re.compile(r"\{glue(?::\w+)?\}`[^`]*`"),            # pasted outputs
    re.compile(r"\{[\w:-]+\}`[^`]*`"),                  # roles: eq, numref, ref, doc, cite, prf:ref...
    re.compile(r"``[^`]*``|`[^`\n]*`"),                 # inline code
    re.compile(r"^\s*(```|~~~|:::).*$", re.M),          # directive fences and their arguments
    re.compile(r"^\s*:[\w-]+:.*$", re.M),               # directive options (:label:, :class:)
    re.compile(r"^\s*\([\w:-]+\)=\s*$", re.M),          # targets
    re.compile(r"\]\([^)]*\)"),                          # link targets
    re.compile(r"<!--.*?-->", re.S),                     # comments
    re.compile(r"https?://\S+"),                         # bare URLs
    re.compile(r"\\(?:label|ref|eqref|tag)\{[^}]*\}"),  # LaTeX labels
]
_THIN = re.compile(r"(?<=\d)(?:\\,|\\ |\\;|\{,\}|,)(?=\d{3}\b)")   # 10\,000, 10{,}000
_NUMBER = re.compile(r"(?<![\w.\\])\d+(?:\.\d+)?(?![\w])")


def _value(text):
    return float(text.replace("_", ""))


def code_literals(nb):
    """The numeric literals of a notebook's code cells (its inputs)."""
    values = set()
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        try:
            toks = list(tokenize.generate_tokens(io.StringIO(src).readline))
        except (tokenize.TokenError, IndentationError, SyntaxError):
            toks = []
        for tok in toks:
            if tok.type == tokenize.NUMBER and not tok.string.endswith(("j", "J")):
                try:
                    values.add(_value(tok.string))
                except ValueError:
                    pass
            elif tok.type == tokenize.STRING:          # numbers inside code strings
                values.update(_value(m) for m in _NUMBER.findall(tok.string))
    return values


def unglued_numbers(nb):
    """(cell index, number, context) for each number of the prose that needs a glue."""
    allowed = code_literals(nb)
    found = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        text = "".join(cell["source"])
        for pat in _STRIP:
            text = pat.sub(" ", text)
        text = _THIN.sub("", text)
        for m in _NUMBER.finditer(text):
            v = _value(m.group(0))
            if "." not in m.group(0) and (v <= SMALL or (v >= 1 and (str(int(v)).rstrip("0") == "1"))):
                continue
            if v in allowed:
                continue
            ctx = text[max(0, m.start() - 40):m.end() + 20].replace("\n", " ")
            found.append((i, m.group(0), ctx))
    return found


def test_scanner_catches_typed_results():
    nb = {"cells": [
        {"cell_type": "code", "source": ["p, n = 256, 512\n", "alpha = 0.01\n"]},
        {"cell_type": "markdown", "source": [
            "With $p = 256$, $\\alpha = 0.01$ and $10\\,000$ draws, chapter 3 finds\n",
            "an error {glue:text}`err:.3f` at t = {glue}`tstar`, against 0.181 by\n",
            "hand and a stopping time of about 135 ({eq}`thm-12`, `x = 0.5`)."]},
    ]}
    assert [n for _, n, _ in unglued_numbers(nb)] == ["0.181", "135"]


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=IDS)
def test_prose_numbers_are_glued(nb_path):
    nb = json.loads(nb_path.read_text())
    bad = unglued_numbers(nb)
    assert not bad, f"{len(bad)} number(s) typed by hand (glue them or derive them in code):\n" + \
        "\n".join(f"  cell {i}: {num!r} in ...{ctx}..." for i, num, ctx in bad)
