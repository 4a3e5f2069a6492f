"""A small Sphinx extension of the book (not part of rmtdyn): each page's scripts once.

Jupyter Book 1 with Sphinx 7.4 writes some inline ``<script>`` blocks twice on every
page: those that extensions add with ``app.add_js_file(None, body=...)`` after the HTML
builder is set up are registered once with ``filename=None`` and once with
``filename=''``, which Sphinx does not recognise as the same script.  For
sphinx-thebe's ``const THEBE_JS_URL = ...`` the second copy is a JavaScript error
("Identifier 'THEBE_JS_URL' has already been declared") in the console of every page.
This extension drops the exact repeats from each page's script list, last of all.
"""

__all__ = ["setup"]


def _key(script):
    filename = getattr(script, "filename", script)
    attributes = getattr(script, "attributes", {})
    return (filename or "", tuple(sorted((k, str(v)) for k, v in attributes.items())))


def drop_repeated_scripts(app, pagename, templatename, context, doctree):
    """``html-page-context`` handler: keep the first copy of each identical script."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    app.connect("html-page-context", drop_repeated_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
