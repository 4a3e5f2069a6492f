"""The built book as a reader meets it, in a real browser (Chromium via Playwright).

Every page of ``_build/html`` is visited once (fixture ``site``, see crawl.py); each test
checks one property over all pages and lists every offending page in its message.
"""

import re
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

from crawl import page_key

RAW_TEX = re.compile(r"\$\$|\\\[|\\\]|\\\(|\\\)|\\begin\{|\\end\{")


def _fail_if(problems, what):
    assert not problems, f"{what}:\n" + "\n".join(f"  {p}" for p in problems)


def test_the_crawl_reaches_the_chapters(site):
    pages = site["pages"]
    chapters = [k for k in pages if k.startswith("chapters/")]
    assert "index.html" in pages and len(chapters) >= 8, sorted(pages)
    # every chapter is reachable from the front page by links (orphans are only search pages,
    # and the print page that book.pdf is printed from, _ext/print_pdf.py)
    assert not [k for k in site["orphans"] if k.startswith("chapters/") and k != "chapters/print.html"], \
        site["orphans"]


def test_no_console_error_and_no_script_error(site):
    _fail_if([f"{k}: {m}" for k, r in site["pages"].items() for m in r.console_errors + r.page_errors],
             "console errors")


def test_no_failed_request(site):
    _fail_if([f"{k}: {m}" for k, r in site["pages"].items() for m in r.failed_requests],
             "failed requests")


def test_nothing_is_fetched_from_outside(site):
    # every request must go to the local server: math, fonts, scripts, styles are all served
    # by the site itself (external *links* are fine: they are not requests)
    _fail_if([f"{k}: {u}" for k, r in site["pages"].items() for u in r.external_requests],
             "requests to other hosts")


def test_math_is_rendered_by_mathjax(site):
    problems, with_math = [], 0
    for key, r in site["pages"].items():
        if r.mathjax_error:
            problems.append(f"{key}: {r.mathjax_error}")
        if r.math:
            with_math += 1
            if r.mjx < r.math:
                problems.append(f"{key}: {r.math} math elements, {r.mjx} MathJax containers")
            problems += [f"{key}: not typeset: {m!r}" for m in r.unrendered]
        problems += [f"{key}: raw TeX in the text: ...{r.text[max(m.start() - 40, 0):m.end() + 40]!r}..."
                     for m in RAW_TEX.finditer(r.text)]
    assert with_math >= 6, "the chapters have math: the crawl must have found it"
    _fail_if(problems, "math not rendered")


def test_every_image_has_loaded(site):
    problems, count = [], 0
    for key, r in site["pages"].items():
        for src, complete, width in r.images:
            count += 1
            if not complete or width <= 0:
                problems.append(f"{key}: {src[:100]} (complete={complete}, naturalWidth={width})")
    assert count > 0
    _fail_if(problems, "images not loaded")


def test_every_internal_link_and_anchor_resolves(site):
    pages, base, site_dir = site["pages"], site["base_url"], site["site_dir"]
    host = urlparse(base).netloc
    problems, checked = [], 0
    for key, r in pages.items():
        for link in r.links:
            parsed = urlparse(link)
            if parsed.scheme not in ("http", "https") or parsed.netloc != host:
                continue                                   # external: not followed
            checked += 1
            target = page_key(link, base)
            fragment = unquote(urldefrag(link)[1])
            if target.endswith(".html"):
                if target not in pages:
                    problems.append(f"{key}: {link} -> no such page")
                elif fragment and fragment not in pages[target].ids:
                    problems.append(f"{key}: {link} -> no element with id {fragment!r}")
            elif not (Path(site_dir) / unquote(target)).is_file():
                problems.append(f"{key}: {link} -> no such file")
    assert checked > 50
    _fail_if(problems, "broken internal links")


def test_every_animation_advances_when_stepped(site):
    anims = [(k, a) for k, r in site["pages"].items() for a in r.animations]
    pages_with = {k for k, _ in anims}
    for chapter in ("chapters/02_dynamics.html", "chapters/05_theorem.html",
                    "chapters/06_overfitting.html"):
        assert chapter in pages_with, f"no animation found on {chapter}"
    _fail_if([f"{k}: {a[0]} frame {a[1]} -> {a[2]}" for k, a in anims if not a[3]],
             "animations that did not advance on 'Next frame'")


def test_every_page_has_a_screenshot(site):
    _fail_if([k for k, r in site["pages"].items() if not (r.screenshot and r.screenshot.stat().st_size)],
             "pages without a screenshot")
