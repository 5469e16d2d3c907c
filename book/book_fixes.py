"""Sphinx extension for the web book: two fixes to what Jupyter Book 1 writes into each page.

1. Links whose address has several query parameters work. MyST-Parser writes ``&`` in a link's
   address as ``&amp;`` and the HTML writer escapes it again, so ``?repo=...&urlpath=...``
   reaches the page as ``?repo=...&amp;amp;urlpath=...`` and the server sees a parameter named
   ``amp;urlpath`` (MyST-Parser issue 760). The lessons' links to a course JupyterHub
   (nbgitpuller) have three parameters; this undoes the first escape.
2. No Thebe scripts. Jupyter Book always loads sphinx-thebe, which puts its settings into every
   page twice (``const THEBE_JS_URL`` declared twice: a JavaScript error on each page) and names
   a CDN. The book shows stored outputs and has no live code, so its pages go without them.
"""

from docutils import nodes


def unescape_query_links(app, doctree) -> None:
    for ref in doctree.findall(nodes.reference):
        if "&amp;" in ref.get("refuri", ""):
            ref["refuri"] = ref["refuri"].replace("&amp;", "&")


def is_thebe(script) -> bool:
    body = getattr(script, "attributes", {}).get("body", "")
    return "thebe" in str(script) or "THEBE_JS_URL" in body


def drop_thebe_scripts(app, pagename, templatename, context, doctree) -> None:
    if "script_files" in context:
        context["script_files"] = [js for js in context["script_files"] if not is_thebe(js)]


def setup(app):
    app.connect("doctree-read", unescape_query_links)
    app.connect("html-page-context", drop_thebe_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
