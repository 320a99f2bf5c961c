"""Writing a price snapshot folder safely: build it beside the target, then swap it in whole.

A snapshot folder carries :data:`MARKER`; ``--out DIR`` accepts only a missing or empty
folder or one with that marker, so a refresh never empties a folder of the user's. A failed
or interrupted write leaves the previous snapshot as it was.

Every snapshot written here goes through the price rules (:mod:`planner.price_rules`), the
same gate as the builder's: rows that break one go to ``quarantine.csv`` with the rule and
the evidence (with the base snapshot's quarantined rows that nothing replaced), never into
the served files.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from planner.catalog import (
    MARKER,
    QUARANTINE_COLUMNS,
    QUARANTINE_FILE,
    SNAPSHOT_COLUMNS,
    PriceCatalog,
    PriceRow,
    price_row,
    region_offsets,
)
from planner.errors import PlannerError
from planner.price_rules import RULES_VERSION, Violation, check, key_of

Key = tuple[str, str, str, Any]


def check_out_dir(out_dir: Path) -> None:
    """Refuse any folder that is not empty, missing, or a planner snapshot."""
    if out_dir.is_symlink() or (out_dir.exists() and not out_dir.is_dir()):
        raise PlannerError(f"{out_dir}: --out must be a folder (not a file or a symlink)")
    if not out_dir.exists():
        if not out_dir.parent.is_dir():
            raise PlannerError(f"{out_dir}: parent folder {out_dir.parent} does not exist")
        return
    if (out_dir / MARKER).is_file() or not any(out_dir.iterdir()):
        return
    raise PlannerError(
        f"{out_dir}: refusing to replace a folder that is not a planner price snapshot "
        f"(it has files and no {MARKER}); give an empty or new folder"
    )


def merge_rows(base: Iterable[PriceRow], live: Iterable[PriceRow]) -> list[PriceRow]:
    """Base rows with every key the live rows have replaced by the live row (none dropped)."""
    merged = {(r.service, r.region, r.product, r.term): r for r in base}
    for r in live:
        merged[(r.service, r.region, r.product, r.term)] = r
    return list(merged.values())


def row_fields(r: PriceRow) -> list[str]:
    return [
        r.service,
        r.region,
        r.product,
        r.attributes,
        r.term.kind,
        r.term.lease,
        r.term.purchase_option,
        r.term.offering_class,
        r.unit,
        format(r.usd, "f"),
        r.price_kind,
        r.derivation,
        r.source,
        r.source_date,
    ]


def write_snapshot(
    rows: list[PriceRow],
    out_dir: Path,
    snapshot_date: str,
    *,
    builder: str = "planner prices refresh",
    built_from: str = "AWS Price List API (GetProducts)",
    history: list[dict[str, Any]] | None = None,
    extra: Mapping[str, Mapping[str, Any]] | None = None,
    quarantine: Iterable[Violation] = (),
    gate: bool = True,
) -> Path:
    """Write rows in the snapshot's format (one CSV per service + manifest), swapped in whole.

    With ``gate`` (always, except in tests that need an ungated file) the rows go through the
    price rules first; ``quarantine`` holds the base snapshot's quarantined rows, kept in the
    new ``quarantine.csv`` unless a served row now has their key.
    """
    check_out_dir(out_dir)
    for r in rows:
        if any(ch in field for field in row_fields(r) for ch in "\r\n"):
            raise PlannerError(f"{r.ref}: a field holds a line break; cannot write it")
    violations: list[Violation] = []
    corrected = 0
    if gate:
        verdict = check(rows)
        rows, violations, corrected = verdict.served, verdict.quarantined, len(verdict.corrected)
        served = {key_of(r) for r in rows}
        fresh = {key_of(v.row) for v in violations}
        violations += [
            v for v in quarantine if key_of(v.row) not in served and key_of(v.row) not in fresh
        ]
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        manifest = _write_files(rows, tmp, snapshot_date, builder, built_from, history, extra)
        for entry in manifest["services"].values():
            if gate:
                entry["price_rules"] = RULES_VERSION
            else:
                entry.pop("price_rules", None)
        if gate:
            manifest["quarantine"] = write_quarantine(tmp / QUARANTINE_FILE, violations)
            manifest["quarantine"]["corrected"] = corrected
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        (tmp / MARKER).write_text("planner price snapshot; safe for planner to replace\n")
        _swap(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir


def _write_files(
    rows: list[PriceRow],
    tmp: Path,
    snapshot_date: str,
    builder: str,
    built_from: str,
    history: list[dict[str, Any]] | None,
    extra: Mapping[str, Mapping[str, Any]] | None,
) -> dict[str, Any]:
    services: dict[str, Any] = {}
    by_service: dict[str, list[PriceRow]] = {}
    order = sorted(rows, key=lambda r: tuple(row_fields(r)[:8]))
    for row in order:
        by_service.setdefault(row.service, []).append(row)
    for service, items in sorted(by_service.items()):
        path = tmp / f"{service}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(SNAPSHOT_COLUMNS)
            writer.writerows(row_fields(r) for r in items)
        dates = sorted({r.source_date for r in items})
        services[service] = {
            "file": path.name,
            "rows": len(items),
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "source_dates": [dates[0], dates[-1]],
            "regions": sorted({r.region for r in items}),
            "region_offsets": region_offsets(path),
            **dict((extra or {}).get(service, {})),
        }
    return {
        "snapshot_date": snapshot_date,
        "currency": "USD",
        "built_from": built_from,
        "builder": builder,
        "columns": list(SNAPSHOT_COLUMNS),
        "services": services,
        "total_rows": len(rows),
        "refreshes": history or [],
    }


def write_quarantine(path: Path, violations: Iterable[Violation]) -> dict[str, Any]:
    """``quarantine.csv``: each refused row in the snapshot's columns, then rule and evidence;
    returns its manifest entry (file, rows, sha256, rows per rule)."""
    ordered = sorted(violations, key=lambda v: (*row_fields(v.row)[:8], v.rule))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(QUARANTINE_COLUMNS)
        writer.writerows([*row_fields(v.row), v.rule, v.evidence] for v in ordered)
    by_rule: dict[str, int] = {}
    for v in ordered:
        by_rule[v.rule] = by_rule.get(v.rule, 0) + 1
    return {
        "file": path.name,
        "rows": len(ordered),
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "by_rule": dict(sorted(by_rule.items())),
    }


def base_quarantine(catalog: PriceCatalog) -> list[Violation]:
    """What a refresh carries forward: the base snapshot's quarantine file, and the rows its
    catalog refused on load (a snapshot written before the gate)."""
    for service in catalog.manifest["services"]:
        catalog.rows(service)  # loads (and so checks) every file
    return [*read_quarantine_rows(catalog.directory), *catalog.refused.values()]


def read_quarantine_rows(directory: Path) -> list[Violation]:
    """The quarantined rows of a snapshot folder (none when it has no quarantine file)."""
    path = directory / QUARANTINE_FILE
    if not path.is_file():
        return []
    out = []
    with path.open(newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            row = price_row(r)
            out.append(Violation(r["rule"], row, r["evidence"]))
    return out


def _swap(new: Path, out_dir: Path) -> None:
    """Put ``new`` in place of ``out_dir``, keeping what the user added there (planner's own
    files: the marker, manifest.json and the service CSVs the old manifest lists)."""
    from planner.owned import swap_in

    swap_in(new, out_dir, snapshot_files(out_dir))


def snapshot_files(folder: Path) -> set[str]:
    """What planner wrote in a snapshot folder: marker, manifest, the price rules' quarantine
    and the listed CSVs."""
    ours = {MARKER, "manifest.json", "quarantine.csv"}
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        services = manifest.get("services", {})
        ours |= {
            str(v["file"])
            for v in services.values()
            if isinstance(v, dict) and isinstance(v.get("file"), str) and "/" not in v["file"]
        }
    except (OSError, ValueError, AttributeError, TypeError, KeyError):
        pass  # an empty folder, or a marker without a manifest: only planner's fixed names
    return ours
