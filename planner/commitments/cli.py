"""``planner commitments``, ``planner forecast`` and ``planner sweep``.

Nothing heavy is imported at module level (numpy only inside the sweep command).
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from planner.errors import InputError

if TYPE_CHECKING:
    from planner.catalog import PriceCatalog
    from planner.commitments.model import Commitments
    from planner.scenario import Scenario


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format", choices=("table", "json", "csv"), default="table", help="output format"
    )
    p.add_argument("--prices", metavar="DIR", help="price snapshot folder (default: bundled)")
    p.add_argument("-o", "--output", metavar="FILE", help="write here (atomically)")


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    com = sub.add_parser(
        "commitments",
        help="purchase options side by side: upfront, amortised monthly, break-even, risk",
    )
    com.add_argument("scenario", help="scenario YAML or bundled name (staging, production)")
    com.add_argument(
        "overlays", nargs="*", metavar="OVERLAY", help="what-if overlays applied in order"
    )
    com.add_argument(
        "--sp-quantile",
        default="0",
        help="percentile (0-1) of the modelled hourly spend a Savings Plan commits to (default 0)",
    )
    _common(com)
    com.set_defaults(func=run_commitments)

    fc = sub.add_parser("forecast", help="month-by-month cost projection with commitments")
    fc.add_argument("scenario", help="scenario YAML or bundled name")
    fc.add_argument("--months", type=int, default=12, help="months to project (1-120)")
    fc.add_argument("--growth-pct", default="0", help="usage growth per month, percent (default 0)")
    fc.add_argument("--start", default=None, help="first month YYYY-MM (default: scenario as_of)")
    fc.add_argument(
        "--change",
        action="append",
        default=[],
        metavar="MONTH:SCENARIO",
        help="from month MONTH (1-based) price SCENARIO instead of the current one",
    )
    fc.add_argument(
        "--add",
        action="append",
        default=[],
        metavar="MONTH:SCENARIO",
        help="from month MONTH add SCENARIO's cost, e.g. 3:production (goes live in month 3)",
    )
    fc.add_argument(
        "--at-expiry",
        choices=("revert", "renew"),
        default="revert",
        help="when a reservation or Savings Plan term ends: revert to on-demand (default) or "
        "renew it (its upfront fee is paid again)",
    )
    _common(fc)
    fc.set_defaults(func=run_forecast)

    sw = sub.add_parser("sweep", help="evaluate a grid of variants at once; Pareto frontiers")
    sw.add_argument("scenario", help="scenario YAML or bundled name")
    sw.add_argument("--grid", required=True, metavar="GRID.yaml", help="grid of variants")
    sw.add_argument("--top", type=int, default=10, help="rows of the cheapest feasible variants")
    sw.add_argument(
        "--max-variants",
        type=int,
        default=None,
        metavar="N",
        help="refuse a grid of more variants (counted before any work; default 2,000,000)",
    )
    _common(sw)
    sw.set_defaults(func=run_sweep)


def decimal_arg(text: str, name: str, low: Decimal, high: Decimal) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InputError(f"{name} {text!r} is not a number") from None
    if not value.is_finite() or not low <= value <= high:
        raise InputError(f"{name} {text!r} must be between {low} and {high}")
    return value


def load_with_overlays(scenario: str, overlays: list[str]) -> Scenario:
    """The scenario, then each overlay merged over it in order (see ``load_stacked``)."""
    from planner.scenario import load_stacked

    return load_stacked(scenario, overlays)


def compute_commitments(
    scenario: Scenario, catalog: PriceCatalog, sp_quantile: Decimal = Decimal(0)
) -> Commitments:
    from planner.capacity.plan import plan_capacity
    from planner.commitments.options import build_commitments
    from planner.commitments.sp_options import ec2_hourly_profile

    topology = scenario.topology
    counts = mins = None
    states: dict[str, dict[str, int]] = {}
    if topology.eks is not None:
        if topology.eks.workloads or topology.eks.workloads_from:
            cap = plan_capacity(topology, base_dir=scenario.path.parent)
            states = {s: cap.nodes(s) for s in ("min", "expected", "max")}
        else:
            states = {"desired": {g.name: g.desired_size for g in topology.eks.node_groups}}
        if topology.eks.node_count == "from_capacity" and "expected" in states:
            counts = states["expected"]
        mins = states.get("min") or {g.name: g.min_size for g in topology.eks.node_groups}
    return build_commitments(
        topology,
        catalog,
        node_counts=counts,
        min_node_counts=mins,
        hourly_profile=ec2_hourly_profile(topology, catalog, states) if states else None,
        sp_quantile=sp_quantile,
    )


def run_commitments(args: argparse.Namespace) -> int:
    from planner.catalog import load_catalog
    from planner.commitments.report import commitments_csv, commitments_json, commitments_table
    from planner.output import formatted, write_output

    quantile = decimal_arg(args.sp_quantile, "--sp-quantile", Decimal(0), Decimal(1))
    scenario = load_with_overlays(args.scenario, args.overlays)
    result = compute_commitments(scenario, load_catalog(args.prices), quantile)
    text = formatted(
        args.format,
        lambda: commitments_table(result),
        lambda: commitments_json(result),
        lambda: commitments_csv(result),
    )
    write_output(text, args.output)
    return 0


def run_forecast(args: argparse.Namespace) -> int:
    from planner.catalog import load_catalog
    from planner.commitments.forecast import (
        forecast_csv,
        forecast_json,
        forecast_scenario,
        forecast_table,
        parse_change,
        parse_month,
    )
    from planner.output import formatted, write_output
    from planner.scenario import load_scenario

    if not 1 <= args.months <= 120:
        raise InputError(f"--months {args.months} must be between 1 and 120")
    growth = decimal_arg(args.growth_pct, "--growth-pct", Decimal(-100), Decimal(1000))
    scenario = load_scenario(args.scenario)
    start = parse_month(args.start) if args.start else None
    planned = scenario.topology.as_of.replace(day=1)
    if start is not None and start < planned:
        print(
            f"planner: warning: --start {start:%Y-%m} is before {scenario.path.name}'s as_of "
            f"{scenario.topology.as_of}: each month is priced at today's snapshot prices and "
            "that month's support calendar, as if the plan had run then",
            file=sys.stderr,
        )
    changes = [parse_change(c) for c in args.change]
    additions = [parse_change(c) for c in args.add]
    for flag, items in (("--change", changes), ("--add", additions)):
        for month, name in items:
            if month > args.months:
                raise InputError(
                    f"{flag} {month}:{name}: month {month} is after the last forecast month "
                    f"{args.months}; use a month from 1 to {args.months} or raise --months"
                )
    series = forecast_scenario(
        scenario,
        load_catalog(args.prices),
        months=args.months,
        growth_pct_per_month=growth,
        start=start,
        changes=[(m, load_scenario(s)) for m, s in changes],
        additions=[(m, load_scenario(s)) for m, s in additions],
        at_expiry=args.at_expiry,
    )
    text = formatted(
        args.format,
        lambda: forecast_table(series),
        lambda: forecast_json(series),
        lambda: forecast_csv(series),
    )
    write_output(text, args.output)
    return 0


def run_sweep(args: argparse.Namespace) -> int:
    from planner.catalog import load_catalog
    from planner.commitments.grid import DEFAULT_MAX_VARIANTS, load_grid, variant_count
    from planner.commitments.sweep import run_grid
    from planner.commitments.sweep_report import sweep_csv, sweep_json, sweep_table
    from planner.output import formatted, write_output
    from planner.scenario import load_scenario

    if args.top < 1:
        raise InputError(f"--top {args.top} must be at least 1")
    limit = DEFAULT_MAX_VARIANTS if args.max_variants is None else args.max_variants
    if limit < 1:
        raise InputError(f"--max-variants {limit} must be at least 1")
    scenario = load_scenario(args.scenario)
    grid = load_grid(args.grid)
    count = variant_count(grid)
    if count > limit:
        raise InputError(
            f"{args.grid}: {count:,} variants, more than --max-variants {limit:,}; narrow the "
            "grid (fewer types, purchases or schedules) or raise --max-variants"
        )
    print(f"sweeping {count:,} variants", file=sys.stderr)
    result = run_grid(scenario, grid, load_catalog(args.prices), progress=_progress)
    text = formatted(
        args.format,
        lambda: sweep_table(result, args.top),
        lambda: sweep_json(result, args.top),
        lambda: sweep_csv(result),
    )
    write_output(text, args.output)
    return 0


def _progress(done: int, total: int) -> None:
    """Capacity of the type combinations (the slow part), on stderr in tenths."""
    if total >= 200 and (done == total or done % max(1, total // 10) == 0):
        print(f"  capacity: {done:,}/{total:,} type combinations", file=sys.stderr)
