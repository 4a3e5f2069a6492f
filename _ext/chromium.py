"""The Chromium (or Chrome) the browser tests drive and the PDF is printed with: one found on
the machine, never downloaded.

Looked for, in this order:

1. ``$CHROMIUM``: a path or command name (an override; an error if it is not there);
2. ``$BROWSER`` when it names a Chromium-family browser (chromium, chrome, edge, brave);
3. on ``PATH``: ``chromium``, ``chromium-browser``, ``google-chrome``, ``google-chrome-stable``,
   ``chrome``, ``microsoft-edge``;
4. the usual macOS applications (``/Applications`` and ``~/Applications``: Google Chrome,
   Chromium, Microsoft Edge);
5. the Chromium that Playwright has installed (``python -m playwright install chromium``,
   under ``~/.cache/ms-playwright`` or ``$PLAYWRIGHT_BROWSERS_PATH``).

``python _ext/chromium.py`` prints the browser found, or the command to install one
and exits with status 1.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

__all__ = ["find_chromium", "require_chromium", "install_hint", "CHROMIUM_ARGS"]

# Headless, no sandbox (CI machines run as root), nothing fetched in the background.
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
         "microsoft-edge"]
MAC_APPS = ["Google Chrome.app/Contents/MacOS/Google Chrome", "Chromium.app/Contents/MacOS/Chromium",
            "Microsoft Edge.app/Contents/MacOS/Microsoft Edge"]
FAMILY = ("chrom", "chrome", "edge", "brave")


def _executable(name_or_path):
    if not name_or_path:
        return None
    path = Path(name_or_path).expanduser()
    if path.is_file() and os.access(path, os.X_OK):
        return path
    found = shutil.which(name_or_path)
    return Path(found) if found else None


def _playwright_chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    try:
        with sync_playwright() as pw:
            path = Path(pw.chromium.executable_path)
    except Exception:   # a Playwright without its driver: no browser from it
        return None
    return path if path.is_file() else None


def find_chromium():
    """The path of a Chromium-family browser on this machine, or None."""
    override = os.environ.get("CHROMIUM")
    if override:
        found = _executable(override)
        if found is None:
            raise FileNotFoundError(f"$CHROMIUM={override!r} is not an executable browser")
        return found
    browser = os.environ.get("BROWSER", "")
    if any(word in Path(browser).name.lower() for word in FAMILY):
        found = _executable(browser)
        if found is not None:
            return found
    for name in NAMES:
        found = _executable(name)
        if found is not None:
            return found
    if sys.platform == "darwin":
        for apps in (Path("/Applications"), Path.home() / "Applications"):
            for app in MAC_APPS:
                if (apps / app).is_file():
                    return apps / app
    return _playwright_chromium()


def install_hint():
    """The exact commands that give this machine a browser for the tests."""
    python = Path(sys.executable)
    try:
        python = python.relative_to(Path.cwd())
    except ValueError:
        pass
    no_root = f"{python} -m playwright install chromium"
    if sys.platform == "darwin":
        system = "brew install --cask chromium   (or install Google Chrome)"
    else:
        system = "sudo apt-get install chromium   (Debian; Ubuntu: sudo snap install chromium)"
    return (f"no Chromium or Chrome found (looked at $CHROMIUM, $BROWSER, {', '.join(NAMES)} on PATH, "
            f"the macOS applications, Playwright's browsers). Install one, without root:\n"
            f"    {no_root}\nor system-wide:\n    {system}\n"
            "or point $CHROMIUM at a Chromium/Chrome executable.")


def require_chromium():
    """The path of the browser found; ``LookupError`` saying what to install when there is none
    (or what is wrong with ``$CHROMIUM``)."""
    try:
        path = find_chromium()
    except FileNotFoundError as error:
        raise LookupError(str(error)) from None
    if path is None:
        raise LookupError(install_hint())
    return path


if __name__ == "__main__":
    try:
        print(require_chromium())
    except LookupError as error:
        sys.exit(str(error))
