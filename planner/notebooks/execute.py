"""Run one notebook (papermill's parameter injection, an nbclient kernel) and export HTML.

A notebook runs in a :class:`~planner.notebooks.kernels.KernelSession`: a warm kernel of a
report worker, or a kernel of its own for ``planner run``. Parameters are injected the way
papermill does it (a tagged ``injected-parameters`` cell after the ``parameters`` cell), so
a notebook runs the same under plain ``papermill``.

A failing cell becomes one line naming the notebook, the cell and the error, e.g.
``whatif.ipynb: cell 2 failed: KeyError: ...``; a parameter error is just its own line
(``whatif.ipynb: parameter usd_decimals = 5: ...``). A failed run never replaces an earlier
good output: the executed notebook is kept as ``<name>.failed.ipynb`` beside it.
"""

from __future__ import annotations

import ast
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.errors import NotebookError
from planner.notebooks.html import Page, render_pages
from planner.notebooks.kernels import (
    KERNEL,
    KERNEL_ARGS,
    KernelSession,
    close_thread_event_loop,
    thread_event_loop,
)
from planner.notebooks.params import REPO_ROOT
from planner.output import write_files

if TYPE_CHECKING:
    from collections.abc import Callable


def _notebooks_dir() -> Path:
    """The bundled notebooks: the repository's ``notebooks/``, or the copy in the wheel."""
    in_wheel = Path(__file__).resolve().parents[1] / "_notebooks"
    for candidate in (REPO_ROOT / "notebooks", in_wheel):
        if candidate.is_dir() and any(candidate.glob("*.ipynb")):
            return candidate
    return in_wheel


NOTEBOOKS_DIR = _notebooks_dir()

__all__ = [
    "KERNEL",
    "KERNEL_ARGS",
    "NOTEBOOKS_DIR",
    "NotebookRunError",
    "RunResult",
    "discover",
    "execute",
    "find_notebook",
    "parameter_names",
]


class NotebookRunError(NotebookError):
    """A notebook failed; ``failed`` is where its executed copy was kept (if anywhere)."""

    def __init__(self, message: str, failed: Path | None = None) -> None:
        super().__init__(message)
        self.failed = failed


@dataclass(frozen=True)
class RunResult:
    notebook: Path
    output: Path
    seconds: float
    summary: dict[str, Any] = field(default_factory=dict)
    html: Path | None = None
    finance_html: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)
    nb: Any = field(default=None, repr=False, compare=False)
    """The executed notebook (an nbformat node), when the HTML is left to the caller."""


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


def parameter_names(nb: Any) -> list[str]:
    """The names the notebook's ``parameters`` cell assigns: the parameters it accepts."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get(
            "tags", []
        ):
            return assigned_names(cell.get("source", ""))
    return []


def assigned_names(source: str | list[str]) -> list[str]:
    text = "".join(source) if isinstance(source, list) else source
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    names: list[str] = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names += [t.id for t in targets if isinstance(t, ast.Name) and t.id not in names]
    return names


def check_parameters(notebook: Path, nb: Any, parameters: dict[str, Any]) -> None:
    """Refuse bad parameters before a kernel starts: an unknown name (with the closest valid
    one; papermill would only warn and ignore it), or a value the notebook's parameter model
    rejects (the same check its validation cell runs, on the defaults plus ``parameters``)."""
    from planner.notebooks.params import check_values, unknown_message

    valid = parameter_names(nb)
    if not valid:
        return
    unknown = sorted(set(parameters) - set(valid))
    if unknown:
        raise NotebookError(f"{notebook.name}: {unknown_message(unknown, valid)}")
    model = parameter_model(nb)
    if model is None:
        return
    values = {**parameter_defaults(nb), **parameters}
    try:
        check_values(model, {k: v for k, v in values.items() if k in model.model_fields})
    except NotebookError as exc:
        raise NotebookError(f"{notebook.name}: {exc}") from None


def _parameters_cell(nb: Any) -> int | None:
    for i, cell in enumerate(nb.get("cells", [])):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") == "code" and "parameters" in tags:
            return i
    return None


def parameter_defaults(nb: Any) -> dict[str, Any]:
    """The literal values the ``parameters`` cell assigns (what runs when nothing is given)."""
    at = _parameters_cell(nb)
    if at is None:
        return {}
    source = nb["cells"][at].get("source", "")
    try:
        tree = ast.parse("".join(source) if isinstance(source, list) else source)
    except SyntaxError:
        return {}
    values: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    values[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    continue
    return values


def parameter_model(nb: Any) -> Any:
    """The parameter model the validation cell (the next code cell after ``parameters``)
    passes to ``validate(Model, globals())``, imported from where that cell imports it."""
    import importlib

    at = _parameters_cell(nb)
    cells = nb.get("cells", [])
    following = (
        [c for c in cells[at + 1 :] if c.get("cell_type") == "code"] if at is not None else []
    )
    if not following:
        return None
    source = following[0].get("source", "")
    try:
        tree = ast.parse("".join(source) if isinstance(source, list) else source)
    except SyntaxError:
        return None
    modules = {
        alias.asname or alias.name: node.module
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "validate"
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in modules
        ):
            name = node.args[0].id
            return getattr(importlib.import_module(modules[name]), name, None)
    return None


def read_notebook(notebook: Path) -> Any:
    from planner.importing import without_slow_optional_imports

    with without_slow_optional_imports():
        import nbformat

    reader: Any = nbformat.read  # untyped
    try:
        nb = reader(str(notebook), as_version=4)
    except (OSError, ValueError) as exc:
        raise NotebookError(f"{notebook}: cannot read the notebook: {exc}") from None
    for cell in nb.cells:  # as papermill's loader: every cell has a tags list
        cell.metadata.setdefault("tags", [])
    nb.metadata.setdefault("papermill", {})
    return nb


def execute(
    notebook: Path,
    output: Path,
    parameters: dict[str, Any],
    *,
    html: bool = True,
    title: str = "",
    session: KernelSession | None = None,
    page: Page | None = None,
    on_failure: Callable[[], None] | None = None,
) -> RunResult:
    """Execute ``notebook`` into ``output`` (in ``session``, or a kernel of its own).

    On failure ``session`` is closed (the next notebook needs a fresh kernel) and the
    executed notebook is written to ``<output stem>.failed.ipynb``; ``output`` is untouched.
    """
    from planner.importing import without_slow_optional_imports

    with without_slow_optional_imports():
        from nbclient.exceptions import CellExecutionError, DeadKernelError
        from papermill.parameterize import parameterize_notebook

    from planner.notebooks.summary import read

    nb = read_notebook(notebook)
    check_parameters(notebook, nb, parameters)
    nb = parameterize_notebook(nb, parameters, kernel_name=KERNEL, language="python")
    output.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    own = session is None
    loop_before = thread_event_loop() if own else None
    try:
        if session is None:
            session = KernelSession(notebook.parent.resolve(), prelude="")
            session.run(nb)
        else:
            session.run(nb, cwd=notebook.parent.resolve())
    except CellExecutionError as exc:
        kept = _write_failed(nb, output)
        _close(session)
        if on_failure:
            on_failure()
        raise NotebookRunError(_cell_error(notebook, nb, exc), kept) from None
    except (DeadKernelError, OSError, RuntimeError, TimeoutError) as exc:
        kept = _write_failed(nb, output)
        _close(session)
        if on_failure:
            on_failure()
        raise NotebookRunError(
            f"{notebook.name}: {type(exc).__name__}: {_first_line(str(exc))}", kept
        ) from None
    except BaseException:
        _close(session)
        raise
    finally:
        if own:
            _close(session)
            close_thread_event_loop(loop_before)
    ran = time.perf_counter()
    result = RunResult(notebook, output, ran - start, read(nb), nb=nb)
    if not html:
        _write_notebook(nb, output)
        return result
    # the notebook and its two pages are one output: all replaced, or none (Ctrl-C)
    pages = render_pages(nb, output, title or notebook.stem, page)
    write_files([(output, _notebook_writer(nb)), *((p, _text_writer(t)) for p, t in pages)])
    code, finance = pages[0][0], pages[1][0]
    done = time.perf_counter()
    return RunResult(
        notebook,
        output,
        done - start,
        result.summary,
        code,
        finance,
        {"execute (computation and drawing)": ran - start, "HTML export (both pages)": done - ran},
    )


def _close(session: KernelSession | None) -> None:
    if session is not None:
        session.close()


def _cell_error(notebook: Path, nb: Any, exc: Any) -> str:
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = _first_line(str(getattr(exc, "evalue", "") or exc))
    if ename == "NotebookError":  # a parameter error: its own line says it all
        return f"{notebook.name}: {evalue}"
    count = next(
        (
            c.get("execution_count")
            for c in nb.cells
            if c.cell_type == "code" and any(o.get("output_type") == "error" for o in c.outputs)
        ),
        None,
    )
    return f"{notebook.name}: cell {count} failed: {ename}: {evalue}"


def failed_path(output: Path) -> Path:
    return output.with_name(f"{output.stem}.failed.ipynb")


def _write_failed(nb: Any, output: Path) -> Path:
    path = failed_path(output)
    _write_notebook(nb, path)
    return path


def _write_notebook(nb: Any, path: Path) -> None:
    """Through the one output writer (atomic; special and read-only files safe)."""
    write_files([(path, _notebook_writer(nb))])


def _notebook_writer(nb: Any) -> Callable[[Path], None]:
    import nbformat

    writer: Any = nbformat.write  # untyped

    def produce(path: Path) -> None:
        with open(path, "w", encoding="utf-8") as handle:
            writer(nb, handle)

    return produce


def _text_writer(text: str) -> Callable[[Path], None]:
    def produce(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    return produce


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    return lines[0] if lines else "(no message)"
