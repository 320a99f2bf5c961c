"""``planner run`` and ``planner report``: thin wrappers over execute and report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from planner.errors import NotebookError
from planner.notebooks.execute import execute, find_notebook
from planner.notebooks.report import DEFAULT_SCENARIOS, build_report, scenario_slug


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
    scenario = str(parameters.get("scenario", "staging"))
    output = (
        Path(args.output)
        if args.output
        # not inside reports/: `planner report` replaces that folder as a whole
        else Path("reports.run") / scenario_slug(scenario) / f"{notebook.stem}.ipynb"
    )
    if output.suffix != ".ipynb":
        raise NotebookError(f"{output}: the output must be a .ipynb file")
    try:
        result = execute(notebook, output, parameters, title=f"{notebook.stem}: {scenario}")
    except NotebookError as exc:
        where = f" (executed notebook: {output})" if output.is_file() else ""
        raise NotebookError(f"{exc}{where}") from None
    for path in (result.output, result.html, result.finance_html):
        print(f"wrote {path}", file=sys.stderr)
    sys.stdout.write(json.dumps(result.summary, indent=2) + "\n")
    return 0


def run_report(args: argparse.Namespace) -> int:
    build_report(args.scenarios or list(DEFAULT_SCENARIOS), Path(args.out))
    return 0
