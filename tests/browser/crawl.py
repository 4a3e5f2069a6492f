"""One visit of every page of the built book in Chromium, recording what a reader would meet.

``crawl`` starts at ``index.html`` and follows internal links only (same host and port);
external links are recorded, never followed, and every request to a host other than
127.0.0.1 is recorded (the test machine has no route to the outside anyway).  Pages built but not linked from anywhere (e.g. the
search page) are visited afterwards, so that every page is checked.
"""

import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from urllib.parse import urldefrag, urljoin, urlparse

MATHJAX_READY_MS = 60_000
# generous: on a loaded 2-core machine a long chapter can take 15 s to load and typeset
PAGE_TIMEOUT_MS = 120_000
REFRESH = re.compile(r"""<meta[^>]*http-equiv=["']?refresh["']?[^>]*content=["'][^"']*url=([^"']+)["']""",
                     re.IGNORECASE)

# The page has settled: web fonts (MathJax's included) and every image loaded or failed.
SETTLED_JS = "() => document.fonts.status === 'loaded' && Array.from(document.images).every(i => i.complete)"

# Run in the page once it has loaded and MathJax (if any) has typeset it.
PAGE_REPORT_JS = """() => {
  const skip = 'pre, code, script, style, textarea, mjx-container, .MathJax, mjx-assistive-mml';
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.parentElement.closest(skip)) texts.push(n.nodeValue);
  }
  const math = Array.from(document.querySelectorAll('.math'));
  return {
    title: document.title,
    text: texts.join(' '),
    math: math.length,
    mjx: document.querySelectorAll('mjx-container').length,
    unrendered: math.filter(e => !e.querySelector('mjx-container'))
                    .map(e => e.textContent.slice(0, 80)),
    images: Array.from(document.images).map(i => [i.currentSrc || i.src, i.complete, i.naturalWidth]),
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
    ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id)
           .concat(Array.from(document.querySelectorAll('a[name]')).map(e => e.name)),
    animations: Array.from(document.querySelectorAll('img[id^="_anim_img"]')).map(i => i.id),
  };
}"""


@dataclass
class PageReport:
    url: str
    title: str = ""
    console_errors: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)
    failed_requests: list = field(default_factory=list)    # network failures and HTTP >= 400
    external_requests: list = field(default_factory=list)
    math: int = 0                  # elements Sphinx marked as math
    mjx: int = 0                   # MathJax 3 CHTML containers
    unrendered: list = field(default_factory=list)
    text: str = ""                 # visible prose (code, scripts and typeset math left out)
    images: list = field(default_factory=list)
    links: list = field(default_factory=list)
    ids: set = field(default_factory=set)
    animations: list = field(default_factory=list)         # (id, frame before, frame after, ok)
    screenshot: Path | None = None
    mathjax_error: str | None = None
    redirect: str | None = None    # target of a <meta http-equiv="refresh"> page


def _is_local(url, host):
    parsed = urlparse(url)
    return parsed.scheme not in ("http", "https", "ws", "wss") or parsed.netloc == host


def page_key(url, base_url):
    """Site-relative path of a page URL, without query or fragment; '' and '/' mean index."""
    path = urlparse(urldefrag(url)[0]).path
    rel = path[len(urlparse(base_url).path):] if path.startswith(urlparse(base_url).path) else path
    return rel if rel and not rel.endswith("/") else rel + "index.html"


def _advance_animations(page, ids):
    out = []
    for anim_id in ids:
        img = page.locator(f"#{anim_id}")
        uid = anim_id[len("_anim_img"):]
        slider = page.locator(f"#_anim_slider{uid}")
        img.scroll_into_view_if_needed()
        before = (img.get_attribute("src"), slider.input_value())
        container = page.locator(f"div.animation:has(#{anim_id})")
        container.locator('button[title="Next frame"]').click()
        page.wait_for_timeout(100)
        after = (img.get_attribute("src"), slider.input_value())
        ok = after[0] != before[0] and int(after[1]) == int(before[1]) + 1
        out.append((anim_id, int(before[1]), int(after[1]), ok))
    return out


def visit(context, url, host, shot, source):
    """Load one page (``source``: its file in the built site) and record what happened."""
    report = PageReport(url=url)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and report.console_errors.append(
        f"{m.text} [{m.location.get('url', '')}]"))
    page.on("pageerror", lambda e: report.page_errors.append(str(e)))
    page.on("requestfailed", lambda r: report.failed_requests.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and report.failed_requests.append(
        f"{r.url} (HTTP {r.status})"))
    page.on("request", lambda r: _is_local(r.url, host) or report.external_requests.append(r.url))
    try:
        refresh = REFRESH.search(source.read_text(encoding="utf8", errors="replace"))
        if refresh:                              # a redirect page (the book's index.html)
            report.redirect = urljoin(url, refresh.group(1).strip())
            report.links = [report.redirect]
            page.goto(url, wait_until="commit")
            page.wait_for_url(report.redirect)
            page.wait_for_function(SETTLED_JS)
            page.screenshot(path=str(shot), full_page=True)
            report.screenshot = shot
            return report
        page.goto(url, wait_until="load")
        if page.evaluate("() => !!document.querySelector('.math')"):
            try:
                page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                                       timeout=MATHJAX_READY_MS)
                page.evaluate("() => MathJax.startup.promise.then(() => true)")
            except PlaywrightTimeoutError:
                report.mathjax_error = f"MathJax did not start within {MATHJAX_READY_MS} ms"
        page.wait_for_function(SETTLED_JS)
        data = page.evaluate(PAGE_REPORT_JS)
        report.title, report.text = data["title"], data["text"]
        report.math, report.mjx, report.unrendered = data["math"], data["mjx"], data["unrendered"]
        report.images, report.ids = data["images"], set(data["ids"])
        report.links = data["links"]
        page.screenshot(path=str(shot), full_page=True)
        report.screenshot = shot
        report.animations = _advance_animations(page, data["animations"])
    finally:
        page.close()
    return report


def crawl(context, base_url, site_dir, screens):
    """Visit every page reachable from index.html, then any built page not linked; return
    ``{site-relative path: PageReport}``."""
    host = urlparse(base_url).netloc
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    context.set_default_navigation_timeout(PAGE_TIMEOUT_MS)
    reports, queue, seen = {}, deque(["index.html"]), {"index.html"}

    def run(queue):
        while queue:
            key = queue.popleft()
            shot = screens / (key.replace("/", "__").removesuffix(".html") + ".png")
            rep = reports[key] = visit(context, urljoin(base_url, key), host, shot, site_dir / key)
            for link in rep.links:
                if not _is_local(link, host) or urlparse(link).scheme not in ("http", "https"):
                    continue
                target = page_key(link, base_url)
                if target.endswith(".html") and target not in seen:
                    seen.add(target)
                    queue.append(target)

    run(queue)
    reached = set(reports)
    built = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html")
                   if "_static" not in p.parts and "_sources" not in p.parts)
    orphans = [k for k in built if k not in reached]
    seen.update(orphans)
    run(deque(orphans))
    return {"pages": reports, "orphans": orphans, "base_url": base_url,
            "site_dir": site_dir}
