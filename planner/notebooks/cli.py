"""``planner run`` and ``planner report``: thin wrappers over execute and report.

Ctrl-C (SIGINT) and SIGTERM stop either within a second or two: the kernels are killed, the
temporary folders removed, the previous output kept, and the exit code is 130 or 143.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import yaml

from planner.errors import NotebookError
from planner.notebooks.execute import execute, find_notebook
from planner.notebooks.report import DEFAULT_SCENARIOS, build_report, scenario_slug

T = TypeVar("T")


class Terminated(BaseException):
    """SIGTERM, raised in the main thread like KeyboardInterrupt is for SIGINT."""


def interruptible(work: Callable[[], T], *, staged: bool = False) -> T:
    """Run ``work``; on SIGINT/SIGTERM kill the kernels and exit 130/143 at once.

    ``work``'s own clean-up (temporary folders) runs as the exception passes through it; the
    process then exits without waiting for worker threads still blocked on a dead kernel.
    A write under way finishes first and no write starts after; the message says whether any
    output was replaced (``staged``: the work writes into a temporary folder swapped in at the
    end, so its writes replace nothing of the user's).
    """
    from planner.notebooks.kernels import kill_all
    from planner.output import cancel_writes

    def on_term(_signum: int, _frame: Any) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        return work()
    except (KeyboardInterrupt, Terminated) as exc:
        written = cancel_writes()  # waits for a write under way; no write starts after
        kill_all(final=True)
        code = 143 if isinstance(exc, Terminated) else 130
        if written and not staged:
            more = f" and {len(written) - 1} more" if len(written) > 1 else ""
            print(f"planner: interrupted after writing {written[0]}{more}", file=sys.stderr)
        else:
            print("planner: interrupted; the previous output is unchanged", file=sys.stderr)
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(code)
    finally:
        signal.signal(signal.SIGTERM, previous)


def parse_value(text: str) -> Any:
    """A ``-p`` value as YAML (numbers, null, lists ``[a, b]``), else the plain string."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    if isinstance(value, dict) or (value is None and text not in ("null", "~")):
        return text
    return value


def run_notebook(args: argparse.Namespace) -> int:
    """Execute one notebook; print its summary JSON on stdout, the files written on stderr."""
    notebook = find_notebook(args.notebook)
    parameters: dict[str, Any] = {}
    for key, value in args.parameter:
        parameters[key] = parse_value(value)
    if args.scenario is not None:
        parameters["scenario"] = args.scenario
    parameters = absolute_paths(parameters)
    scenario = str(parameters.get("scenario", "staging"))
    output = (
        Path(args.output)
        if args.output
        # not inside reports/: `planner report` replaces that folder as a whole
        else Path("reports.run") / scenario_slug(scenario) / f"{notebook.stem}.ipynb"
    )
    if output.suffix != ".ipynb":
        raise NotebookError(f"{output}: the output must be a .ipynb file")
    from planner.output import check_output

    for path in (output, output.with_suffix(".html"), output.with_suffix(".finance.html")):
        if path.parent.is_dir():  # checked before minutes of work, and again when written
            check_output(path, option="-o")
    from planner.notebooks.execute import check_parameters, read_notebook

    check_parameters(notebook, read_notebook(notebook), parameters)  # before anything is written
    from planner.notebooks.html import Page, copy_plotly_js

    def work() -> Any:
        output.parent.mkdir(parents=True, exist_ok=True)
        copy_plotly_js(output.parent)
        page = Page(stamp=stamp())
        # in a worker thread: the main thread stays free to take Ctrl-C and SIGTERM
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="planner-run") as pool:
            title = f"{notebook.stem}: {scenario}"
            future = pool.submit(execute, notebook, output, parameters, title=title, page=page)
            return future.result()

    from planner.notebooks.stamp import stamp

    try:
        result = interruptible(work)
    except NotebookError as exc:
        failed = getattr(exc, "failed", None)
        where = f" (executed notebook kept at {failed})" if failed else ""
        raise NotebookError(f"{exc}{where}") from None
    for path in (result.output, result.html, result.finance_html):
        print(f"wrote {path}", file=sys.stderr)
    sys.stdout.write(json.dumps(result.summary, indent=2) + "\n")
    return 0


def run_report(args: argparse.Namespace) -> int:
    parameters = absolute_paths({k: parse_value(v) for k, v in args.parameter})
    scenarios = [absolute_paths({"s": s})["s"] for s in args.scenarios or DEFAULT_SCENARIOS]
    interruptible(
        lambda: build_report(scenarios, Path(args.out), parameters=parameters), staged=True
    )
    return 0


def absolute_paths(parameters: dict[str, Any]) -> dict[str, Any]:
    """Paths given relative to the working folder, made absolute: the kernels run in the
    notebooks' folder. Only values that look like paths (a ``/`` or a file suffix) and exist;
    bundled names such as ``staging`` stay names."""
    out = dict(parameters)
    for key, value in parameters.items():
        if isinstance(value, str) and ("/" in value or Path(value).suffix):
            path = Path(value).expanduser()
            if not path.is_absolute() and path.exists():
                out[key] = str(path.resolve())
    return out
