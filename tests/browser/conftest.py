"""Fixtures of the browser tests: the built book served on 127.0.0.1, Debian's Chromium
driven by Playwright, and one crawl of the whole site shared by every test.

These tests need the built book (``make book``) and ``/usr/bin/chromium`` (``make
chromium``); when either is missing they fail with that instruction, they never skip.
Run them with ``make browser`` (which builds the book strictly first) or
``.venv/bin/python -m pytest tests/browser`` on an existing ``_build/html``.
"""

import functools
import http.server
import threading
from pathlib import Path

import pytest

from crawl import crawl

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
SCREENS = ROOT / "_build" / "screens"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture(scope="session")
def site_dir():
    if not (SITE / "index.html").is_file():
        pytest.fail(f"the built book is missing ({SITE / 'index.html'}): run `make book` first")
    return SITE


@pytest.fixture(scope="session")
def base_url(site_dir):
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)   # a free port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory):
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),   # a fresh user-data dir
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1280, "height": 900})
        yield context
        context.close()


@pytest.fixture(scope="session")
def site(browser_context, base_url, site_dir):
    """Every page of the book, visited once (see crawl.py); screenshots in _build/screens/."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    return crawl(browser_context, base_url, site_dir, SCREENS)
