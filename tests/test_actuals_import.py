"""DuckDB import of the CUR 2.0 and FOCUS exports (Parquet, CSV) into the tidy table."""

from __future__ import annotations

import gzip
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from actuals_helpers import CUR2, FOCUS, FOCUS_CSV, SAMPLE, raw_totals

from planner.actuals.imports import import_exports
from planner.actuals.sql import TIDY_COLUMNS
from planner.actuals.tidy import read_rows
from planner.errors import InputError


def _by(table, key: str, value: str) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(Decimal)
    for row in table.to_pylist():
        out[row[key]] += row[value]
    return dict(out)


def test_cur2_totals_match_the_raw_file() -> None:
    table = import_exports([str(CUR2)])
    assert table.column_names == list(TIDY_COLUMNS)
    # unblended: the plain sum of line_item_unblended_cost, month by month
    assert _by(table, "month", "unblended_usd") == raw_totals(
        CUR2, "line_item_unblended_cost", "bill_billing_period_start_date"
    )
    # rows of the file = line items counted by the aggregation
    import pyarrow.parquet as pq

    assert sum(table.column("line_items").to_pylist()) == pq.read_metadata(CUR2).num_rows


def test_focus_parquet_totals_match_the_raw_file() -> None:
    table = import_exports([str(FOCUS)])
    assert _by(table, "month", "amortised_usd") == raw_totals(
        FOCUS, "EffectiveCost", "BillingPeriodStart"
    )
    assert _by(table, "month", "unblended_usd") == raw_totals(
        FOCUS, "BilledCost", "BillingPeriodStart"
    )


def test_three_layout_files_agree_on_amortised_cost_per_service_and_month() -> None:
    tables = [import_exports([str(p)]) for p in (CUR2, FOCUS, FOCUS_CSV)]

    def key(t):
        out: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
        for r in t.to_pylist():
            out[(r["month"], r["service"], r["usage_type"])] += r["amortised_usd"]
        return dict(out)

    cur, focus, csv_ = (key(t) for t in tables)
    assert cur == focus == csv_
    # October's Savings Plan: commitment 31 days x 24 h x $0.035 = $26.04, of which
    # 744 h x $0.02995 = $22.2828 used on t3.medium, so $3.7572 unused on the fee line
    assert cur[("2025-10", "ComputeSavingsPlans", "ComputeSP:1yrNoUpfront")] == Decimal("3.7572")


def test_plain_csv_and_a_folder_of_both_layouts(tmp_path: Path) -> None:
    plain = tmp_path / "focus.csv"
    with gzip.open(FOCUS_CSV, "rb") as src, plain.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(CUR2, folder / "cur.parquet")
    shutil.copy(plain, folder / "focus.csv")
    one = _by(import_exports([str(plain)]), "month", "amortised_usd")
    assert set(one) == {"2025-08", "2025-09", "2025-10"}
    # both files hold the same bill (account 111122223333, the same months) in two layouts:
    # adding them up would double it, so the folder is refused, naming both files
    with pytest.raises(InputError, match=r"cur\.parquet and .*focus\.csv: both hold month 2025-08"):
        import_exports([str(folder)])


def test_tags_are_json_in_both_layouts() -> None:
    for path in (CUR2, FOCUS_CSV):
        rows = import_exports([str(path)]).to_pylist()
        general = [r for r in rows if r["usage_type"] == "EBS:VolumeUsage.gp3"]
        assert {r["tags"].replace(" ", "") for r in general} == {
            '{"user_Environment":"staging","user_eks:nodegroup-name":"compute"}',
            '{"user_Environment":"staging","user_eks:nodegroup-name":"general"}',
        }


def test_import_cli_writes_an_atomic_tidy_table(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "actuals.parquet"
    result = run_cli(["actuals", "import", str(SAMPLE / "cur2"), "-o", str(out)])
    assert result.code == 0, result.err
    assert "86 rows, 2025-08..2025-10" in result.err
    rows = read_rows(out)
    assert len(rows) == 86
    assert [p.name for p in tmp_path.iterdir()] == ["actuals.parquet"]  # no temp file left


def test_import_cli_tag_filter(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "a.parquet"
    result = run_cli(
        ["actuals", "import", str(CUR2), "-o", str(out), "--tag", "eks:nodegroup-name=general"]
    )
    assert result.code == 0, result.err
    rows = read_rows(out)
    assert rows and all(r.tag_map()["eks:nodegroup-name"] == "general" for r in rows)
    assert {r.usage_type for r in rows} == {"BoxUsage:t3.medium", "EBS:VolumeUsage.gp3"}


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda p: p / "missing.parquet", "no such file or folder"),
        (lambda p: (p / "x.txt").write_text("hi") and p / "x.txt", "not a .parquet"),
        (
            lambda p: (p / "bad.csv").write_text("a,b\n1,2\n") and p / "bad.csv",
            "unknown billing layout",
        ),
        (lambda p: (p / "empty").mkdir() or p / "empty", "no .parquet, .csv"),
    ],
)
def test_bad_inputs_are_one_line_exit_2(run_cli, tmp_path: Path, make, needle: str) -> None:
    path = make(tmp_path)
    out = tmp_path / "out.parquet"
    result = run_cli(["actuals", "import", str(path), "-o", str(out)])
    assert result.code == 2
    assert needle in result.err and result.err.count("\n") == 1
    assert not out.exists()


def test_s3_without_httpfs_says_so(run_cli, tmp_path: Path) -> None:
    from planner.actuals.imports import httpfs_available

    if httpfs_available():  # pragma: no cover - depends on the machine
        pytest.skip("httpfs is installed here; the offline message does not apply")
    result = run_cli(
        ["actuals", "import", "s3://bucket/cur/x.parquet", "-o", str(tmp_path / "o.parquet")]
    )
    assert result.code == 2
    assert "httpfs" in result.err and "--engine athena" in result.err


def test_several_million_rows(tmp_path: Path) -> None:
    """A generated CUR 2.0 file of 2,000,000 line items: totals exact, memory capped."""
    from planner.actuals.synthetic import write_cur2

    path = tmp_path / "big.parquet"
    expected = write_cur2(path, rows=2_000_000)
    table = import_exports([str(path)], memory_limit="256MB")
    got = _by(table, "month", "unblended_usd")
    assert got == expected
    assert sum(table.column("line_items").to_pylist()) == 2_000_000


def test_sums_are_decimal_not_float(tmp_path: Path) -> None:
    """2,000,000 line items of $0.1 (which a binary float cannot hold): summed as DOUBLE the
    total drifts in the 8th decimal; the tidy SQL's DECIMAL(38,10) sum is exactly $200,000."""
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    from planner.actuals.layouts import CUR2_COLUMNS
    from planner.actuals.sample_files import arrow_schema

    n = 2_000_000
    schema = arrow_schema(CUR2_COLUMNS)
    used = {
        "bill_billing_period_start_date": pa.repeat(
            pa.scalar(dt.datetime(2025, 8, 1), pa.timestamp("ms")), n
        ),
        "line_item_usage_type": pa.repeat(pa.scalar("BoxUsage:t3.medium"), n),
        "product_servicecode": pa.repeat(pa.scalar("AmazonEC2"), n),
        "line_item_line_item_type": pa.repeat(pa.scalar("Usage"), n),
        "line_item_currency_code": pa.repeat(pa.scalar("USD"), n),
        "line_item_unblended_cost": pa.repeat(pa.scalar(0.1), n),
    }
    table = pa.table({f.name: used.get(f.name, pa.nulls(n, f.type)) for f in schema}, schema=schema)
    path = tmp_path / "tenths.parquet"
    pq.write_table(table, path)
    del table, used
    got = _by(import_exports([str(path)]), "month", "unblended_usd")
    assert got == {"2025-08": Decimal("200000")}


def test_invalid_table_for_variance(run_cli, tmp_path: Path) -> None:
    bad = tmp_path / "x.parquet"
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"a": [1]}), bad)
    with pytest.raises(InputError, match=r"unknown billing layout"):
        import_exports([str(bad)])


def test_cli_start_up_does_not_load_duckdb_pyarrow_or_boto3() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from planner.cli import _build_parser; _build_parser(); "
        "print(sorted(m for m in ('duckdb', 'pyarrow', 'boto3', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
