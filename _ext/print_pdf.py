"""Print the built HTML book to one PDF, ``_build/html/book.pdf``, with Chromium.

Usage (after ``make book``)::

    python _ext/print_pdf.py [--site _build/html] [--chromium PATH]

The script gathers the article of every page of the table of contents (``_toc.yml``,
in reading order) into one print page, ``<site>/chapters/print.html``, next to the
chapters so that every relative link, image and script path stays valid. The page keeps
the book's style sheets and its local MathJax; the theme's navigation, search and
launch buttons are left out, and the collapsed solutions are shown open (the toggle
script that folds them is not loaded). Chromium, driven by Playwright, opens the page
from a local HTTP server, waits until MathJax has typeset every formula, and prints it
(A4, with the chapter titles as the PDF outline).

The print fails, and writes no PDF, when a page of the table of contents is missing or
has no article, when MathJax reports an error or leaves a formula untypeset, or when no
Chromium is found (it then names the command that installs one).

``tests/browser/test_layout.py`` checks the result: every chapter in the PDF's outline
and in the print page, every formula of the print page rendered.
"""

import argparse
import functools
import html
import http.server
import re
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # _ext/chromium.py
from chromium import CHROMIUM_ARGS, require_chromium  # noqa: E402

PRINT_PAGE = "chapters/print.html"
PDF_NAME = "book.pdf"
# A print style: one chapter per sheet, no permalink signs, code wrapped rather than cut.
PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
html, body { background: white; }
body { margin: 0; }
.print-book { max-width: none; padding: 0; }
.print-chapter { break-before: page; }
.print-chapter:first-child { break-before: auto; }
a.headerlink { display: none !important; }
div.highlight pre, .output pre, .cell_output pre { white-space: pre-wrap; word-break: break-word; }
img { max-width: 100%; height: auto; }
.bd-article { overflow: visible; }
"""


def toc_pages(toc_file):
    """The documents of ``_toc.yml`` in reading order (root first), without suffix."""
    import yaml

    toc = yaml.safe_load(Path(toc_file).read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [re.sub(r"\.(md|ipynb)$", "", p) for p in pages]


_ARTICLE = re.compile(r'<article class="bd-article"[^>]*>(.*)</article>', re.S)
_STYLESHEET = re.compile(r'<link rel="stylesheet"[^>]*>')
_MATHJAX = re.compile(r"<script>window\.MathJax = .*?</script>\s*<script[^>]*mathjax[^>]*></script>", re.S)
_TITLE = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)


def page_title(article_html):
    """Text of the first ``<h1>`` of a page's article."""
    m = _TITLE.search(article_html)
    if not m:
        raise ValueError("article has no <h1> title")
    return html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).replace("#", "").strip()


def build_print_page(site, pages):
    """Write the print page; return the list of (document, title) it holds."""
    site = Path(site)
    head, bodies, titles = None, [], []
    for doc in pages:
        path = site / f"{doc}.html"
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: build the book first (make book)")
        text = path.read_text(encoding="utf-8")
        m = _ARTICLE.search(text)
        if not m:
            raise ValueError(f"{path}: no <article class=\"bd-article\"> in the page")
        if Path(doc).parent != Path(PRINT_PAGE).parent:
            raise ValueError(f"{doc}: every page must sit in {Path(PRINT_PAGE).parent}/ "
                             "so that its relative paths hold in the print page")
        if head is None:
            mathjax = _MATHJAX.search(text)
            if not mathjax:
                raise ValueError(f"{path}: the MathJax configuration and script were not found")
            head = "\n".join(_STYLESHEET.findall(text)) + "\n" + mathjax.group(0)
        titles.append((doc, page_title(m.group(1))))
        bodies.append(f'<section class="print-chapter" data-doc="{doc}">\n{m.group(1)}\n</section>')
    book_title = "The Dynamics of Learning: A Random Matrix Approach"
    page = (f'<!DOCTYPE html>\n<html lang="en" data-mode="light" data-theme="light">\n<head>\n'
            f'<meta charset="utf-8" />\n<title>{book_title}</title>\n{head}\n'
            f"<style>{PRINT_CSS}</style>\n</head>\n<body>\n"
            f'<div class="bd-article-container print-book"><article class="bd-article">\n'
            + "\n".join(bodies) + "\n</article></div>\n</body>\n</html>\n")
    (site / PRINT_PAGE).write_text(page, encoding="utf-8")
    return titles


def find_browser(explicit=None):
    """Path of the Chromium/Chrome to print with: ``explicit``, else the one the browser tests
    use (:func:`chromium.require_chromium`); fails with the command that installs one."""
    if explicit:
        if not Path(explicit).is_file():
            raise FileNotFoundError(f"--chromium {explicit}: no such file")
        return str(explicit)
    try:
        return str(require_chromium())
    except LookupError as error:
        raise SystemExit(str(error)) from None


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


# MathJax's state after typesetting: formulas left as TeX, errors, rendered containers.
MATH_STATE_JS = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  const raw = [...document.querySelectorAll('.math')].filter(
      e => !e.querySelector('mjx-container') && /\\\\[\\(\\[]/.test(e.textContent)).length;
  return {containers: document.querySelectorAll('mjx-container').length,
          errors: document.querySelectorAll('mjx-merror').length,
          math: document.querySelectorAll('.math').length, raw: raw};
}"""


def print_pdf(site, chromium=None, out=None, timeout_s=600):
    """Print the print page of ``site`` to ``out`` (default ``<site>/book.pdf``)."""
    from playwright.sync_api import sync_playwright

    site = Path(site).resolve()
    out = Path(out) if out else site / PDF_NAME
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{PRINT_PAGE}"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 800, "height": 1100})
            page.set_default_timeout(timeout_s * 1000)
            page.goto(url, wait_until="load")
            state = page.evaluate(MATH_STATE_JS)
            if state["errors"] or state["raw"] or state["containers"] < state["math"]:
                raise RuntimeError(f"MathJax did not render every formula of the print page: {state}")
            page.emulate_media(media="print")
            tmp = out.with_suffix(".pdf.part")
            page.pdf(path=str(tmp), format="A4", print_background=True, outline=True,
                     tagged=True, prefer_css_page_size=True,
                     display_header_footer=True, header_template="<span></span>",
                     footer_template='<div style="font-size:8px;width:100%;text-align:center">'
                                     '<span class="pageNumber"></span></div>')
            browser.close()
        tmp.replace(out)
    finally:
        server.shutdown()
        server.server_close()
    return out, state


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", default=str(ROOT / "_build" / "html"),
                        help="the built book (default: _build/html)")
    parser.add_argument("--toc", default=str(ROOT / "_toc.yml"), help="the table of contents")
    parser.add_argument("--chromium", default=None, help="Chromium/Chrome executable")
    args = parser.parse_args(argv)
    titles = build_print_page(args.site, toc_pages(args.toc))
    chromium = find_browser(args.chromium)
    out, state = print_pdf(args.site, chromium)
    print(f"{out}: {len(titles)} pages of the book, {state['containers']} formulas "
          f"rendered ({out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
