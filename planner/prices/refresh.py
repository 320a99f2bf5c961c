"""``planner prices refresh``: live prices from AWS, merged by key into a snapshot.

What to fetch comes from ``--scenario`` (exactly the products its cost lines use: a few
narrow GetProducts queries) or ``--region`` (everything planner prices in the region),
limited by ``--services``. Spot summaries and Savings Plans rates are opt-in (``--spot``,
``--savings-plans``). The result is written beside the target and swapped in whole.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from planner.catalog import SERVICES, PriceCatalog, PriceRow, Term
from planner.errors import PlannerError
from planner.prices.records import Deduper, record_rows
from planner.prices.services import SPECS, Query, product_query, region_queries

ClientFactory = Callable[[str, str], Any]  # (aws service, region) -> client


@dataclass
class Plan:
    queries: list[Query] = field(default_factory=list)
    needs: set[tuple[str, str, str, Term]] = field(default_factory=set)
    spot: dict[str, set[str]] = field(default_factory=dict)  # region -> instance types
    savings: dict[str, set[str]] = field(default_factory=dict)  # region -> instance types


@dataclass
class Result:
    rows: list[PriceRow] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)
    records: int = 0
    conflicts: int = 0
    missing: list[str] = field(default_factory=list)
    publication_dates: dict[str, list[str]] = field(default_factory=dict)


def check_services(services: Sequence[str] | None) -> list[str]:
    if not services:
        return list(SERVICES)
    unknown = [s for s in services if s not in SPECS]
    if unknown:
        raise PlannerError(
            f"--services: unknown service code(s) {', '.join(unknown)}; "
            f"valid: {', '.join(SERVICES)}"
        )
    return list(dict.fromkeys(services))


def make_plan(
    scenarios: Sequence[str],
    regions: Sequence[str],
    services: Sequence[str] | None,
    *,
    spot: bool = False,
    savings_plans: bool = False,
) -> Plan:
    from planner.prices.needs import instance_types, scenario_needs, spot_instance_types

    wanted = check_services(services)
    plan = Plan()
    if not scenarios and not regions:
        raise PlannerError("prices refresh: give --scenario FILE or --region REGION (or both)")
    for ref in scenarios:
        region, needs = scenario_needs(ref)
        if regions and region not in regions:
            continue
        for need in sorted(needs, key=str):
            if need[0] in wanted and need[3].kind in ("OnDemand", "Reserved"):
                plan.needs.add(need)
                query = product_query(need[0], need[1], need[2])
                if query not in plan.queries:
                    plan.queries.append(query)
        if spot:
            plan.spot.setdefault(region, set()).update(spot_instance_types(ref))
        if savings_plans:
            plan.savings.setdefault(region, set()).update(instance_types(ref))
    if not scenarios:
        for region in regions:
            for service in wanted:
                plan.queries.extend(
                    q for q in region_queries(service, region) if q not in plan.queries
                )
    if (spot or savings_plans) and not scenarios:
        raise PlannerError("--spot and --savings-plans need --scenario (its instance types)")
    if not plan.queries and not any(plan.spot.values()) and not any(plan.savings.values()):
        raise PlannerError(
            "prices refresh: nothing to fetch (the scenarios' regions and services do not "
            f"meet --region {' '.join(regions) or '-'} --services {' '.join(wanted)})"
        )
    return plan


def fetch(plan: Plan, client_for: ClientFactory, *, today: str | None = None) -> Result:
    """Run the plan's AWS calls (progress on stderr) and collect normalized rows."""
    from tqdm import tqdm

    from planner.aws.price_list import CallCounter, get_products
    from planner.aws.session import PRICING_API_REGION

    result = Result()
    counter = CallCounter()
    dedupe = Deduper()
    live = dedupe.rows
    pricing = client_for("pricing", PRICING_API_REGION) if plan.queries else None
    bar = tqdm(
        plan.queries, desc="GetProducts", unit="query", file=sys.stderr, delay=1.0, disable=None
    )
    for query in bar:
        spec = SPECS[query.service]
        for record in get_products(pricing, query.service, query.aws_filters(), counter):
            for row in record_rows(
                record, query.service, spec.mapper, source="AWS Price List API GetProducts"
            ):
                dedupe.add(row)
    result.records = counter.records
    result.calls = dict(counter.by_service)
    result.conflicts = len(dedupe.clashes)
    for need in sorted(plan.needs, key=str):
        if need not in live:
            result.missing.append(f"{need[0]} {need[2]} in {need[1]}")
    day = today or dt.datetime.now(dt.UTC).date().isoformat()
    for region, types in sorted(plan.spot.items()):
        if types:
            live.update(
                _key(r) for r in _spot(client_for("ec2", region), region, sorted(types), result)
            )
    for region, types in sorted(plan.savings.items()):
        if types:
            live.update(
                _key(r)
                for r in _savings(
                    client_for("savingsplans", "us-east-1"), region, sorted(types), day, result
                )
            )
    result.rows = list(live.values())
    dates: dict[str, list[str]] = {}
    for row in result.rows:
        span = dates.setdefault(row.service, [row.source_date, row.source_date])
        span[0], span[1] = min(span[0], row.source_date), max(span[1], row.source_date)
    result.publication_dates = dates
    return result


def _key(row: PriceRow) -> tuple[tuple[str, str, str, Term], PriceRow]:
    return (row.service, row.region, row.product, row.term), row


def _spot(client: Any, region: str, types: list[str], result: Result) -> list[PriceRow]:
    from planner.aws.spot import spot_history
    from planner.prices.commitments import spot_rows

    history = spot_history(client, types)
    result.calls["ec2 DescribeSpotPriceHistory"] = (
        result.calls.get("ec2 DescribeSpotPriceHistory", 0) + 1
    )
    rows = spot_rows(history, region, "AWS EC2 DescribeSpotPriceHistory (30 days)")
    found = {r.product for r in rows}
    result.missing += [
        f"AmazonEC2 spot instance/{t} in {region}" for t in types if f"instance/{t}" not in found
    ]
    return rows


def _savings(
    client: Any, region: str, types: list[str], day: str, result: Result
) -> list[PriceRow]:
    from planner.aws.savings_plans import offering_rates
    from planner.prices.commitments import savings_plan_rows

    results, calls = offering_rates(client, region, types)
    result.calls["savingsplans DescribeSavingsPlansOfferingRates"] = calls
    rows = savings_plan_rows(results, region, day)
    found = {r.product for r in rows}
    result.missing += [
        f"AmazonEC2 Savings Plans instance/{t} in {region}"
        for t in types
        if f"instance/{t}" not in found
    ]
    return rows


def base_rows(catalog: PriceCatalog) -> Iterable[PriceRow]:
    for service in catalog.manifest["services"]:
        yield from catalog.rows(service)


STANDARD_KEYS = {"file", "rows", "sha256", "source_dates", "regions", "region_offsets"}


def history_entry(result: Result, plan: Plan, endpoint: str, when: str) -> dict[str, Any]:
    from planner.redact import redact_url

    regions = sorted({q.filters[0][1] for q in plan.queries} | set(plan.spot) | set(plan.savings))
    return {
        "date": when,
        "endpoint": redact_url(endpoint),
        "regions": regions,
        "services": sorted({q.service for q in plan.queries}),
        "calls": result.calls,
        "records": result.records,
        "rows": len(result.rows),
        "publication_dates": result.publication_dates,
        "conflicting_records_dropped": result.conflicts,
        "not_found": result.missing,
    }


def extra_fields(catalog: PriceCatalog) -> dict[str, dict[str, Any]]:
    return {
        service: {k: v for k, v in entry.items() if k not in STANDARD_KEYS}
        for service, entry in catalog.manifest["services"].items()
    }
