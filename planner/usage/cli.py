"""``planner usage pull|import`` and ``planner rightsize`` (nothing heavy imported here)."""

from __future__ import annotations

import argparse
import sys


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    usage = sub.add_parser("usage", help="measured usage: pull from CloudWatch or import CSVs")
    usage_sub = usage.add_subparsers(dest="usage_command", required=True, parser_class=type(usage))
    pull = usage_sub.add_parser(
        "pull",
        help="read the scenario's CloudWatch metrics (read-only: cloudwatch:GetMetricData)",
    )
    pull.add_argument("scenario", nargs="?", help="scenario YAML or bundled name (default staging)")
    pull.add_argument(
        "--days", type=float, default=14.0, help="look-back window in days (default 14, max 455)"
    )
    pull.add_argument(
        "--out", default="usage.parquet", metavar="FILE", help="usage file (.parquet or .csv)"
    )
    pull.add_argument("--profile", default=None, help="AWS profile (default: AWS_PROFILE)")
    pull.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    pull.set_defaults(func=_cmd_pull)

    imp = usage_sub.add_parser(
        "import", help="read CSV exports DIR/<resource>/<metric>.csv (timestamp,value)"
    )
    imp.add_argument("directory", metavar="DIR", help="folder of exports")
    imp.add_argument(
        "--out", default="usage.parquet", metavar="FILE", help="usage file (.parquet or .csv)"
    )
    imp.set_defaults(func=_cmd_import)

    rs = sub.add_parser(
        "rightsize", help="recommend classes and pod requests from measured usage, with dollars"
    )
    rs.add_argument("scenario", nargs="?", help="scenario YAML or bundled name (default staging)")
    rs.add_argument(
        "--usage",
        required=True,
        metavar="FILE",
        help="usage file from planner usage pull/import (e.g. "
        "scenarios/usage/sample-staging.parquet)",
    )
    rs.add_argument(
        "--percentile", type=float, default=95.0, help="CPU percentile to size for (default 95)"
    )
    rs.add_argument(
        "--headroom", type=float, default=20.0, help="headroom in percent on top (default 20)"
    )
    rs.add_argument(
        "--memory-percentile",
        type=float,
        default=100.0,
        help="memory percentile to size for (default 100: the maximum)",
    )
    rs.add_argument(
        "--keep-architecture",
        action="store_true",
        help="only classes of the current CPU architecture (no Graviton moves)",
    )
    rs.add_argument(
        "--format", choices=("table", "json", "csv"), default="table", help="output format"
    )
    rs.add_argument("--prices", metavar="DIR", help="price snapshot folder (default: bundled)")
    rs.add_argument("-o", "--output", metavar="FILE", help="write here (atomically)")
    rs.set_defaults(func=_cmd_rightsize)


def _check_out(out: str) -> None:
    from pathlib import Path

    from planner.errors import InputError
    from planner.output import check_output

    folder = Path(out).parent
    if not folder.is_dir():
        raise InputError(f"--out {out}: folder {folder} does not exist")
    check_output(out, option="--out")


def _cmd_pull(args: argparse.Namespace) -> int:
    from planner.aws.session import client
    from planner.scenario import load_scenario
    from planner.usage.pull import pull_usage
    from planner.usage.store import write_usage

    _check_out(args.out)
    topology = load_scenario(args.scenario).topology
    cw = client("cloudwatch", topology.region, profile=args.profile)
    from planner.aws.guard import bounded

    usage, calls = bounded(
        lambda: pull_usage(topology, cw, days=args.days, progress=not args.no_progress),
        "CloudWatch GetMetricData",
    )
    path = write_usage(usage, args.out)
    print(
        f"wrote {path}: {len(usage.frame)} datapoints, {len(usage.missing)} series without data, "
        f"{len(usage.partial)} partial, {calls} GetMetricData calls",
        file=sys.stderr,
    )
    for item in usage.not_read:
        print(f"not read: {item['resource']}: {item['reason']}", file=sys.stderr)
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from planner.usage.importing import import_dir
    from planner.usage.store import write_usage

    _check_out(args.out)
    usage = import_dir(args.directory)
    path = write_usage(usage, args.out)
    print(
        f"wrote {path}: {len(usage.frame)} datapoints from "
        f"{usage.frame.groupby(['resource', 'metric']).ngroups} series, {usage.window_label}",
        file=sys.stderr,
    )
    return 0


def _cmd_rightsize(args: argparse.Namespace) -> int:
    from planner.catalog import load_catalog
    from planner.output import formatted, write_output
    from planner.rightsize.model import Settings
    from planner.rightsize.run import result_csv, result_json, result_table, rightsize
    from planner.scenario import load_scenario
    from planner.usage.store import read_usage

    settings = Settings(
        args.percentile, args.headroom, args.memory_percentile, args.keep_architecture
    )
    scenario = load_scenario(args.scenario)
    usage = read_usage(args.usage)
    result = rightsize(
        scenario.topology,
        usage,
        settings,
        load_catalog(args.prices),
        base_dir=scenario.path.parent,
    )
    text = formatted(
        args.format,
        lambda: result_table(result),
        lambda: result_json(result),
        lambda: result_csv(result),
    )
    write_output(text, args.output)
    return 0
