"""The layout of every page of the built book, at a desktop (1280 px) and a phone (390 px)
width, and the PDF of the whole book.

At 1280 px:

* every display equation fits the text column (no scroll bar, nothing hidden under the
  equation number);
* no code block scrolls sideways (code lines are at most 79 characters, printed tables
  fit), folded code included;
* every figure is shown large enough for its text to be legible: its smallest font, drawn
  at the figure's resolution and scaled to the displayed width, is at least
  ``rmtdyn.plots.MIN_TEXT_PX`` CSS pixels tall (the rule of the library's plot style).

At 390 px no display equation is clipped: one that is wider than the screen scrolls inside
its own box, and the page itself never scrolls sideways.

At both widths, in the numbered chapters, figures, equations, statements (theorems,
propositions, lemmas...) and exercises are numbered by chapter (Fig. 6.2, (6.12),
Theorem 6.1, Exercise 6.3), one chapter number per page; every animation is a numbered
figure with a caption.

The PDF (``_build/html/book.pdf``, written by ``python _ext/print_pdf.py``) holds every
page of the table of contents in its outline, and every formula of the page it was printed
from is typeset by MathJax.

Each failure lists the page, the width and the offending elements.
"""

import re
import zlib
from pathlib import Path

import pytest
from print_pdf import toc_pages  # _ext/ (on the path: conftest.py)

ROOT = Path(__file__).resolve().parents[2]
WIDTHS = (1280, 390)
HEIGHTS = {1280: 900, 390: 844}

# Every measurement of one page, in one pass (after MathJax, with every <details> open).
MEASURE_JS = r"""async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const art = document.querySelector('article.bd-article') || document.body;
  const label = (e) => (e.id || (e.closest('[id]') || {}).id || '') + ': ' +
      e.textContent.replace(/\s+/g, ' ').trim().slice(0, 70);
  const scrollable = (e) => {
    for (let a = e; a && a !== art; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'auto' || o === 'scroll') return true;
    }
    return false;
  };
  const shown = (e) => e.getClientRects().length > 0 && e.clientWidth > 0;
  const out = {wideMath: [], clippedMath: [], wideCode: [], images: [], numbers: [],
               animations: [], pageScroll: 0, mathCount: 0};
  // display equations: the box of the formula and the column it sits in
  for (const m of art.querySelectorAll('div.math')) {
    if (!shown(m)) continue;
    out.mathCount += 1;
    const c = m.querySelector('mjx-container') || m;
    const inner = c.querySelector('mjx-math') || c;
    const formula = inner.getBoundingClientRect().width;
    const eqno = m.querySelector('.eqno');
    const need = Math.max(m.scrollWidth, c.scrollWidth);
    if (need > m.clientWidth + 1 || formula > m.clientWidth + 1) {
      out.wideMath.push(label(m) + ` (${Math.round(Math.max(need, formula))} px in ${m.clientWidth} px)`);
      if (!scrollable(inner)) out.clippedMath.push(label(m));
    } else if (eqno) {
      const r1 = inner.getBoundingClientRect(), r2 = eqno.getBoundingClientRect();
      const overlap = r1.right > r2.left + 1 && r1.left < r2.right && r1.bottom > r2.top && r1.top < r2.bottom;
      if (overlap && eqno.textContent.trim()) {
        out.wideMath.push(label(m) + ' (formula under its equation number)');
      }
    }
  }
  // code and printed outputs
  for (const p of art.querySelectorAll('div.highlight pre, .cell_output pre, .output pre')) {
    if (!shown(p)) continue;
    if (p.scrollWidth > p.clientWidth + 1) {
      const line = p.textContent.split('\n').reduce((a, b) => b.length > a.length ? b : a, '');
      out.wideCode.push(`${(p.closest('[id]') || {}).id || ''}: ${p.scrollWidth} px in ` +
                        `${p.clientWidth} px: ${line.trim().slice(0, 60)}`);
    }
  }
  // images of cell outputs and glued figures (PNG): natural and displayed widths
  for (const img of art.querySelectorAll('.cell_output img, figure img, .output img')) {
    if (!shown(img) || !img.naturalWidth) continue;
    out.images.push({src: (img.getAttribute('src') || '').slice(0, 60),
                     natural: img.naturalWidth, shown: img.getBoundingClientRect().width});
  }
  // numbers of figures, equations, statements and exercises
  for (const e of art.querySelectorAll('figure .caption-number, span.eqno, ' +
       'div.proof > p.admonition-title, div.exercise > p.admonition-title, ' +
       'div.theorem > p.admonition-title, div.lemma > p.admonition-title, ' +
       'div.proposition > p.admonition-title, div.corollary > p.admonition-title, ' +
       'div.definition > p.admonition-title')) {
    const t = e.textContent.replace(/\s+/g, ' ').trim();
    if (/^Proof\b/.test(t)) continue;
    out.numbers.push(t.slice(0, 40));
  }
  // animations: matplotlib's JavaScript players
  for (const a of art.querySelectorAll('.animation')) {
    const fig = a.closest('figure');
    const num = fig && fig.querySelector('figcaption .caption-number');
    const cap = fig && fig.querySelector('figcaption');
    out.animations.push({id: (a.closest('[id]') || {}).id || '',
                         numbered: !!num, caption: cap ? cap.textContent.trim().length : 0});
  }
  out.pageScroll = document.documentElement.scrollWidth - window.innerWidth;
  out.overflowing = [];
  if (out.pageScroll > 1) {
    for (const e of document.querySelectorAll('body *')) {
      const r = e.getBoundingClientRect();
      if (r.right > window.innerWidth + 1 && r.width > 0 && !scrollable(e)) {
        out.overflowing.push(e.tagName + '.' + (e.className || '').toString().slice(0, 40) +
                             ' ' + label(e).slice(0, 50));
        if (out.overflowing.length > 5) break;
      }
    }
  }
  return out;
}"""


DOCS = toc_pages(ROOT / "_toc.yml")  # the pages of the book, root first (as the PDF has them)
# the numbered chapters: their figures, equations, statements and exercises carry the
# chapter's number
NUMBERED = [d for d in DOCS if re.match(r"chapters/0\d_", d)]


@pytest.fixture(scope="module")
def layout(browser_context, base_url, site_dir):
    """{(document, width): measurements}, each page loaded once per width."""
    results = {}
    page = browser_context.new_page()
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHTS[width]})
            for doc in DOCS:
                if not (site_dir / f"{doc}.html").is_file():
                    pytest.fail(f"{doc}.html is missing from the built book")
                page.goto(base_url + f"{doc}.html", wait_until="load")
                results[doc, width] = page.evaluate(MEASURE_JS)
    finally:
        page.close()
    return results


def _report(bad):
    return "\n".join(f"  {doc} at {w} px: " + "; ".join(items) for (doc, w), items in bad.items())


def test_pages_measured(layout):
    # the measurement sees the book's formulas (a broken selector would pass everything)
    assert sum(layout[d, 1280]["mathCount"] for d in DOCS) > 100
    assert sum(len(layout[d, 1280]["images"]) for d in DOCS) > 20


def test_display_equations_fit_the_column_at_1280(layout):
    bad = {(d, 1280): layout[d, 1280]["wideMath"] for d in DOCS if layout[d, 1280]["wideMath"]}
    assert not bad, "display equations wider than the column:\n" + _report(bad)


def test_no_equation_clipped_on_a_phone(layout):
    bad = {(d, 390): layout[d, 390]["clippedMath"] for d in DOCS if layout[d, 390]["clippedMath"]}
    assert not bad, "display equations cut off at 390 px (no scroll box):\n" + _report(bad)
    wide = {d: (layout[d, 390]["pageScroll"], layout[d, 390]["overflowing"])
            for d in DOCS if layout[d, 390]["pageScroll"] > 1}
    assert not wide, f"pages that scroll sideways at 390 px (excess in px, elements): {wide}"


def test_code_does_not_scroll_sideways_at_1280(layout):
    bad = {(d, 1280): layout[d, 1280]["wideCode"] for d in DOCS if layout[d, 1280]["wideCode"]}
    assert not bad, "code or printed output wider than the column:\n" + _report(bad)


def test_figure_text_legible_at_1280(layout):
    from rmtdyn import plots

    if not hasattr(plots, "MIN_TEXT_PX"):
        pytest.fail("rmtdyn.plots states no legibility rule (MIN_TEXT_PX, displayed_text_px)")
    bad = {}
    for d in DOCS:
        for im in layout[d, 1280]["images"]:
            px = plots.displayed_text_px(im["natural"], column_px=im["shown"])
            if px < plots.MIN_TEXT_PX:
                bad.setdefault((d, 1280), []).append(
                    f"{im['src']} ({im['natural']} px shown at {im['shown']:.0f} px: "
                    f"text {px:.1f} px)")
    assert not bad, f"figures whose text is below {plots.MIN_TEXT_PX} px as shown:\n" + _report(bad)


_NUMBER = re.compile(r"(?:Fig\.|Figure|Table|Theorem|Lemma|Proposition|Corollary|Definition|"
                     r"Exercise|Algorithm)?\s*\(?(\d+(?:\.\d+)*)\)?")


@pytest.mark.parametrize("width", WIDTHS)
def test_numbering_by_chapter(layout, width):
    bad, chapters = {}, {}
    for d in NUMBERED:
        numbers = layout[d, width]["numbers"]
        heads = set()
        for text in numbers:
            m = _NUMBER.match(text)
            if not m or "." not in m.group(1):
                bad.setdefault((d, width), []).append(f"{text!r} is not numbered by chapter")
            else:
                heads.add(m.group(1).split(".")[0])
        if len(heads) > 1:
            bad.setdefault((d, width), []).append(f"several chapter numbers {sorted(heads)}")
        chapters[d] = heads
    assert not bad, "labels not numbered by chapter:\n" + _report(bad)
    assert sum(len(layout[d, width]["numbers"]) for d in NUMBERED) > 50


def test_animations_are_numbered_figures(layout):
    bad = {}
    for d in DOCS:
        for a in layout[d, 1280]["animations"]:
            if not (a["numbered"] and a["caption"] > 20):
                bad.setdefault((d, 1280), []).append(f"animation in #{a['id']} has no numbered caption")
    assert not bad, "animations without a figure number and caption:\n" + _report(bad)


# ---- the PDF ---------------------------------------------------------------------------

def _pdf_strings(data):
    """Every /Title string of a PDF (outline entries), decoded; streams inflated first."""
    chunks = [data]
    for m in re.finditer(rb"stream\r?\n", data):
        try:
            chunks.append(zlib.decompressobj().decompress(data[m.end():m.end() + 4_000_000]))
        except zlib.error:
            pass
    titles = []
    for chunk in chunks:
        for m in re.finditer(rb"/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)", chunk):
            raw = m.group(1)
            if raw.startswith(b"<"):
                b = bytes.fromhex(re.sub(rb"\s", b"", raw[1:-1]).decode())
                text = b[2:].decode("utf-16-be") if b[:2] == b"\xfe\xff" else b.decode("latin-1")
            else:
                body = re.sub(rb"\\([()\\])", rb"\1", raw[1:-1])
                text = body[2:].decode("utf-16-be", "replace") if body[:2] == b"\xfe\xff" \
                    else body.decode("latin-1")
            titles.append(text)
    return titles


def _norm(text):
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip().lower()


@pytest.fixture(scope="module")
def pdf(site_dir):
    path = site_dir / "book.pdf"
    if not path.is_file():
        pytest.fail(f"{path} is missing: print it with `python _ext/print_pdf.py` (after make book)")
    return path


def test_pdf_holds_every_chapter(pdf, site_dir):
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    assert pages >= 2 * len(DOCS), f"{pages} PDF pages for {len(DOCS)} chapters"
    outline = {_norm(t) for t in _pdf_strings(data)}
    missing = []
    for doc in DOCS:
        text = (site_dir / f"{doc}.html").read_text(encoding="utf-8")
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)
        title = _norm(re.sub(r"<[^>]+>|#", "", h1.group(1))) if h1 else doc
        import html as _html
        title = _norm(_html.unescape(title))
        if not any(title in t or t in title and len(t) > 8 for t in outline):
            missing.append(f"{doc} ({title!r})")
    assert not missing, f"chapters missing from the PDF's outline: {missing}; outline: {sorted(outline)[:40]}"


def test_pdf_source_has_every_formula_rendered(pdf, site_dir, browser_context, base_url):
    source = site_dir / "chapters" / "print.html"
    assert source.is_file(), "the print page chapters/print.html is missing (python _ext/print_pdf.py)"
    assert pdf.stat().st_mtime >= source.stat().st_mtime, "book.pdf is older than its print page"
    html_text = source.read_text(encoding="utf-8")
    sections = re.findall(r'<section class="print-chapter" data-doc="([^"]+)"', html_text)
    assert sections == DOCS, f"the print page holds {sections}, the table of contents {DOCS}"
    page = browser_context.new_page()
    try:
        page.set_default_timeout(600_000)
        page.goto(base_url + "chapters/print.html", wait_until="load")
        state = page.evaluate(r"""async () => {
          await MathJax.startup.promise;
          const per = {};
          for (const s of document.querySelectorAll('section.print-chapter')) {
            const math = s.querySelectorAll('.math').length;
            const done = s.querySelectorAll('.math mjx-container').length;
            per[s.dataset.doc] = [math, done, s.querySelectorAll('mjx-merror').length];
          }
          return per;
        }""")
    finally:
        page.close()
    bad = {d: v for d, v in state.items() if v[1] < v[0] or v[2]}
    assert not bad, f"formulas not typeset in the print page ([math, rendered, errors]): {bad}"
    assert sum(v[0] for v in state.values()) > 500
