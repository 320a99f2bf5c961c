"""CLI: ``planner actuals import|pull|rebase|sql`` and ``planner variance``.

Nothing heavy at module level: DuckDB, pyarrow and boto3 load inside the commands.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.actuals.checks import DEFAULT_MAX_ROWS
from planner.errors import InputError

if TYPE_CHECKING:
    from planner.actuals.tidy import BillRow

SAMPLE_NAME = "sample"


def sample_path() -> Path:
    """The bundled SAMPLE CUR 2.0 export (sample data, not a real bill)."""
    from planner.scenario import bundled_scenarios_dir

    return bundled_scenarios_dir() / "actuals" / "cur2"


def load_actuals(spec: str) -> tuple[list[BillRow], str]:
    """Rows from a tidy table, or straight from raw export files / folders / ``sample``."""
    import pyarrow.parquet as pq

    from planner.actuals.imports import import_exports
    from planner.actuals.sql import TIDY_COLUMNS
    from planner.actuals.tidy import BillRow, conform, read_rows

    if spec == SAMPLE_NAME:
        path = sample_path()
        label = "the bundled SAMPLE CUR 2.0 export (sample data, not a real bill)"
    else:
        path = Path(spec)
        label = str(path)
    if path.is_file() and path.suffix == ".parquet":
        try:
            names = pq.read_schema(path).names
        except Exception as exc:
            raise InputError(f"{path}: not a Parquet file ({exc})") from exc
        if all(c in names for c in TIDY_COLUMNS):
            return read_rows(path), label
    elif not path.exists():
        raise InputError(
            f"{path}: --actuals not found; give a tidy table (planner actuals import), "
            f"an export file or folder, or '{SAMPLE_NAME}'"
        )
    table = conform(import_exports([str(path)]))
    return [BillRow(**row) for row in table.to_pylist()], label


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text}: give a number of at least 1")
    return value


def _parse_tags(values: list[str]) -> dict[str, str]:
    tags: dict[str, str] = {}
    for value in values:
        key, sep, val = value.partition("=")
        if not sep or not key:
            raise InputError(f"--tag {value!r}: give KEY=VALUE, e.g. Environment=staging")
        tags[key] = val
    return tags


def _filter_tags(table: Any, tags: dict[str, str]) -> Any:
    if not tags:
        return table
    from planner.actuals.tidy import BillRow, to_table

    rows = [BillRow(**r) for r in table.to_pylist()]
    keep = [r for r in rows if all(r.tag_map().get(k) == v for k, v in tags.items())]
    return to_table(r.__dict__ for r in keep)


def _summary(table: Any, out: str, extra: str = "") -> None:
    from decimal import Decimal

    from planner.money import usd

    rows = table.to_pylist()
    months = sorted({r["month"] for r in rows})
    total = sum((r["amortised_usd"] for r in rows), Decimal(0))
    span = f"{months[0]}..{months[-1]}" if months else "no months"
    print(
        f"wrote {out}: {len(rows)} rows, {span}, amortised total {usd(total)}{extra}",
        file=sys.stderr,
    )


def _cmd_import(args: argparse.Namespace) -> int:
    from planner.actuals.tidy import write_parquet

    tags = _parse_tags(args.tag)
    if args.engine == "athena":
        from planner.actuals.athena_engine import import_athena
        from planner.aws.session import client

        missing = [n for n in ("database", "table", "workgroup") if not getattr(args, n)]
        if missing:
            raise InputError(f"--engine athena needs --{', --'.join(missing)}")
        if args.paths:
            raise InputError("--engine athena reads --database/--table; give no PATH")
        from planner.aws.guard import bounded
        from planner.output import check_output

        check_output(args.out, option="-o")
        athena = client("athena", args.region, profile=args.profile)
        table, info = bounded(
            lambda: import_athena(
                athena,
                layout=args.layout,
                database=args.database,
                table=args.table,
                workgroup=args.workgroup,
                output_location=args.output_location,
            ),
            "Athena query",
        )
        extra = f" (Athena query {info['query_execution_id']}, {info['pages']} result page(s))"
    else:
        from planner.actuals.imports import import_exports

        if not args.paths:
            raise InputError("planner actuals import: give export files or folders (PATH ...)")
        table = import_exports(
            args.paths,
            memory_limit=args.memory_limit,
            threads=args.threads,
            max_rows=args.max_rows,
        )
        extra = ""
    table = _filter_tags(table, tags)
    write_parquet(table, args.out)
    _summary(table, args.out, extra)
    return 0


def _cmd_pull(args: argparse.Namespace) -> int:
    import datetime as dt

    from planner.actuals.pull import period, tidy_records
    from planner.actuals.tidy import to_table, write_parquet
    from planner.aws.cost_explorer import USD_PER_REQUEST, get_cost_and_usage
    from planner.aws.guard import bounded
    from planner.aws.session import client
    from planner.output import check_output
    from planner.scenario import load_scenario

    check_output(args.out, option="-o")  # before paid requests
    scenario = load_scenario(args.scenario)
    tags = scenario.topology.cost_allocation_tags if not args.no_tag_filter else {}
    try:
        today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    except ValueError:
        raise InputError(f"--today {args.today!r}: give a date as YYYY-MM-DD") from None
    start, end = period(args.months, today)
    ce = client("ce", "us-east-1", profile=args.profile)
    result = bounded(
        lambda: get_cost_and_usage(
            ce, start=start, end=end, granularity=args.granularity, tags=tags, account=args.account
        ),
        "Cost Explorer GetCostAndUsage",
    )
    table = to_table(tidy_records(result.results))
    if table.num_rows == 0:
        where = ", ".join(f"{k}={v}" for k, v in tags.items()) or "the whole account"
        raise InputError(
            f"Cost Explorer returned no costs for {where} in {start}..{end} "
            f"({result.requests} request(s)); nothing written: an empty bill would read as $0 "
            "spent (is the tag an activated cost allocation tag? --no-tag-filter reads all)"
        )
    write_parquet(table, args.out)
    where = ", ".join(f"{k}={v}" for k, v in tags.items()) or "no tag filter"
    print(
        f"Cost Explorer: {result.requests} get_cost_and_usage request(s) "
        f"(${USD_PER_REQUEST} each), {start}..{end} {args.granularity}, {where}",
        file=sys.stderr,
    )
    _summary(table, args.out)
    return 0


def _cmd_variance(args: argparse.Namespace) -> int:
    from planner.actuals.render import variance_csv, variance_json, variance_table
    from planner.actuals.variance import variance
    from planner.catalog import load_catalog
    from planner.output import formatted, write_output
    from planner.pricing import price_scenario
    from planner.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    report = price_scenario(scenario, load_catalog(args.prices), allow_missing=args.allow_missing)
    rows, label = load_actuals(args.actuals)
    result = variance(
        scenario.name,
        report.lines,
        rows,
        source=label,
        cost_basis=args.cost,
        discount_lines=report.discount_lines,
    )
    text = formatted(
        args.format,
        lambda: variance_table(result, top=args.top),
        lambda: variance_json(result),
        lambda: variance_csv(result),
    )
    write_output(text, args.output)
    return 0


def _cmd_rebase(args: argparse.Namespace) -> int:
    from planner.actuals.rebase import overlay_yaml
    from planner.catalog import load_catalog
    from planner.output import write_output
    from planner.pricing import price_scenario
    from planner.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    report = price_scenario(scenario, load_catalog(args.prices))
    rows, label = load_actuals(args.actuals)
    if not rows:
        raise InputError(f"{label}: no billing rows to rebase on")
    out = Path(args.output)
    text, done = overlay_yaml(scenario, rows, label, report.lines, out)
    write_output(text, str(out))
    print(
        f"wrote {out}: {len(done)} measured field(s); price it with planner price {out}",
        file=sys.stderr,
    )
    return 0


def _cmd_sql(args: argparse.Namespace) -> int:
    from planner.actuals.sql import Dialect, render, sql_text

    if args.engine == "source":
        sys.stdout.write(sql_text(args.layout))
    else:
        source = '"DATABASE"."TABLE"' if args.engine == "athena" else "read_parquet(['FILES'])"
        sys.stdout.write(render(args.layout, Dialect(args.engine), source) + "\n")
    return 0


def _actuals_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--actuals",
        required=True,
        metavar="FILE",
        help="tidy table, export file/folder, or 'sample' (bundled sample data)",
    )


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    actuals = sub.add_parser("actuals", help="billing actuals: import, pull, rebase, sql")
    asub = actuals.add_subparsers(dest="actuals_command", required=True, parser_class=type(actuals))

    imp = asub.add_parser(
        "import",
        help="read CUR 2.0 / FOCUS 1.0 exports (Parquet, CSV) into one tidy Parquet table",
    )
    imp.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="export files or folders (local; s3:// needs DuckDB httpfs)",
    )
    imp.add_argument(
        "-o",
        "--out",
        default="actuals.parquet",
        metavar="FILE",
        help="tidy table to write (Parquet, atomically; default actuals.parquet)",
    )
    imp.add_argument(
        "--engine",
        choices=("duckdb", "athena"),
        default="duckdb",
        help="duckdb reads local files; athena runs the same SQL on a CUR table",
    )
    imp.add_argument(
        "--layout",
        choices=("cur2", "focus"),
        default="cur2",
        help="with --engine athena: the table's layout (default cur2)",
    )
    imp.add_argument("--database", help="with --engine athena: Glue database of the export")
    imp.add_argument("--table", help="with --engine athena: table of the export")
    imp.add_argument("--workgroup", help="with --engine athena: Athena workgroup")
    imp.add_argument(
        "--output-location",
        metavar="S3_URL",
        help="with --engine athena: query result location if the workgroup has none",
    )
    imp.add_argument("--region", default="us-east-1", help="with --engine athena: AWS region")
    imp.add_argument("--profile", default=None, help="AWS profile (default: AWS_PROFILE)")
    imp.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="keep only rows with this resource tag (repeatable); untagged rows such as "
        "data transfer are dropped",
    )
    imp.add_argument(
        "--memory-limit",
        default="512MB",
        help="DuckDB memory_limit (default 512MB; spills to a temp folder beyond)",
    )
    imp.add_argument("--threads", type=int, default=2, help="DuckDB threads (default 2)")
    imp.add_argument(
        "--max-rows",
        type=_positive_int,
        default=DEFAULT_MAX_ROWS,
        metavar="N",
        help=f"refuse a bill of more rows (counted up front; default {DEFAULT_MAX_ROWS:,})",
    )
    imp.set_defaults(func=_cmd_import)

    pull = asub.add_parser(
        "pull",
        help="Cost Explorer get_cost_and_usage by service and usage type, filtered by the "
        "scenario's cost allocation tags ($0.01 per request)",
    )
    pull.add_argument("scenario", nargs="?", help="scenario YAML or bundled name")
    pull.add_argument("--months", type=int, default=3, help="whole months before this one")
    pull.add_argument(
        "--granularity",
        choices=("MONTHLY", "DAILY"),
        default="MONTHLY",
        help="Cost Explorer granularity (DAILY is summed per month)",
    )
    pull.add_argument("--account", default=None, help="also filter by this linked account id")
    pull.add_argument(
        "--no-tag-filter",
        action="store_true",
        help="do not filter by the scenario's cost_allocation_tags",
    )
    pull.add_argument(
        "--today",
        default=None,
        metavar="YYYY-MM-DD",
        help="date the months count back from (default: today)",
    )
    pull.add_argument("--profile", default=None, help="AWS profile (default: AWS_PROFILE)")
    pull.add_argument(
        "-o",
        "--out",
        default="actuals.parquet",
        metavar="FILE",
        help="tidy table to write (Parquet, atomically; default actuals.parquet)",
    )
    pull.set_defaults(func=_cmd_pull)

    reb = asub.add_parser(
        "rebase", help="write an overlay whose measured quantities come from the bill"
    )
    reb.add_argument("scenario", nargs="?", help="scenario YAML or bundled name")
    _actuals_option(reb)
    reb.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OVERLAY.yaml",
        help="overlay to write (it extends the scenario)",
    )
    reb.add_argument("--prices", metavar="DIR", help="price snapshot folder (default: bundled)")
    reb.set_defaults(func=_cmd_rebase)

    sql = asub.add_parser("sql", help="print the tidy-table SQL for a layout and engine")
    sql.add_argument(
        "--layout", choices=("cur2", "focus"), default="cur2", help="export layout (default cur2)"
    )
    sql.add_argument(
        "--engine",
        choices=("source", "duckdb", "athena"),
        default="source",
        help="source (with placeholders) or rendered for an engine",
    )
    sql.set_defaults(func=_cmd_sql)

    var = sub.add_parser(
        "variance", help="plan vs actual per line and month, with causes and unplanned spend"
    )
    var.add_argument("scenario", nargs="?", help="scenario YAML or bundled name")
    _actuals_option(var)
    var.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="output format (json is the contract)",
    )
    var.add_argument(
        "--cost",
        choices=("amortised", "unblended"),
        default="amortised",
        help="actual cost column (default amortised: commitments spread)",
    )
    var.add_argument("--top", type=_positive_int, default=15, help="variances listed in the table")
    var.add_argument("--prices", metavar="DIR", help="price snapshot folder (default: bundled)")
    var.add_argument(
        "--allow-missing", action="store_true", help="keep going when a planned price is missing"
    )
    var.add_argument("-o", "--output", metavar="FILE", help="write here (atomically)")
    var.set_defaults(func=_cmd_variance)
