"""Writing a price snapshot folder safely: build it beside the target, then swap it in whole.

A snapshot folder carries :data:`MARKER`; ``--out DIR`` accepts only a missing or empty
folder or one with that marker, so a refresh never empties a folder of the user's. A failed
or interrupted write leaves the previous snapshot as it was.
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

from planner.catalog import MARKER, SNAPSHOT_COLUMNS, PriceRow, region_offsets
from planner.errors import PlannerError

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


def _row_fields(r: PriceRow) -> list[str]:
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
) -> Path:
    """Write rows in the snapshot's format (one CSV per service + manifest), swapped in whole."""
    check_out_dir(out_dir)
    for r in rows:
        if any(ch in field for field in _row_fields(r) for ch in "\r\n"):
            raise PlannerError(f"{r.ref}: a field holds a line break; cannot write it")
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        manifest = _write_files(rows, tmp, snapshot_date, builder, built_from, history, extra)
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
    order = sorted(rows, key=lambda r: tuple(_row_fields(r)[:8]))
    for row in order:
        by_service.setdefault(row.service, []).append(row)
    for service, items in sorted(by_service.items()):
        path = tmp / f"{service}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(SNAPSHOT_COLUMNS)
            writer.writerows(_row_fields(r) for r in items)
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


def _swap(new: Path, out_dir: Path) -> None:
    """Put ``new`` in place of ``out_dir``, keeping what the user added there (planner's own
    files: the marker, manifest.json and the service CSVs the old manifest lists)."""
    from planner.owned import swap_in

    swap_in(new, out_dir, snapshot_files(out_dir))


def snapshot_files(folder: Path) -> set[str]:
    """What planner wrote in a snapshot folder: marker, manifest and the listed CSVs."""
    ours = {MARKER, "manifest.json"}
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        services = manifest.get("services", {})
        ours |= {
            str(v["file"])
            for v in services.values()
            if isinstance(v, dict) and isinstance(v.get("file"), str) and "/" not in v["file"]
        }
    except (OSError, ValueError, AttributeError, TypeError, KeyError):
        pass  # an empty folder, or a marker without a manifest: only the two names
    return ours
