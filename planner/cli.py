"""The ``planner`` command line.

Start-up is kept light: pandas, plotly, boto3 and papermill are imported only by the
commands that need them. Any :class:`~planner.errors.PlannerError` becomes one line on
stderr and exit code 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

from planner.errors import PlannerError
from planner.output import write_output
from planner.pricing import price_scenario

EXIT_USER_ERROR = 2

# Subpackages that bring their own subcommands: each module defines
# ``add_commands(sub: argparse._SubParsersAction) -> None`` and imports nothing heavy at
# module level (pandas, boto3, plotly are imported inside the command functions).
COMMAND_MODULES: tuple[str, ...] = ()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line and exit 2, like every other user error (argparse prints usage otherwise).
        raise PlannerError(f"{self.prog}: {message} (see {self.prog} --help)")


def _cmd_price(args: argparse.Namespace) -> int:
    from planner.catalog import load_catalog
    from planner.lookahead import look_ahead
    from planner.render import report_csv, report_json, report_table, to_json
    from planner.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    catalog = load_catalog(args.prices)
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
        cost_range = state_totals(topology, costs, catalog, allow_missing=args.allow_missing)
        extra["monthly_usd_range"] = {k: json_number(v) for k, v in cost_range.items()}
        extra["nodes_range"] = {state: cost.nodes for state, cost in costs.items()}
    report = price_scenario(scenario, catalog, allow_missing=args.allow_missing)
    ahead = look_ahead(
        topology, report, catalog, horizon_months=args.horizon_months, capacity=result
    )
    extra["horizon_months"] = args.horizon_months
    # the table and JSON carry the look-ahead warnings themselves; stderr gets them for CSV
    shown_in_output = args.format in ("table", "json")
    for warning in (*report.warnings, *(() if shown_in_output else (w.message for w in ahead))):
        print(f"warning: {warning}", file=sys.stderr)
    if args.format == "json":
        text = to_json(report_json(report, extra, ahead))
    elif args.format == "csv":
        text = report_csv(report)
    else:
        text = report_table(report, cost_range, ahead)
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
    from planner.render import to_json
    from planner.scenario import load_scenario

    catalog = load_catalog(args.prices)
    reports = [
        price_scenario(load_scenario(s), catalog, allow_missing=args.allow_missing)
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
    from planner.render import to_json
    from planner.scenario import load_scenario

    estimate = read_estimate(args.estimate)
    report = price_scenario(
        load_scenario(args.scenario),
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


def _cmd_prices_refresh(args: argparse.Namespace) -> int:
    import datetime as dt

    from planner.aws.price_list import fetch_ec2, merge_rows, write_snapshot
    from planner.aws.session import PRICING_API_REGION, client
    from planner.catalog import SERVICES, load_catalog

    out = Path(args.out)
    if out.resolve() == load_catalog(None).directory.resolve():
        raise PlannerError(f"{out}: refusing to overwrite the bundled snapshot; choose --out DIR")
    pricing = client("pricing", PRICING_API_REGION, profile=args.profile)
    live = fetch_ec2(pricing, args.instance_type, args.region)
    base = load_catalog(args.prices)
    rows = merge_rows((r for s in SERVICES for r in base.rows(s)), live)
    write_snapshot(rows, out, dt.date.today().isoformat())
    print(
        f"refreshed {len(live)} EC2 price rows from the Price List API into {out}", file=sys.stderr
    )
    return 0


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="planner",
        description="AWS cost and capacity planner: real list prices, capacity math, what-ifs.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def common(p: argparse.ArgumentParser, formats: Sequence[str]) -> None:
        p.add_argument("--format", choices=formats, default=formats[0])
        p.add_argument("--prices", metavar="DIR", help="price snapshot folder (default: bundled)")
        p.add_argument(
            "--allow-missing",
            action="store_true",
            help="keep going when a price is missing: flag the line, keep it out of the total",
        )
        p.add_argument("-o", "--output", metavar="FILE", help="write here (atomically)")

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
    price.set_defaults(func=_cmd_price)

    cmp_ = sub.add_parser("compare", help="per-service and total deltas between two scenarios")
    cmp_.add_argument("base")
    cmp_.add_argument("other")
    common(cmp_, ("table", "json"))
    cmp_.set_defaults(func=_cmd_compare)

    aud = sub.add_parser("audit", help="compare a hand-made estimate CSV with the model")
    aud.add_argument("estimate", help="CSV with label,service,monthly_usd[,resource,note]")
    aud.add_argument("--scenario", default=None, help="scenario (default: bundled staging)")
    common(aud, ("table", "json"))
    aud.set_defaults(func=_cmd_audit)

    cap = sub.add_parser("capacity", help="nodes per node group at HPA min / expected / max")
    cap.add_argument("scenario", nargs="?")
    common(cap, ("table", "json"))
    cap.set_defaults(func=_cmd_capacity)

    run = sub.add_parser("run", help="execute one notebook on a scenario with papermill")
    run.add_argument("notebook")
    run.add_argument("--scenario", default=None)
    run.add_argument(
        "-p", "--parameter", nargs=2, action="append", default=[], metavar=("KEY", "VALUE")
    )
    run.add_argument("-o", "--output", metavar="FILE")
    run.set_defaults(func=_cmd_run)

    prices = sub.add_parser("prices", help="price catalog maintenance")
    prices_sub = prices.add_subparsers(dest="prices_command", required=True, parser_class=_Parser)
    refresh = prices_sub.add_parser(
        "refresh",
        help="copy the snapshot, with EC2 prices refreshed from the AWS Price List API "
        "(read-only: pricing:GetProducts)",
    )
    refresh.add_argument("--instance-type", action="append", required=True, metavar="TYPE")
    refresh.add_argument("--region", default="us-east-1")
    refresh.add_argument("--profile", default=None, help="AWS profile (default: AWS_PROFILE)")
    refresh.add_argument("--prices", metavar="DIR", help="base snapshot (default: bundled)")
    refresh.add_argument("--out", required=True, metavar="DIR", help="new snapshot folder")
    refresh.set_defaults(func=_cmd_prices_refresh)

    rep = sub.add_parser("report", help="render every notebook for the bundled scenarios")
    rep.add_argument("scenarios", nargs="*")
    rep.add_argument("--out", default="reports", metavar="DIR")
    rep.set_defaults(func=_cmd_report)

    for module in COMMAND_MODULES:
        importlib.import_module(module).add_commands(sub)
    return parser


def one_line(text: str) -> str:
    """Escape newlines and other control characters (e.g. from a YAML key) to keep one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _build_parser().parse_args(argv)
        func: Callable[[argparse.Namespace], int] = args.func
        return int(func(args))
    except PlannerError as exc:
        print(f"planner: error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("planner: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
