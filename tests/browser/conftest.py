"""Fixtures of the browser tests: the built book served on 127.0.0.1, a Chromium found on
the machine (_ext/chromium.py) driven by Playwright, and one crawl of the whole site shared by
every test.

These tests need the built book (``make book``) and a Chromium or Chrome (see _ext/chromium.py:
Debian's ``chromium``, ``google-chrome``, the macOS applications, Playwright's own, or
``$CHROMIUM``); when either is missing they fail with the command to run, they never skip.
Run them with ``make browser`` (which builds the book strictly first) or
``.venv/bin/python -m pytest tests/browser`` on an existing ``_build/html``.
"""

import functools
import http.server
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "_ext"))  # _ext/chromium.py
from chromium import CHROMIUM_ARGS, require_chromium  # noqa: E402
from crawl import crawl

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
SCREENS = ROOT / "_build" / "screens"


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
def chromium():
    """The path of the browser the tests drive (fails with the command to install one)."""
    try:
        return require_chromium()
    except LookupError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory, chromium):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),   # a fresh user-data dir
            executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1280, "height": 900})
        yield context
        context.close()


@pytest.fixture(scope="session")
def site(browser_context, base_url, site_dir):
    """Every page of the book, visited once (see crawl.py); screenshots in _build/screens/."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    return crawl(browser_context, base_url, site_dir, SCREENS)
