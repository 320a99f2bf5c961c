"""``planner prices refresh | status | import-offer``: keep the price snapshot current."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    prices = sub.add_parser(
        "prices", help="price catalog maintenance: refresh, status, diff, import-offer"
    )
    prices_sub = prices.add_subparsers(
        dest="prices_command", required=True, parser_class=type(prices)
    )

    refresh = prices_sub.add_parser(
        "refresh",
        help="refresh prices from the AWS Price List API (read-only) and merge them, by key, "
        "into a snapshot",
    )
    refresh.add_argument(
        "--scenario",
        action="append",
        default=[],
        metavar="S",
        help="fetch exactly what this scenario prices (file or bundled name; repeatable)",
    )
    refresh.add_argument(
        "--region",
        action="append",
        default=[],
        metavar="R",
        help="region(s): with --scenario, keep only these; alone, everything planner prices there",
    )
    refresh.add_argument(
        "--services",
        nargs="+",
        metavar="CODE",
        help="only these service codes (e.g. AmazonEC2 AmazonRDS; default: all)",
    )
    refresh.add_argument(
        "--spot",
        action="store_true",
        help="also summarise 30 days of spot prices for the scenario's SPOT node groups "
        "(ec2:DescribeSpotPriceHistory)",
    )
    refresh.add_argument(
        "--savings-plans",
        action="store_true",
        help="also fetch Compute and EC2 Instance Savings Plans rates for the scenario's "
        "instance types (savingsplans:DescribeSavingsPlansOfferingRates)",
    )
    refresh.add_argument("--profile", default=None, help="AWS profile (default: AWS_PROFILE)")
    refresh.add_argument(
        "--prices", metavar="DIR", help="base snapshot to merge into (default: the --out folder)"
    )
    refresh.add_argument(
        "--out",
        metavar="DIR",
        help="snapshot folder to write (default: the repository's pricing/snapshot); must be "
        "missing, empty, or a planner snapshot",
    )
    refresh.set_defaults(func=_cmd_refresh)

    status = prices_sub.add_parser(
        "status", help="coverage per service and region, and the age of the prices"
    )
    status.add_argument("--prices", metavar="DIR", help="snapshot folder (default: bundled)")
    status.add_argument("--region", action="append", default=[], metavar="R", help="only these")
    status.add_argument(
        "--format", choices=("table", "json"), default="table", help="output format"
    )
    status.add_argument("-o", "--output", metavar="FILE", help="write here (atomically)")
    status.set_defaults(func=_cmd_status)

    diff = prices_sub.add_parser(
        "diff",
        help="what changed between two snapshots: rows added, removed and changed (with the "
        "change in percent); the review before a refreshed snapshot is committed",
    )
    diff.add_argument("old", metavar="OLD", help="the snapshot folder before")
    diff.add_argument("new", metavar="NEW", help="the snapshot folder after")
    diff.add_argument(
        "--service", action="append", default=[], metavar="CODE", help="only these (repeatable)"
    )
    diff.add_argument("--region", action="append", default=[], metavar="R", help="only these")
    diff.add_argument("--top", type=int, default=50, help="rows listed in the table (default 50)")
    diff.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    diff.add_argument("-o", "--output", metavar="FILE", help="write here (atomically)")
    diff.set_defaults(func=_cmd_diff)

    offer = prices_sub.add_parser(
        "import-offer",
        help="merge AWS's public bulk offer files (per-service, per-region index.json; Savings "
        "Plans offer files) into a snapshot, streaming them (no credentials needed)",
    )
    offer.add_argument(
        "paths", nargs="+", metavar="FILE_OR_DIR", help="offer file(s) or folders of them"
    )
    offer.add_argument(
        "--region", action="append", default=[], metavar="R", help="only these regions"
    )
    offer.add_argument(
        "--prices", metavar="DIR", help="base snapshot to merge into (default: the --out folder)"
    )
    offer.add_argument(
        "--out",
        metavar="DIR",
        help="snapshot folder to write (default: the repository's pricing/snapshot); must be "
        "missing, empty, or a planner snapshot",
    )
    offer.set_defaults(func=_cmd_import_offer)


def _out_and_base(args: argparse.Namespace) -> tuple[Path, Any]:
    from planner.catalog import MARKER, PriceCatalog, load_catalog, repository_snapshot_dir
    from planner.errors import PlannerError
    from planner.prices.snapshot import check_out_dir

    if args.out:
        out = Path(args.out)
    else:
        repo = repository_snapshot_dir()
        if repo is None:
            raise PlannerError("no repository snapshot to refresh in this install; give --out DIR")
        out = repo
    check_out_dir(out)
    if args.prices:
        base = load_catalog(args.prices)
    elif (out / MARKER).is_file() and (out / "manifest.json").is_file():
        base = PriceCatalog(out)
    else:
        base = load_catalog(None)
    return out, base


def _cmd_refresh(args: argparse.Namespace) -> int:
    from planner.aws.price_list import endpoint_of
    from planner.aws.session import client
    from planner.prices.refresh import (
        base_rows,
        extra_fields,
        fetch,
        history_entry,
        make_plan,
    )
    from planner.prices.snapshot import base_quarantine, merge_rows, write_snapshot

    out, base = _out_and_base(args)
    plan = make_plan(
        args.scenario,
        args.region,
        args.services,
        spot=args.spot,
        savings_plans=args.savings_plans,
    )
    clients: dict[tuple[str, str], Any] = {}

    def client_for(service: str, region: str) -> Any:
        if (service, region) not in clients:
            clients[(service, region)] = client(service, region, profile=args.profile)
        return clients[(service, region)]

    from planner.aws.guard import bounded

    result = bounded(lambda: fetch(plan, client_for), "Price List refresh")
    now = dt.datetime.now(dt.UTC)
    endpoint = (
        endpoint_of(clients[("pricing", "us-east-1")])
        if ("pricing", "us-east-1") in clients
        else ""
    )
    history = [
        *base.manifest.get("refreshes", []),
        history_entry(result, plan, endpoint, now.isoformat(timespec="seconds")),
    ]
    rows = merge_rows(base_rows(base), result.rows)
    write_snapshot(
        rows,
        out,
        now.date().isoformat(),
        built_from=str(base.manifest.get("built_from", "")),
        history=history,
        extra=extra_fields(base),
        quarantine=base_quarantine(base),
    )
    for missing in result.missing:
        print(
            f"warning: AWS returned no price for {missing}; the snapshot keeps its previous row",
            file=sys.stderr,
        )
    if result.conflicts:
        print(
            f"warning: {result.conflicts} product key(s) had disagreeing records; "
            "they keep their previous rows",
            file=sys.stderr,
        )
    calls = sum(result.calls.values())
    print(
        f"refreshed {len(result.rows)} price rows ({result.records} records, {calls} AWS calls) "
        f"into {out}",
        file=sys.stderr,
    )
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    from planner.catalog import load_catalog
    from planner.output import write_output
    from planner.prices.status import status_json, status_rows, status_table

    catalog = load_catalog(args.prices)
    today = dt.datetime.now(dt.UTC).date()
    rows = status_rows(catalog, today, args.region)
    text = (
        status_json(catalog, rows, today)
        if args.format == "json"
        else status_table(catalog, rows, today)
    )
    write_output(text, args.output)
    return 0


def _cmd_diff(args: argparse.Namespace) -> int:
    from planner.output import formatted, write_output
    from planner.prices.diff import diff_json, diff_snapshots, diff_table

    result = diff_snapshots(args.old, args.new, args.service, args.region)
    text = formatted(args.format, lambda: diff_table(result, args.top), lambda: diff_json(result))
    write_output(text, args.output)
    return 0


def _cmd_import_offer(args: argparse.Namespace) -> int:
    from planner.prices.offer_file import import_offers
    from planner.prices.refresh import base_rows, extra_fields
    from planner.prices.snapshot import base_quarantine, merge_rows, write_snapshot

    out, base = _out_and_base(args)
    rows, summary = import_offers([Path(p) for p in args.paths], args.region)
    now = dt.datetime.now(dt.UTC)
    entry = {"date": now.isoformat(timespec="seconds"), "endpoint": "bulk offer files", **summary}
    write_snapshot(
        merge_rows(base_rows(base), rows),
        out,
        now.date().isoformat(),
        built_from=str(base.manifest.get("built_from", "")),
        history=[*base.manifest.get("refreshes", []), entry],
        extra=extra_fields(base),
        quarantine=base_quarantine(base),
    )
    print(
        f"imported {len(rows)} price rows from {summary['files']} offer file(s) "
        f"({summary['mb']} MB) into {out}",
        file=sys.stderr,
    )
    return 0
