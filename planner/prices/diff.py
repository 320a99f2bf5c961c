"""``planner prices diff OLD NEW``: what changed between two price snapshots.

The review step before a refreshed snapshot is committed: rows added, rows removed, and rows
whose price changed (with the change in percent), keyed like the catalog (service, region,
product, term). Rows whose price is the same but whose source or date moved are counted as
``restated``. The files are compared as they are (their sha256 checked against their
manifests), rows the price rules would refuse included.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Literal

from planner.catalog import MARKER, PriceCatalog, PriceRow
from planner.errors import PlannerError
from planner.money import plain

Change = Literal["added", "removed", "changed"]
ORDER: dict[str, int] = {"changed": 0, "added": 1, "removed": 2}


@dataclass(frozen=True)
class RowChange:
    change: Change
    service: str
    region: str
    product: str
    term: str
    unit: str
    old_usd: Decimal | None
    new_usd: Decimal | None
    old_source_date: str
    new_source_date: str
    new_source: str

    @property
    def pct(self) -> Decimal | None:
        """Change in percent of the old price (one decimal, half up); None unless changed."""
        if self.old_usd is None or self.new_usd is None or self.old_usd == 0:
            return None
        pct = (self.new_usd - self.old_usd) / self.old_usd * 100
        return pct.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def as_json(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "service": self.service,
            "region": self.region,
            "product": self.product,
            "term": self.term,
            "unit": self.unit,
            "old_usd": None if self.old_usd is None else plain(self.old_usd),
            "new_usd": None if self.new_usd is None else plain(self.new_usd),
            "pct": None if self.pct is None else float(self.pct),
            "old_source_date": self.old_source_date or None,
            "new_source_date": self.new_source_date or None,
            "new_source": self.new_source or None,
        }


@dataclass(frozen=True)
class SnapshotDiff:
    old: str
    new: str
    changes: tuple[RowChange, ...]
    restated: int
    unchanged: int

    def counts(self) -> dict[str, int]:
        kinds = Counter(c.change for c in self.changes)
        return {k: kinds[k] for k in ("added", "removed", "changed")}

    def by_service(self) -> dict[str, dict[str, int]]:
        out: dict[str, Counter[str]] = {}
        for c in self.changes:
            out.setdefault(c.service, Counter())[c.change] += 1
        return {s: {k: out[s][k] for k in ("added", "removed", "changed")} for s in sorted(out)}


def open_snapshot(path: str) -> PriceCatalog:
    folder = Path(path)
    if folder.is_file():
        folder = folder.parent
    if not (folder / "manifest.json").is_file():
        raise PlannerError(
            f"{path}: not a price snapshot folder (no manifest.json); give a folder written by "
            f"pricing/build_snapshot.py or planner prices refresh (it has {MARKER})"
        )
    return PriceCatalog(folder)


def _rows(
    catalog: PriceCatalog, services: Sequence[str], regions: Sequence[str]
) -> dict[tuple[str, str, str, str], PriceRow]:
    out = {}
    for service in catalog.manifest["services"]:
        if services and service not in services:
            continue
        for r in catalog.file_rows(service):
            if regions and r.region not in regions:
                continue
            out[(r.service, r.region, r.product, r.term.label)] = r
    return out


def diff_snapshots(
    old_path: str, new_path: str, services: Sequence[str] = (), regions: Sequence[str] = ()
) -> SnapshotDiff:
    old = _rows(open_snapshot(old_path), services, regions)
    new = _rows(open_snapshot(new_path), services, regions)
    changes: list[RowChange] = []
    restated = unchanged = 0
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None and a.usd == b.usd:
            if (a.source, a.source_date) != (b.source, b.source_date):
                restated += 1
            else:
                unchanged += 1
            continue
        change: Change = "changed" if a and b else ("added" if b else "removed")
        row = b or a
        assert row is not None
        changes.append(
            RowChange(
                change=change,
                service=key[0],
                region=key[1],
                product=key[2],
                term=key[3],
                unit=row.unit,
                old_usd=a.usd if a else None,
                new_usd=b.usd if b else None,
                old_source_date=a.source_date if a else "",
                new_source_date=b.source_date if b else "",
                new_source=b.source if b else "",
            )
        )
    changes.sort(
        key=lambda c: (
            ORDER[c.change],
            -abs(c.pct) if c.pct is not None else 0,
            c.service,
            c.region,
            c.product,
            c.term,
        )
    )
    return SnapshotDiff(old_path, new_path, tuple(changes), restated, unchanged)


def diff_json(d: SnapshotDiff) -> dict[str, Any]:
    return {
        "old": d.old,
        "new": d.new,
        "counts": {**d.counts(), "restated": d.restated, "unchanged": d.unchanged},
        "by_service": d.by_service(),
        "rows": [c.as_json() for c in d.changes],
    }


_SHORT = (
    ("Reserved ", "RI "),
    ("SavingsPlan ", "SP "),
    ("standard", "std"),
    ("convertible", "conv"),
    (" Upfront", ""),
)


def _short(term: str) -> str:
    """``Reserved 1yr standard Partial Upfront`` -> ``RI 1yr std Partial`` (the table only)."""
    for long, short in _SHORT:
        term = term.replace(long, short)
    return term


def diff_table(d: SnapshotDiff, top: int = 50) -> str:
    counts = d.counts()
    lines = [
        f"Price snapshot diff: {d.old} -> {d.new}",
        f"{counts['added']} added, {counts['removed']} removed, {counts['changed']} changed; "
        f"{d.restated} restated (same price, new source or date), {d.unchanged} unchanged",
        "",
    ]
    if d.changes:
        lines.append(f"{'service':<18} {'added':>7} {'removed':>8} {'changed':>8}")
        for service, n in d.by_service().items():
            lines.append(f"{service:<18} {n['added']:>7} {n['removed']:>8} {n['changed']:>8}")
        lines.append("")
        shown = d.changes[:top]
        head = (
            f"{'change':<8} {'service':<17} {'region':<14} {'product / term':<44} "
            f"{'old':>10} {'new':>10} {'pct':>8}"
        )
        lines.append(head)
        for c in shown:
            what = c.product + ("" if c.term == "OnDemand" else f" [{_short(c.term)}]")
            old = "-" if c.old_usd is None else plain(c.old_usd)
            new = "-" if c.new_usd is None else plain(c.new_usd)
            pct = "" if c.pct is None else f"{c.pct:+.1f}%"
            lines.append(
                f"{c.change:<8} {c.service[:17]:<17} {c.region[:14]:<14} {what[:44]:<44} "
                f"{old[:10]:>10} {new[:10]:>10} {pct:>8}"
            )
        if len(d.changes) > top:
            lines.append(
                f"... {len(d.changes) - top} more rows (--top N shows more; --format json "
                "lists every row)"
            )
    return "\n".join(lines) + "\n"
