"""Every notebook is paired with a jupytext percent-format ``.py`` (what a pull request shows),
the two are in sync, and the stored ``.ipynb`` carries no outputs."""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import pytest
from conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def _cells(nb: nbformat.NotebookNode) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(c.cell_type, c.source.strip(), tuple(c.metadata.get("tags", ()))) for c in nb.cells]


def test_there_are_notebooks() -> None:
    assert len(NOTEBOOKS) >= 4


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_and_its_py_pair_are_in_sync(path: Path) -> None:
    pair = path.with_suffix(".py")
    assert pair.is_file(), f"{path.name} has no jupytext pair {pair.name} (make notebooks)"
    stored = nbformat.read(path, as_version=4)
    text = jupytext.read(pair)
    assert _cells(stored) == _cells(text), f"{path.name} and {pair.name} differ: make notebooks"
    assert stored.metadata.get("jupytext", {}).get("formats") == "ipynb,py:percent"
    assert stored.metadata.get("kernelspec", {}).get("name") == "planner"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_notebooks_have_no_outputs(path: Path) -> None:
    stored = nbformat.read(path, as_version=4)
    for cell in stored.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_is_tagged_and_validated_next(path: Path) -> None:
    code = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", ()), path.name
    assert "validate(" in code[1].source, path.name
