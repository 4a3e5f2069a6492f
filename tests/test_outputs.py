"""Stored outputs that do not depend on the machine.

Every chapter notebook (``chapters/*.ipynb``) and every assignment source notebook
(``assignments/source/*/*.ipynb``) stores its outputs; nbval and the book show them. A
printed number must be rounded far above floating-point noise, or another BLAS kernel,
thread count or CPU prints something else (measured: ``OPENBLAS_CORETYPE=Prescott`` turns
``0.135+0.000j`` into ``0.135-0.000j``). This test scans every stored text output (streams,
``text/plain``, ``text/markdown``, ``text/latex``, ``text/html`` without its scripts, error
tracebacks) and fails on each print at the noise level:

* a signed rounded zero: ``-0``, ``-0.0``, ``-0.000``, ``-0.00e+00``, ``+0.000`` (the sign of
  a number that rounds to zero is noise);
* a complex repr of a real quantity: a zero imaginary part, ``0.135+0.000j``, ``(0.1-0j)``,
  ``0.5618 +0.0000i`` (its sign is noise; print the real part);
* a float with more than ``MAX_SIGNIFICANT`` significant digits, e.g. ``0.30000000000000004``
  (digits beyond what the computation supports);
* a timing (``Wall time``, ``CPU times``, ``1.2 s``, ``35 ms``, progress-bar rates);
* a repr with a memory address (``<... at 0x7f...>``), which changes at every run;
* a stored error output (the book builds with ``allow_errors: false``).

Nothing is exempted. Each failure names the notebook, the cell (its index among all cells
and nbval's ``Cell N``, the index among code cells), the output and the offending text
with its line.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(ROOT.glob("chapters/*.ipynb")) + sorted(ROOT.glob("assignments/source/*/*.ipynb"))

# The checks of the book print at most 9 significant digits (e.g. 141.711610, a relative
# agreement of 1e-9 between three methods); a double carries about 16, and its last ones
# differ between BLAS kernels.
MAX_SIGNIFICANT = 9

_NUM = r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_ZERO = r"0(?:\.0*)?(?:[eE][+-]?\d+)?"
RULES = [
    ("signed rounded zero",
     re.compile(r"(?<![\w.])[-+]" + _ZERO + r"(?![\d.ij])")),
    ("complex repr of a real quantity (zero imaginary part)",
     re.compile(r"(?:(?<=[\w.)])|(?<=[\w.)] ))[+-] ?" + _ZERO + r" ?[ij](?![\w.])")),
    ("complex repr of a real quantity (zero imaginary part)",
     re.compile(r"(?<![\w.+-])" + _ZERO + r"[ij](?![\w.])")),
    ("timing",
     re.compile(r"(?i:wall time|cpu times?|elapsed|took \d)"
                r"|(?<![\w.])\d+(?:\.\d+)? ?(?:ms|µs|us|ns|s|sec|secs|seconds|min|minutes)(?![\w/])"
                r"|\d(?:it/s|s/it)\b")),
    ("repr with a memory address",
     re.compile(r"\bat 0x[0-9a-fA-F]{6,}")),
]
_FLOAT = re.compile(r"(?<![\w.])(\d*\.\d+|\d+\.\d*)(?:[eE][+-]?\d+)?(?![\w.])")


def significant_digits(number):
    """Significant digits of a float literal's mantissa, ``'0.0300'`` -> 3, ``'141.711610'`` -> 9."""
    mantissa = re.split("[eE]", number)[0].replace(".", "").lstrip("0")
    return len(mantissa)


def noise(text):
    """Every print at the noise level in ``text``: a list of (rule, matched text, line)."""
    found = []
    for line in text.splitlines():
        for rule, pattern in RULES:
            found += [(rule, m.group(0), line.strip()) for m in pattern.finditer(line)]
        for m in _FLOAT.finditer(line):
            if significant_digits(m.group(0)) > MAX_SIGNIFICANT:
                found.append((f"float with more than {MAX_SIGNIFICANT} significant digits",
                              m.group(0), line.strip()))
    return found


_SCRIPT = re.compile(r"<script\b.*?</script>", re.S | re.I)
_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")


def output_texts(output):
    """(label, text) of every textual part of one stored output."""
    kind = output["output_type"]
    if kind == "stream":
        yield f"stream {output['name']}", "".join(output["text"])
    elif kind == "error":
        yield "error output", "\n".join([f"{output['ename']}: {output['evalue']}", *output["traceback"]])
    else:
        for mime, value in output.get("data", {}).items():
            if not (mime.startswith("text/") or mime.startswith("application/papermill.record/text/")):
                continue                      # images (binary) and widget/JSON models; glued
                                              # values (myst-nb glue) are text, quoted in the prose
            text = "".join(value) if isinstance(value, list) else str(value)
            if mime.endswith("text/html"):
                text = _DATA_URI.sub("", _SCRIPT.sub("", text))
            yield mime, text


def scan(path):
    """Every print at the noise level stored in the notebook ``path``, one message each."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    messages, code_index = [], -1
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        code_index += 1
        for output in cell.get("outputs", []):
            if output["output_type"] == "error":
                messages.append(f"cell {index} (nbval Cell {code_index}): a stored error output "
                                f"({output['ename']})")
            for label, text in output_texts(output):
                for rule, match, line in noise(text):
                    messages.append(f"cell {index} (nbval Cell {code_index}), {label}: {rule}: "
                                    f"{match!r} in line {line!r}")
    return messages


def test_notebooks_found():
    assert len([p for p in NOTEBOOKS if p.parent.name == "chapters"]) >= 10
    assert len([p for p in NOTEBOOKS if "assignments" in p.parts]) >= 5


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in NOTEBOOKS])
def test_no_output_at_noise_level(path):
    messages = scan(path)
    assert not messages, (f"{path.relative_to(ROOT)}: {len(messages)} stored output(s) at the noise "
                          "level (round them far above floating-point noise):\n  " + "\n  ".join(messages))


# The detector itself: what it must catch and what it must leave alone.
@pytest.mark.parametrize("text", [
    "-0.0", "x = -0.000", "-0.00e+00", "-0", "value -0.0000 here", "(-0.0, 1.0)", "mean +0.000", "-0.00%",
    "0.135+0.000j", "0.135-0.000j", "(0.1-0j)", "(-1+0j)", "0.5618 +0.0000i", "0j", "1.2-0.00e+00j",
    "0.30000000000000004", "np.float64(0.1234567891)", "1.2345678901e-05",
    "Wall time: 1.2 s", "CPU times: user 3 ms", "took 3.2 s", "elapsed 12 ms", "35 ms", "10.5it/s",
    "<threadpoolctl.threadpool_limits at 0x7f73cd366850>",
])
def test_detector_catches(text):
    assert noise(text), text


@pytest.mark.parametrize("text", [
    "0.135", "-0.05", "-0.5", "0.0", "0.000", "1e-10", "< 1e-10", "0.378-0.152j", "(1+1j)", "(1.5+0.1j)",
    "-0.194+0.103j", "+0.754", "1.5e+00", "t = 100", "3 SE", "(1.0 SE)", "141.711610", "2e+06", "10%-90% range [85, 106]",
    "c = 0.5, sigma2 = 0.1", "k = 1 steps", "0.0297 (sigma2 = 0, t* = 0)", "37,974", "-1.4", "1e-0",
    "<Figure size 640x400 with 1 Axes>", "3 runs", "t = 1e4: 0.141", "ES/ridge up to 3e+04",
])
def test_detector_leaves_alone(text):
    assert not noise(text), noise(text)


def test_detector_skips_scripts_and_images():
    html = {"output_type": "display_data", "data": {
        "text/html": ['<script>var x = -0.0; var t = "3.2 s";</script><img src="data:image/png;base64,AAAA">'],
        "image/png": "-0.0"}}
    assert [noise(text) for _, text in output_texts(html)] == [[]]
