"""A notebook's headline numbers, published as one output with a private mimetype.

The last cell of every notebook calls :func:`publish`; the output is invisible in HTML (no
text or HTML representation) and :func:`read` finds it in the executed notebook. The report
index and the tests read the numbers from there, so they are the ones the notebook computed.
"""

from __future__ import annotations

from typing import Any

SUMMARY_MIME = "application/vnd.planner.summary+json"


def publish(data: dict[str, Any]) -> None:
    """Display ``data`` as the notebook's summary (JSON-serializable values only)."""
    from IPython.display import display

    display({SUMMARY_MIME: data}, raw=True)  # type: ignore[no-untyped-call]


def read(nb: Any) -> dict[str, Any]:
    """The last summary published in an executed notebook (an ``nbformat`` node), or {}."""
    found: dict[str, Any] = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data", {})
            if SUMMARY_MIME in data:
                found = dict(data[SUMMARY_MIME])
    return found


def without_summary(nb: Any) -> Any:
    """A shallow copy without the summary output (no visible form; nbconvert would warn)."""
    from nbformat import NotebookNode as _NotebookNode

    node: Any = _NotebookNode  # nbformat is untyped

    def keep(output: Any) -> bool:
        return SUMMARY_MIME not in output.get("data", {})

    cells = [
        node({**cell, "outputs": [o for o in cell.outputs if keep(o)]})
        if cell.cell_type == "code" and not all(keep(o) for o in cell.outputs)
        else cell
        for cell in nb.cells
    ]
    return node({**nb, "cells": cells})
