"""Run one notebook through papermill and export it to HTML; errors become NotebookError.

A failing cell becomes one line naming the notebook, the cell and the error, e.g.
``whatif.ipynb: cell 2 failed: NotebookError: parameter overlays: unknown overlay ...``.
"""

from __future__ import annotations

import re
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.errors import NotebookError
from planner.notebooks.params import MODELS, REPO_ROOT


def _notebooks_dir() -> Path:
    """The bundled notebooks: the repository's ``notebooks/``, or the copy in the wheel."""
    in_wheel = Path(__file__).resolve().parents[1] / "_notebooks"
    for candidate in (REPO_ROOT / "notebooks", in_wheel):
        if candidate.is_dir() and any(candidate.glob("*.ipynb")):
            return candidate
    return in_wheel


NOTEBOOKS_DIR = _notebooks_dir()
KERNEL = "python3"
TEMPLATES = Path(__file__).resolve().parent / "templates"
# The kernel's own start-up warnings (plain TCP on localhost) are noise in report progress.
KERNEL_ARGS = ["--IPKernelApp.log_level=ERROR"]


@dataclass(frozen=True)
class RunResult:
    notebook: Path
    output: Path
    seconds: float
    summary: dict[str, Any] = field(default_factory=dict)
    html: Path | None = None
    finance_html: Path | None = None


def discover(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The report's notebooks, by convention: every ``*.ipynb`` not starting with ``_``.

    Ordered by the optional ``metadata.planner.order`` in the notebook, then by name; a
    notebook with ``metadata.planner.report: false`` (an interactive one) is left out.
    """
    found = [p for p in folder.glob("*.ipynb") if not p.name.startswith(("_", "."))]
    meta = {p: _planner_metadata(p) for p in found}
    kept = [p for p in found if meta[p].get("report", True) is not False]
    return sorted(kept, key=lambda p: (_order(meta[p]), p.name))


def _planner_metadata(path: Path) -> dict[str, Any]:
    import json

    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("planner")
    except (OSError, ValueError, AttributeError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _order(meta: dict[str, Any]) -> int:
    try:
        return int(meta.get("order", 100))
    except (ValueError, TypeError):
        return 100


def find_notebook(ref: str) -> Path:
    """A notebook path, or a name from ``notebooks/`` (``whatif``, ``whatif.ipynb``)."""
    path = Path(ref)
    if path.is_file():
        return path
    bundled = NOTEBOOKS_DIR / (ref if ref.endswith(".ipynb") else f"{ref}.ipynb")
    if bundled.is_file():
        return bundled
    names = ", ".join(p.stem for p in discover())
    raise NotebookError(f"{ref}: no such notebook; the bundled ones are {names}")


def check_parameters(notebook: Path, parameters: dict[str, Any]) -> None:
    """Unknown parameter names are errors (papermill would only warn and ignore them)."""
    model = MODELS.get(notebook.stem)
    if model is None:
        return
    unknown = sorted(set(parameters) - set(model.model_fields))
    if unknown:
        valid = ", ".join(model.model_fields)
        raise NotebookError(
            f"{notebook.name}: unknown parameter {', '.join(unknown)}; valid: {valid}"
        )


def execute(
    notebook: Path,
    output: Path,
    parameters: dict[str, Any],
    *,
    html: bool = True,
    title: str = "",
) -> RunResult:
    """Execute ``notebook`` into ``output`` in its own kernel; export HTML next to it."""
    from planner.importing import without_slow_optional_imports

    with without_slow_optional_imports():
        import papermill as pm
        from papermill.exceptions import PapermillExecutionError

    from planner.notebooks.summary import read

    check_parameters(notebook, parameters)
    output.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    loop_before = _thread_event_loop()
    try:
        with tempfile.TemporaryDirectory(prefix="planner-kernel-") as sockets:
            nb = pm.execute_notebook(
                str(notebook),
                str(output),
                parameters=parameters,
                kernel_name=KERNEL,
                progress_bar=False,
                log_output=False,
                cwd=str(notebook.parent),
                extra_arguments=KERNEL_ARGS,
                config=_kernel_config(Path(sockets)),
                # the output is written once at the end, not after every cell (plotly.js is MBs)
                request_save_on_cell_execute=False,
                # the output is saved when the last cell ends; no need to wait for a clean exit
                shutdown_kernel="immediate",
            )
    except PapermillExecutionError as exc:
        raise NotebookError(
            f"{notebook.name}: cell {exc.exec_count} failed: {exc.ename}: {_first_line(exc.evalue)}"
        ) from None
    except (OSError, ValueError, RuntimeError) as exc:
        # kernel failed to start, notebook unreadable, ... papermill's other failure modes
        raise NotebookError(
            f"{notebook.name}: {type(exc).__name__}: {_first_line(str(exc))}"
        ) from exc
    finally:
        _close_thread_event_loop(loop_before)
    seconds = time.perf_counter() - start
    result = RunResult(notebook, output, seconds, read(nb))
    if not html:
        return result
    code, finance = export_html(nb, output, title or notebook.stem)
    return RunResult(notebook, output, seconds, result.summary, code, finance)


def _thread_event_loop() -> Any:
    """This thread's event loop, or None (never a warning about an implicit one)."""
    import asyncio
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # implicit loop, Python >= 3.12
        try:
            return asyncio.get_event_loop_policy().get_event_loop()
        except RuntimeError:  # no loop in this thread
            return None


def _close_thread_event_loop(before: Any) -> None:
    """Close the event loop nbclient made in this thread during a run (it never closes it).

    Otherwise a report's worker threads leave open loops, whose self-pipe sockets surface
    later as ResourceWarnings. A loop that was there before, or is running, is kept.
    """
    import asyncio

    loop = _thread_event_loop()
    if loop is not None and loop is not before and not loop.is_running():
        loop.close()
        asyncio.get_event_loop_policy().set_event_loop(before)


def _kernel_config(sockets: Path) -> Any:
    """Talk to the kernel over Unix sockets in a private folder, not localhost TCP ports.

    Concurrent kernels then never race for a port (a port freed by a killed kernel can linger
    in TIME_WAIT), nothing listens on the network, and ipykernel does not warn about plain TCP.
    """
    from traitlets.config import Config

    return Config({"KernelManager": {"transport": "ipc", "ip": str(sockets / "kernel")}})


def export_html(nb: Any, output: Path, title: str) -> tuple[Path, Path]:
    """``<name>.html`` with code, ``<name>.finance.html`` without (like ``--no-input``)."""
    code, finance = _exporters()
    nb = _without_summary(nb)
    resources = {"metadata": {"name": title}}
    code_path = output.with_suffix(".html")
    finance_path = output.with_suffix(".finance.html")
    body, _ = code.from_notebook_node(nb, resources=dict(resources))
    code_path.write_text(_offline(body), encoding="utf-8")
    body, _ = finance.from_notebook_node(nb, resources=dict(resources))
    finance_path.write_text(_offline(body), encoding="utf-8")
    return code_path, finance_path


_local = threading.local()


def _exporters() -> tuple[Any, Any]:
    """Two HTML exporters (with code, without), made once per thread: templates compile once."""
    pair: tuple[Any, Any] | None = getattr(_local, "exporters", None)
    if pair is None:
        from nbconvert import HTMLExporter as _HTMLExporter

        exporter: Any = _HTMLExporter  # nbconvert is untyped
        options = {"extra_template_basedirs": [str(TEMPLATES)], "template_name": "planner"}
        pair = (
            exporter(**options),
            exporter(
                exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True, **options
            ),
        )
        _local.exporters = pair
    return pair


# plotly's notebook renderer adds a MathJax <script src> from a CDN to every figure; our
# labels use no LaTeX, and the report must open offline without fetching anything.
_REMOTE_MATHJAX = re.compile(
    r'<script src="https://cdnjs\.cloudflare\.com/ajax/libs/mathjax/[^"]*"></script>'
)


def _offline(page: str) -> str:
    return _REMOTE_MATHJAX.sub("", page)


def _without_summary(nb: Any) -> Any:
    """A shallow copy without the summary output (no visible form; nbconvert would warn)."""
    from nbformat import NotebookNode as _NotebookNode

    from planner.notebooks.summary import SUMMARY_MIME

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


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    return lines[0] if lines else "(no message)"
