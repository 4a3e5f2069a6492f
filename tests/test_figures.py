"""Every stored figure of the book is legible at the width the book shows it.

The rule is rmtdyn.plots's: a PNG wider than the text column (``COLUMN_PX``) is shrunk
to it, and the smallest font of the book's style must still be ``MIN_TEXT_PX`` CSS px
tall.  The check reads each stored PNG's pixel width and resolution (its pHYs chunk,
written by matplotlib) from the executed notebooks, and the font sizes set in the
notebooks' code (none may be smaller than the style's smallest).
"""

import base64
import io
import json
import pathlib
import re

import pytest
from PIL import Image

from rmtdyn import plots

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("0*.ipynb")) + [ROOT / "chapters" / "explore.ipynb"]
IDS = [p.stem for p in NOTEBOOKS]

# font sizes given by name in code: matplotlib's scale relative to font.size
_NAMED = {"xx-small": 0.579, "x-small": 0.694, "small": 0.833, "smaller": 0.833,
          "medium": 1.0, "large": 1.2, "x-large": 1.44, "xx-large": 1.728, "larger": 1.2}
_SIZE = re.compile(r"""(?<![\w])(?:fontsize|labelsize|size|title_fontsize)\s*=\s*(?:"([a-z-]+)"|'([a-z-]+)'|([0-9.]+))""")


def _pngs(nb_path):
    nb = json.loads(nb_path.read_text())
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data:
                yield i, Image.open(io.BytesIO(base64.b64decode(data["image/png"])))


def test_rule_is_consistent():
    # the style's smallest font, at the style's resolution, in a figure as wide as the
    # column, is legible; a figure twice the allowed width is not
    assert plots.displayed_text_px(plots.COLUMN_PX) >= plots.MIN_TEXT_PX
    assert plots.displayed_text_px(plots.max_width_px()) >= plots.MIN_TEXT_PX
    assert plots.displayed_text_px(2 * plots.max_width_px()) < plots.MIN_TEXT_PX
    fig, axes = plots.figure(nrows=2, ncols=2)
    w = fig.get_size_inches()[0] * fig.dpi
    assert w <= plots.max_width_px()
    with pytest.raises(ValueError, match="ncols"):
        plots.figure(ncols=3)


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=IDS)
def test_stored_figures_legible(nb_path):
    bad = []
    for cell, im in _pngs(nb_path):
        dpi = im.info.get("dpi", (plots.STYLE["figure.dpi"],))[0]
        px = plots.displayed_text_px(im.size[0], dpi=dpi)
        if px < plots.MIN_TEXT_PX:
            bad.append(f"cell {cell}: {im.size[0]} px wide at {dpi:.0f} dpi -> smallest text "
                       f"{px:.1f} CSS px (< {plots.MIN_TEXT_PX}); at most "
                       f"{plots.max_width_px(dpi=dpi)} px wide: use rd.plots.figure()")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=IDS)
def test_no_font_below_style(nb_path):
    smallest = plots.min_font_pt()
    nb = json.loads(nb_path.read_text())
    bad = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        for m in _SIZE.finditer("".join(cell["source"])):
            name = m.group(1) or m.group(2)
            if name is not None and name not in _NAMED:
                continue
            pt = _NAMED[name] * plots.STYLE["font.size"] if name else float(m.group(3))
            if pt < smallest - 1e-9:
                bad.append(f"cell {i}: {m.group(0)!r} is {pt:.1f} pt < {smallest} pt")
    assert not bad, "\n".join(bad)
