"""Fetch the pinned MathJax copy the book serves itself (offline reading), with Python only.

Downloads the npm registry's tarball of ``mathjax`` over HTTPS (no npm, no root), checks
its sha256 and unpacks only the TeX+CHTML bundle with every TeX extension
(``es5/tex-chtml-full.js``) and its web fonts (``es5/output/chtml/fonts/woff-v2``) into
``DEST`` (``make mathjax``; ``_config.yml`` points Sphinx's ``mathjax_path`` there)::

    python _ext/mathjax.py VERSION SHA256 DEST

The tarball is the same file ``npm pack mathjax@VERSION`` writes (same sha256). A proxy
from ``$HTTPS_PROXY`` is honoured (urllib's default); certificates are checked against
the system's store, or certifi's bundle when the system has none (a python.org Python on
macOS) and certifi is installed. The target file
``DEST/tex-chtml-full.js`` is written last, so an interrupted run leaves no half copy
that ``make`` would take for done.
"""
from __future__ import annotations

import hashlib
import io
import shutil
import ssl
import sys
import tarfile
import urllib.request
from pathlib import Path

__all__ = ["fetch_mathjax"]

URL = "https://registry.npmjs.org/mathjax/-/mathjax-{version}.tgz"
BUNDLE = "package/es5/tex-chtml-full.js"
FONTS = "package/es5/output/chtml/fonts/woff-v2/"


def fetch_mathjax(version: str, sha256: str, dest: Path, *, timeout: float = 120) -> Path:
    """Download, check and unpack MathJax ``version`` into ``dest``; return the bundle's path."""
    url = URL.format(version=version)
    context = ssl.create_default_context()
    if not context.get_ca_certs() and not ssl.get_default_verify_paths().capath:
        try:
            import certifi
            context = ssl.create_default_context(cafile=certifi.where())
        except ImportError:
            pass
    with urllib.request.urlopen(url, timeout=timeout, context=context) as response:
        data = response.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        raise SystemExit(f"{url}: sha256 {digest} differs from the pinned {sha256}; nothing unpacked")
    dest = Path(dest)
    shutil.rmtree(dest, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        members = [m for m in tar.getmembers()
                   if m.isfile() and (m.name.startswith(FONTS) or m.name == BUNDLE)]
        fonts = [m for m in members if m.name != BUNDLE]
        if len(fonts) < 10 or len(members) != len(fonts) + 1:
            raise SystemExit(f"{url}: {BUNDLE} or the fonts {FONTS} are missing from the tarball")
        for member in sorted(members, key=lambda m: m.name == BUNDLE):   # the bundle last
            target = dest / Path(*Path(member.name).parts[2:])           # strip package/es5/
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(tar.extractfile(member).read())
    return dest / "tex-chtml-full.js"


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: python _ext/mathjax.py VERSION SHA256 DEST")
    print(fetch_mathjax(sys.argv[1], sys.argv[2], Path(sys.argv[3])))
