"""Parameterized notebooks: parameters, papermill execution, the HTML report."""

import sys

# nbformat validates notebooks with jsonschema, whose optional "iri" format checker imports
# rfc3987_syntax when it is installed (jupyterlab's dependencies install it). That module
# builds a lark parser at import: 1.3 to 1.6 s of every command that reads a notebook (a
# quarter of ``planner report``). Notebook schemas use no IRI format, so this process goes
# without it, as jsonschema does when the package is absent. A process that already
# imported it keeps it.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
