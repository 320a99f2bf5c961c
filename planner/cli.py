"""The ``planner`` command line.

Start-up is kept light: pandas, plotly, boto3 and papermill are imported only by the
commands that need them. Any :class:`~planner.errors.PlannerError` becomes one line on
stderr and exit code 2. Anything else is a bug: one line on stderr naming a crash report (the
traceback, in a private file under the temporary folder) and exit code 70; no command prints
a traceback. ``PLANNER_DEBUG=1`` lets the exception through instead.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from planner.errors import PlannerError
from planner.output import write_output
from planner.pricing import price_scenario
from planner.redact import redact_text

EXIT_USER_ERROR = 2

# Subpackages that bring their own subcommands: each module defines
# ``add_commands(sub: argparse._SubParsersAction) -> None`` and imports nothing heavy at
# module level (pandas, boto3, plotly are imported inside the command functions).
COMMAND_MODULES: tuple[str, ...] = (
    "planner.notebooks.lab",
    "planner.alerts.cli",
    "planner.actuals.cli",
    "planner.commitments.cli",
    "planner.usage.cli",
    "planner.prices.cli",
    "planner.terraform.cli",
    "planner.diff.cli",
    "planner.discover.cli",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line and exit 2, like every other user error (argparse prints usage otherwise).
        raise PlannerError(f"{self.prog}: {message} (see {self.prog} --help)")


def _cmd_price(args: argparse.Namespace) -> int:
    from planner.catalog import load_catalog
    from planner.lookahead import look_ahead
    from planner.output import formatted
    from planner.render import report_csv, report_json, report_table
    from planner.scenario import load_scenario

    scenario = load_scenario(args.scenario, allow_paths=args.allow_path)
    catalog = load_catalog(args.prices)
    if args.usage:
        from planner.usage.cost import price_with_usage

        text = price_with_usage(
            scenario, catalog, args.usage, args.format, allow_missing=args.allow_missing
        )
        write_output(text, args.output)
        return 0
    topology = scenario.topology
    cost_range: dict[str, Decimal] | None = None
    extra: dict[str, object] = {"scenario_file": str(scenario.path)}
    eks = topology.eks
    result = None
    if eks is not None and (eks.workloads or eks.workloads_from):
        from planner.figures import state_totals
        from planner.money import json_number
        from planner.pricing import scenario_capacity_range

        result, costs = scenario_capacity_range(scenario, catalog, allow_missing=args.allow_missing)
        cost_range = state_totals(topology, result, catalog, allow_missing=args.allow_missing)
        extra["monthly_usd_range"] = {k: json_number(v) for k, v in cost_range.items()}
        extra["nodes_range"] = {state: cost.nodes for state, cost in costs.items()}
    report = price_scenario(scenario, catalog, allow_missing=args.allow_missing)
    if result is not None:
        from planner.capacity.unplaced import unplaced_warnings
        from planner.pricing import with_warnings

        # pods that fit nowhere are in no node count: say so, in text and in JSON
        report = with_warnings(report, unplaced_warnings(result))
    ahead = look_ahead(
        topology, report, catalog, horizon_months=args.horizon_months, capacity=result
    )
    extra["horizon_months"] = args.horizon_months
    # the table and JSON carry the look-ahead warnings themselves; stderr gets them for CSV
    shown_in_output = args.format in ("table", "json")
    for warning in (*report.warnings, *(() if shown_in_output else (w.message for w in ahead))):
        print(f"warning: {warning}", file=sys.stderr)
    text = formatted(
        args.format,
        lambda: report_table(report, cost_range, ahead),
        lambda: report_json(report, extra, ahead),
        lambda: report_csv(report),
    )
    write_output(text, args.output)
    return 0


def _horizon(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of months") from None
    if not 1 <= value <= 120:
        raise argparse.ArgumentTypeError(f"{value} is outside 1-120 months")
    return value


def _cmd_compare(args: argparse.Namespace) -> int:
    from planner.catalog import load_catalog
    from planner.compare import compare, compare_json, compare_table
    from planner.output import to_json
    from planner.scenario import load_scenario

    catalog = load_catalog(args.prices)
    reports = [
        price_scenario(
            load_scenario(s, allow_paths=args.allow_path), catalog, allow_missing=args.allow_missing
        )
        for s in (args.base, args.other)
    ]
    result = compare(reports[0], reports[1])
    text = to_json(compare_json(result)) if args.format == "json" else compare_table(result)
    write_output(text, args.output)
    return 0


def _cmd_audit(args: argparse.Namespace) -> int:
    from planner.audit import audit, read_estimate
    from planner.audit_render import audit_json, audit_table
    from planner.catalog import load_catalog
    from planner.output import to_json
    from planner.scenario import load_scenario

    estimate = read_estimate(args.estimate)
    report = price_scenario(
        load_scenario(args.scenario, allow_paths=args.allow_path),
        load_catalog(args.prices),
        allow_missing=args.allow_missing,
    )
    rows = audit(estimate, report)
    text = to_json(audit_json(rows, report)) if args.format == "json" else audit_table(rows, report)
    write_output(text, args.output)
    return 0


def _cmd_capacity(args: argparse.Namespace) -> int:
    from planner.capacity.cli import run

    return int(run(args))


def _cmd_run(args: argparse.Namespace) -> int:
    from planner.notebooks.cli import run_notebook

    return int(run_notebook(args))


def _cmd_report(args: argparse.Namespace) -> int:
    from planner.notebooks.cli import run_report

    return int(run_report(args))


class _Version(argparse.Action):
    """``--version``, looked up only when asked (package metadata costs start-up time)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            text = version("planner")
        except PackageNotFoundError:  # a source tree that was never installed
            text = "unknown (not installed)"
        print(f"planner {text}")
        parser.exit()


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="planner",
        description="AWS cost and capacity planner: real list prices, capacity math, what-ifs.",
    )
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def common(p: argparse.ArgumentParser, formats: Sequence[str]) -> None:
        p.add_argument(
            "--format",
            choices=formats,
            default=formats[0],
            help=f"output format (default: {formats[0]})",
        )
        p.add_argument("--prices", metavar="DIR", help="price snapshot folder (default: bundled)")
        p.add_argument(
            "--allow-missing",
            action="store_true",
            help="keep going when a price is missing: flag the line, keep it out of the total",
        )
        p.add_argument("-o", "--output", metavar="FILE", help="write here (atomically)")
        p.add_argument(
            "--allow-path",
            action="append",
            default=[],
            metavar="DIR",
            help="let extends: and workloads_from: read files in DIR too (default: only the "
            "scenario's folder tree and the bundled scenarios); repeatable",
        )

    price = sub.add_parser("price", help="price a scenario (default: bundled staging)")
    price.add_argument("scenario", nargs="?", help="scenario YAML or bundled name")
    price.add_argument(
        "--horizon-months",
        type=_horizon,
        default=12,
        metavar="N",
        help="warn about price steps (EKS/RDS support ends) within N months of as_of (1-120)",
    )
    common(price, ("table", "json", "csv"))
    price.add_argument(
        "--usage",
        metavar="FILE",
        help="usage file (planner usage pull/import): measured quantities replace assumptions; "
        "shows assumed vs measured per line",
    )
    price.set_defaults(func=_cmd_price)

    cmp_ = sub.add_parser("compare", help="per-service and total deltas between two scenarios")
    cmp_.add_argument("base", help="the scenario to compare from (YAML or bundled name)")
    cmp_.add_argument("other", help="the scenario to compare with it (YAML or bundled name)")
    common(cmp_, ("table", "json"))
    cmp_.set_defaults(func=_cmd_compare)

    aud = sub.add_parser("audit", help="compare a hand-made estimate CSV with the model")
    aud.add_argument("estimate", help="CSV with label,service,monthly_usd[,resource,note]")
    aud.add_argument("--scenario", default=None, help="scenario (default: bundled staging)")
    common(aud, ("table", "json"))
    aud.set_defaults(func=_cmd_audit)

    cap = sub.add_parser("capacity", help="nodes per node group at HPA min / expected / max")
    cap.add_argument("scenario", nargs="?", help="scenario YAML or bundled name (default: staging)")
    common(cap, ("table", "json"))
    cap.set_defaults(func=_cmd_capacity)

    run = sub.add_parser("run", help="execute one notebook on a scenario with papermill")
    run.add_argument("notebook", help="notebook name in notebooks/ (e.g. cost_overview)")
    run.add_argument(
        "--scenario", default=None, help="scenario YAML or bundled name (default: staging)"
    )
    run.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("KEY", "VALUE"),
        help="set a notebook parameter (repeatable)",
    )
    run.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="executed notebook (default: reports.run/<scenario>/<notebook>.ipynb)",
    )
    run.set_defaults(func=_cmd_run)

    rep = sub.add_parser("report", help="render every notebook for the bundled scenarios")
    rep.add_argument(
        "scenarios", nargs="*", help="scenarios to render (default: staging and production)"
    )
    rep.add_argument(
        "--out", default="reports", metavar="DIR", help="report folder (default: reports)"
    )
    rep.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("KEY", "VALUE"),
        help="set a parameter of every notebook that has it, e.g. -p usd_decimals 0 (repeatable)",
    )
    rep.set_defaults(func=_cmd_report)

    for module in COMMAND_MODULES:
        importlib.import_module(module).add_commands(sub)
    return parser


def one_line(text: str) -> str:
    """Escape newlines and other control characters (e.g. from a YAML key) to keep one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread as KeyboardInterrupt is for SIGINT, so that every
    command's clean-up (temporary files and folders) runs before planner exits 143."""


def _on_sigterm(_signum: int, _frame: object) -> None:
    raise _Terminated


# Argument names that are outputs: every other argument naming an existing file is an input.
_OUTPUT_DESTS = frozenset({"output", "out"})
EXIT_INTERNAL_ERROR = 70  # EX_SOFTWARE (sysexits.h)


def _check_text(args: argparse.Namespace) -> None:
    """No argument may hold a NUL byte (no file name or value can)."""
    for dest, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            for text in item if isinstance(item, list | tuple) else [item]:
                if isinstance(text, str) and "\0" in text:
                    name = "--" + dest.replace("_", "-")
                    raise PlannerError(f"{name} {text!r}: a NUL byte is not allowed in arguments")


def _note_inputs(args: argparse.Namespace) -> None:
    """Register every argument that names an existing file: no output may replace it."""
    import os

    from planner.output import note_input

    for dest, value in vars(args).items():
        if dest in _OUTPUT_DESTS:
            continue
        values = value if isinstance(value, list) else [value]
        for item in values:
            for text in item if isinstance(item, list | tuple) else [item]:
                if isinstance(text, str) and text and "\0" not in text:
                    try:
                        if os.path.isfile(text):
                            note_input(text)
                    except (OSError, ValueError):
                        pass


def crash_report(exc: BaseException, argv: Sequence[str] | None) -> str:
    """Write the traceback to a private file (mode 0600) and return its path, or a reason."""
    import os
    import tempfile
    import traceback

    try:
        fd, path = tempfile.mkstemp(prefix="planner-crash-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as handle:
            handle.write(f"planner {' '.join(argv if argv is not None else sys.argv[1:])}\n\n")
            handle.write("".join(traceback.format_exception(exc)))
        return path
    except OSError as err:
        return f"(no report: {err.strerror})"


def main(argv: Sequence[str] | None = None) -> int:
    import os
    import signal
    import threading

    from planner.output import forget_inputs

    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main else None
    forget_inputs()
    try:
        args = _build_parser().parse_args(argv)
        _check_text(args)
        _note_inputs(args)
        func: Callable[[argparse.Namespace], int] = args.func
        return int(func(args))
    except PlannerError as exc:
        print(f"planner: error: {one_line(redact_text(str(exc)))}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("planner: interrupted", file=sys.stderr)
        return 130
    except _Terminated:
        print("planner: terminated; the previous output is unchanged", file=sys.stderr)
        return 143
    except BrokenPipeError:
        return 0
    except RecursionError as exc:
        return _internal(exc, argv)
    except Exception as exc:
        if os.environ.get("PLANNER_DEBUG"):
            raise
        return _internal(exc, argv)
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)


def _internal(exc: BaseException, argv: Sequence[str] | None) -> int:
    detail = one_line(redact_text(f"{type(exc).__name__}: {exc}"))[:300]
    print(
        f"planner: internal error (a bug in planner, not in your input): {detail}; "
        f"the traceback is in {crash_report(exc, argv)}",
        file=sys.stderr,
    )
    return EXIT_INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
