"""The Explore page in JupyterLab, driven as a reader would: a real (headless) Chromium.

Starts JupyterLab from this environment on 127.0.0.1 with a random token and throw-away
Jupyter config/runtime/data/settings directories, opens ``chapters/explore.ipynb``, runs
all cells from the menu, waits for the explorer, moves the ``c`` slider with the keyboard
and checks that the figure changes, then presses *Simulate* and waits for the Monte-Carlo
markers (drawn from a kernel thread) and a full progress bar.  It fails (never skips) when Chromium (see
_ext/chromium.py) or JupyterLab is missing: the reader's experience is what is being tested.  It needs no built
book; it is in the browser stage (``make browser``) so that the unit tests need no browser.

Takes about a minute on 2 cores (JupyterLab start-up and the notebook's own cells).
"""

import hashlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from chromium import CHROMIUM_ARGS

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = "chapters/explore.ipynb"
BIN = Path(sys.executable).parent


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path, chromium):
    """A JupyterLab server on the repository; yields (base_url, token)."""
    jupyter = BIN / "jupyter"
    if not jupyter.exists() or subprocess.run([jupyter, "lab", "--version"], capture_output=True).returncode:
        pytest.fail(f"JupyterLab is needed for this test and is missing from {BIN} (make env)")
    token = secrets.token_hex(24)
    port = _free_port()
    env = dict(os.environ)
    home = tmp_path / "home"
    settings = tmp_path / "lab-settings"
    for key, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                     ("JUPYTER_DATA_DIR", "data"), ("IPYTHONDIR", "ipython"),
                     ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("MPLCONFIGDIR", "mpl")):
        (tmp_path / sub).mkdir()
        env[key] = str(tmp_path / sub)
    home.mkdir()
    env["HOME"] = str(home)
    env["JUPYTERLAB_SETTINGS_DIR"] = str(settings)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env.pop("JUPYTER_PATH", None)
    # No autosave (the repository's notebook must stay as committed), no news or update checks.
    for plugin, value in (("@jupyterlab/docmanager-extension/plugin", {"autosave": False}),
                          ("@jupyterlab/apputils-extension/notification",
                           {"fetchNews": "false", "checkForUpdates": False}),
                          # the notebook's kernel (python3) starts without a "Select Kernel" dialog,
                          # which otherwise may come up during Run All and restart the kernel
                          ("@jupyterlab/notebook-extension/tracker",
                           {"windowingMode": "none", "autoStartDefaultKernel": True})):
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    log = open(tmp_path / "lab.log", "wb")
    proc = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={REPO}", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        + (["--ServerApp.allow_root=True"] if os.geteuid() == 0 else []),
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail("JupyterLab exited at start-up:\n" + (tmp_path / "lab.log").read_text()[-3000:])
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("JupyterLab did not answer within 120 s:\n"
                            + (tmp_path / "lab.log").read_text()[-3000:])
            time.sleep(0.5)
        yield base, token
    finally:
        proc.terminate()  # jupyter-server shuts its kernels down on SIGTERM
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        log.close()
        shutil.rmtree(tmp_path / "runtime", ignore_errors=True)


def test_explore_notebook_in_jupyterlab(lab, chromium):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    base, token = lab
    digest = hashlib.sha256((REPO / NOTEBOOK).read_bytes()).hexdigest()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(120_000)
            page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}")
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell")
            # the kernel must be up before running the cells
            page.wait_for_selector(".jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status='idle']")

            # Run > Run All Cells.  Seen on a loaded machine: just after the page loads, the
            # command executes nothing; and JupyterLab may ask "Select Kernel", which a reader
            # answers with Select (the default, this environment's Python 3), then runs again.
            kernel_dialog = page.locator(".jp-Dialog").filter(has_text="Select Kernel")

            def accept_kernel_dialog():
                if kernel_dialog.count() and kernel_dialog.first.is_visible():
                    kernel_dialog.first.locator("button.jp-mod-accept").click()   # "Select"
                    page.wait_for_timeout(2_000)

            # Until the explorer's figure is there: accept the dialog when it shows, and run
            # all cells again whenever nothing is running (no "[*]" prompt) and the figure is
            # still missing (Run All issued while the dialog was up, or ignored at load).
            running = page.locator(".jp-NotebookPanel .jp-InputPrompt", has_text="[*]")
            img = page.locator(".rmtdyn-explorer img").first

            def run_all():
                try:
                    page.get_by_role("menuitem", name="Run", exact=True).click(timeout=10_000)
                    page.get_by_role("menuitem", name="Run All Cells", exact=True).click(timeout=10_000)
                except PlaywrightTimeout:   # the dialog came up in between: accepted next pass
                    if not (kernel_dialog.count() and kernel_dialog.first.is_visible()):
                        page.keyboard.press("Escape")   # close a menu left open

            deadline = time.monotonic() + 300
            accept_kernel_dialog()
            run_all()
            while True:
                accept_kernel_dialog()
                try:
                    img.wait_for(state="attached", timeout=20_000)
                    break
                except PlaywrightTimeout:
                    if time.monotonic() > deadline:
                        raise AssertionError("the explorer's figure never appeared (Run All Cells "
                                             "re-issued while nothing ran, for 300 s)") from None
                    if running.count() == 0:
                        run_all()
            img.scroll_into_view_if_needed()
            page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=img.element_handle())
            src0 = img.get_attribute("src")
            shot0 = img.screenshot()

            # the c slider is the first slider of the explorer: focus its handle, press a key
            handle = page.locator(".rmtdyn-explorer .widget-slider .noUi-handle").first
            readout = page.locator(".rmtdyn-explorer .widget-slider .widget-readout").first
            before = readout.inner_text()
            handle.focus()
            for _ in range(15):
                page.keyboard.press("ArrowRight")
            page.wait_for_function("([el, s]) => el.src !== s", arg=[img.element_handle(), src0])
            page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=img.element_handle())
            shot1 = img.screenshot()
            after = readout.inner_text()

            # the notebook really ran: its printed check is on the page
            page.get_by_text("curves equal predict: True").wait_for()

            # Simulate: the Monte Carlo runs in a kernel thread, moves the progress bar and
            # draws its markers when done (a new image)
            src1 = img.get_attribute("src")
            page.locator(".rmtdyn-explorer button", has_text="Simulate").click()
            page.locator(".rmtdyn-explorer", has_text="markers are mean ± 1 SE").first.wait_for()
            page.wait_for_function("([el, s]) => el.src !== s", arg=[img.element_handle(), src1])
            progress = page.locator(".rmtdyn-explorer .progress-bar").first.get_attribute("style")
        except Exception:
            shot = Path(os.environ.get("RMTDYN_LAB_SCREENSHOT", "/tmp/rmtdyn-test-lab-failure.png"))
            page.screenshot(path=str(shot))
            print(f"screenshot of the failure: {shot}")
            raise
        finally:
            browser.close()
    assert after != before, f"the slider readout did not move ({before!r})"
    assert float(after) > float(before)
    assert shot1 != shot0, "the explorer's figure did not change after moving the slider"
    assert "100%" in (progress or ""), f"the progress bar did not fill ({progress!r})"
    assert hashlib.sha256((REPO / NOTEBOOK).read_bytes()).hexdigest() == digest, \
        "the notebook on disk was modified by the test"
