"""``planner prices status``: coverage per service and region, and how old the prices are."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from planner.catalog import PriceCatalog, read_quarantine

STALE_DAYS = 365
# A served row the gate derived in place of a quarantined one says so in its derivation.
CORRECTION_MARK = "was quarantined ("


@dataclass(frozen=True)
class Coverage:
    service: str
    region: str
    rows: int
    on_demand: int
    reserved: int
    savings_plan: int
    spot: int
    oldest: str
    newest: str
    oldest_age_days: int
    stale_rows: int


def age_days(source_date: str, today: dt.date) -> int:
    try:
        return (today - dt.date.fromisoformat(source_date[:10])).days
    except ValueError:
        return -1


def status_rows(
    catalog: PriceCatalog, today: dt.date, regions: Sequence[str] = ()
) -> list[Coverage]:
    out = []
    for service in sorted(catalog.manifest["services"]):
        groups: dict[str, list[Any]] = defaultdict(list)
        for row in catalog.rows(service):
            if not regions or row.region in regions:
                groups[row.region].append(row)
        for region, rows in sorted(groups.items()):
            kinds = Counter(r.term.kind for r in rows)
            dates = sorted(r.source_date for r in rows)
            out.append(
                Coverage(
                    service=service,
                    region=region,
                    rows=len(rows),
                    on_demand=kinds["OnDemand"],
                    reserved=kinds["Reserved"],
                    savings_plan=kinds["SavingsPlan"],
                    spot=kinds["Spot"],
                    oldest=dates[0],
                    newest=dates[-1],
                    oldest_age_days=age_days(dates[0], today),
                    stale_rows=sum(1 for d in dates if age_days(d, today) > STALE_DAYS),
                )
            )
    return out


def quarantine_summary(catalog: PriceCatalog) -> dict[str, Any]:
    """How many rows the price rules kept out (``quarantine.csv``, by rule), how many served
    rows are corrections derived in their place, and how many rows the catalog refused on
    load (0 for a snapshot written through the gate). Call after the rows are loaded."""
    by_rule = Counter(rule for rule, _ in read_quarantine(catalog.directory).values())
    corrected = sum(
        1
        for service in catalog.manifest["services"]
        for r in catalog.rows(service)
        if CORRECTION_MARK in r.derivation
    )
    refused = Counter(v.rule for v in catalog.refused.values())
    return {
        "file": "quarantine.csv" if by_rule else None,
        "rows": sum(by_rule.values()),
        "by_rule": dict(sorted(by_rule.items())),
        "corrected": corrected,
        "refused_on_load": sum(refused.values()),
        "refused_by_rule": dict(sorted(refused.items())),
    }


def _quarantine_lines(summary: dict[str, Any]) -> list[str]:
    rules = ", ".join(f"{rule} {n}" for rule, n in summary["by_rule"].items())
    lines = [
        f"price rules: {summary['rows']} source rows quarantined (never served)"
        + (f": {rules}" if rules else "")
        + (" — see quarantine.csv" if summary["rows"] else ""),
        f"  {summary['corrected']} served rows are corrections derived from the same source",
    ]
    if summary["refused_on_load"]:
        refused = ", ".join(f"{rule} {n}" for rule, n in summary["refused_by_rule"].items())
        lines.append(
            f"  {summary['refused_on_load']} rows refused when read (a snapshot written before "
            f"the gate): {refused}; rewrite it with planner prices refresh"
        )
    return lines


def _header(catalog: PriceCatalog) -> list[str]:
    m = catalog.manifest
    lines = [
        f"snapshot {catalog.directory} written {m.get('snapshot_date')} by {m.get('builder')}",
        f"built from: {m.get('built_from')}",
    ]
    for r in m.get("refreshes", [])[-3:]:
        calls = (
            sum(r.get("calls", {}).values()) if isinstance(r.get("calls"), dict) else r.get("calls")
        )
        lines.append(
            f"refresh {r.get('date')} from {r.get('endpoint') or '?'}: {r.get('rows')} rows, "
            f"{calls} calls, regions {', '.join(r.get('regions', []))}"
        )
    return lines


def status_table(catalog: PriceCatalog, rows: list[Coverage], today: dt.date) -> str:
    head = (
        "service",
        "region",
        "rows",
        "OD",
        "RI",
        "SP",
        "spot",
        "oldest",
        "newest",
        "age d",
        "stale",
    )
    table = [
        (
            c.service,
            c.region,
            str(c.rows),
            str(c.on_demand),
            str(c.reserved),
            str(c.savings_plan),
            str(c.spot),
            c.oldest,
            c.newest,
            str(c.oldest_age_days),
            str(c.stale_rows),
        )
        for c in rows
    ]
    widths = [
        max(len(h), *(len(t[i]) for t in table)) if table else len(h) for i, h in enumerate(head)
    ]
    fmt = "  ".join(f"{{:{'<' if i < 2 else '>'}{w}}}" for i, w in enumerate(widths))
    lines = [*_header(catalog), "", fmt.format(*head)]
    lines += [fmt.format(*t) for t in table]
    stale = sum(c.stale_rows for c in rows)
    lines.append("")
    lines += _quarantine_lines(quarantine_summary(catalog))
    lines.append(
        f"{stale} of {sum(c.rows for c in rows)} rows are older than {STALE_DAYS} days on {today}"
        + ("; refresh them with planner prices refresh" if stale else "")
    )
    return "\n".join(lines) + "\n"


def status_json(catalog: PriceCatalog, rows: list[Coverage], today: dt.date) -> str:
    doc = {
        "snapshot": str(catalog.directory),
        "today": today.isoformat(),
        "stale_after_days": STALE_DAYS,
        "manifest": {
            k: v
            for k, v in catalog.manifest.items()
            if k in ("snapshot_date", "builder", "built_from", "refreshes")
        },
        "coverage": [asdict(c) for c in rows],
        "quarantine": quarantine_summary(catalog),
    }
    return json.dumps(doc, indent=2) + "\n"
