"""``planner prices diff OLD NEW`` on two small hand-made snapshots."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from planner.catalog import ON_DEMAND, PriceRow, Term
from planner.prices.snapshot import write_snapshot

RI = Term("Reserved", "1yr", "No Upfront", "standard")


def _row(product: str, usd: str, date: str = "2026-01-01", term: Term = ON_DEMAND) -> PriceRow:
    return PriceRow(
        "AmazonEC2",
        "us-east-1",
        product,
        "",
        term,
        "Hrs",
        Decimal(usd),
        "list",
        "",
        "hand/made:rows@0",
        date,
    )


def _snapshots(tmp_path: Path) -> tuple[Path, Path]:
    old = [
        _row("instance/t3.medium", "0.0416"),
        _row("instance/m5.large", "0.096"),
        _row("instance/m5.large", "0.06", term=RI),
        _row("nat/hours", "0.045"),
        _row("instance/c5.large", "0.085"),
    ]
    new = [
        _row("instance/t3.medium", "0.0416"),  # unchanged
        _row("instance/m5.large", "0.1"),  # changed: (0.1 - 0.096) / 0.096 = +4.17% -> +4.2%
        _row("instance/m5.large", "0.057", term=RI),  # (0.057 - 0.06) / 0.06 = -5.0%
        _row("instance/t3.large", "0.0832"),  # added; nat/hours removed
        _row("instance/c5.large", "0.085", date="2026-06-01"),  # restated: same price, new date
    ]
    write_snapshot(old, tmp_path / "old", "2026-01-01")
    write_snapshot(new, tmp_path / "new", "2026-06-01")
    return tmp_path / "old", tmp_path / "new"


def test_diff_json_lists_added_removed_and_changed_rows(tmp_path: Path, run_cli) -> None:
    old, new = _snapshots(tmp_path)
    result = run_cli(["prices", "diff", str(old), str(new), "--format", "json"])
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["counts"] == {
        "added": 1,
        "removed": 1,
        "changed": 2,
        "restated": 1,
        "unchanged": 1,
    }
    rows = {(r["change"], r["product"], r["term"]): r for r in doc["rows"]}
    changed = rows[("changed", "instance/m5.large", "OnDemand")]
    assert (changed["old_usd"], changed["new_usd"], changed["pct"]) == ("0.096", "0.1", 4.2)
    ri = rows[("changed", "instance/m5.large", "Reserved 1yr standard No Upfront")]
    assert ri["pct"] == -5.0
    added = rows[("added", "instance/t3.large", "OnDemand")]
    assert (added["old_usd"], added["new_usd"], added["pct"]) == (None, "0.0832", None)
    removed = rows[("removed", "nat/hours", "OnDemand")]
    assert (removed["old_usd"], removed["new_usd"]) == ("0.045", None)
    # changed rows first, the largest change first
    assert [r["change"] for r in doc["rows"]] == ["changed", "changed", "added", "removed"]
    assert doc["rows"][0]["pct"] == -5.0


def test_diff_table_foots_and_names_the_rows(tmp_path: Path, run_cli) -> None:
    old, new = _snapshots(tmp_path)
    result = run_cli(["prices", "diff", str(old), str(new)])
    assert result.code == 0, result.err
    text = result.out
    assert "1 added, 1 removed, 2 changed; 1 restated" in text
    assert "instance/m5.large [RI 1yr std No]" in text
    line = next(ln for ln in text.splitlines() if ln.startswith("changed") and "[" not in ln)
    assert line.split()[-3:] == ["0.096", "0.1", "+4.2%"]


def test_diff_of_a_folder_that_is_no_snapshot_is_one_line(tmp_path: Path, run_cli) -> None:
    _, new = _snapshots(tmp_path)
    result = run_cli(["prices", "diff", str(tmp_path / "nowhere"), str(new)])
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert "not a price snapshot folder" in result.err
