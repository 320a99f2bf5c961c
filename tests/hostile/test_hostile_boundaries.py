"""Validation at every boundary: bills, usage, prices, counts, grids, growth.

Each case was a silent wrong value or a traceback before: a EUR bill read as dollars, the
same bill counted twice, negative usage costs, a `*` in a file name read as a glob, an empty
bill compared as $0, CPU at 900%, a 1e400 or negative price, a million reservations on a
2-node group, a 1.5M-variant sweep without a bound, growth of -100% or 1000% crashing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from hostile.hostile_cases import REPO, STAGING
from planner.cli import main

CUR2 = REPO / "scenarios" / "actuals" / "cur2" / "sample-cur2-2025-08_2025-10.parquet"
FOCUS = REPO / "scenarios" / "actuals" / "focus" / "sample-focus-2025-08_2025-10.parquet"
SNAPSHOT = REPO / "pricing" / "snapshot"


def _with(path: Path, column: str, values: Callable[[pa.Table], pa.Array], out: Path) -> Path:
    table = pq.read_table(path)
    i = table.schema.get_field_index(column)
    pq.write_table(table.set_column(i, column, values(table)), out)
    return out


def _renamed(path: Path, old: str, new: str | None, out: Path) -> Path:
    table = pq.read_table(path)
    if new is None:
        table = table.drop([old])
    else:
        table = table.rename_columns([new if n == old else n for n in table.schema.names])
    pq.write_table(table, out)
    return out


def _one_line(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    capsys.readouterr()
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.startswith("planner:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


# --- bills ---------------------------------------------------------------------------------
BILLS: dict[str, tuple[Callable[[Path], list[str]], str]] = {
    "eur-cur2": (
        lambda t: [
            str(
                _with(
                    CUR2,
                    "line_item_currency_code",
                    lambda tb: pa.array(["EUR"] * tb.num_rows),
                    t / "eur.parquet",
                )
            )
        ],
        "line_item_currency_code 'EUR': the bill must be in USD",
    ),
    "eur-focus": (
        lambda t: [
            str(
                _with(
                    FOCUS,
                    "BillingCurrency",
                    lambda tb: pa.array(["EUR"] * tb.num_rows),
                    t / "eur.parquet",
                )
            )
        ],
        "BillingCurrency 'EUR'",
    ),
    "focus-without-currency": (
        lambda t: [str(_renamed(FOCUS, "BillingCurrency", None, t / "f.parquet"))],
        "no column BillingCurrency",
    ),
    "same-file-twice": (lambda t: [str(CUR2), str(CUR2)], "given twice"),
    "two-copies-of-a-month": (
        lambda t: [
            str(shutil.copy(CUR2, t / "v1.parquet")),
            str(shutil.copy(CUR2, t / "v2.parquet")),
        ],
        "the same billing line is in both",
    ),
    "cur2-and-focus-of-one-bill": (
        lambda t: [str(CUR2), str(FOCUS)],
        "both hold month 2025-08 of account",
    ),
    "negative-usage": (
        lambda t: [
            str(
                _with(
                    CUR2,
                    "line_item_unblended_cost",
                    lambda tb: pc.negate(tb["line_item_unblended_cost"]),
                    t / "neg.parquet",
                )
            )
        ],
        "on a Usage line",
    ),
    "infinite-cost": (
        lambda t: [
            str(
                _with(
                    CUR2,
                    "line_item_unblended_cost",
                    lambda tb: pa.array([float("inf")] * tb.num_rows),
                    t / "inf.parquet",
                )
            )
        ],
        "not a finite number",
    ),
    "empty-bill": (
        lambda t: [
            str(pq.write_table(pq.read_table(CUR2).slice(0, 0), t / "e.parquet") or t / "e.parquet")
        ],
        "no billing lines",
    ),
    "focus-without-aws-columns": (
        lambda t: [str(_renamed(FOCUS, "x_UsageType", None, t / "f.parquet"))],
        "FOCUS 1.0 export without the AWS columns",
    ),
    "legacy-cur": (
        lambda t: [
            str(
                (t / "legacy.csv").write_text("lineItem/UsageType,lineItem/UnblendedCost\n")
                and t / "legacy.csv"
            )
        ],
        "a legacy CUR",
    ),
    "memory-limit-lots": (lambda t: [str(CUR2), "--memory-limit", "lots"], "--memory-limit 'lots'"),
    "threads-zero": (lambda t: [str(CUR2), "--threads", "0"], "--threads 0"),
    "max-rows": (lambda t: [str(CUR2), "--max-rows", "100"], "more than --max-rows 100"),
}


@pytest.mark.parametrize("case", sorted(BILLS))
def test_a_bill_that_cannot_be_added_up_is_refused(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, fragment = BILLS[case]
    out = tmp_path / "tidy.parquet"
    line = _one_line(capsys, ["actuals", "import", *make(tmp_path), "-o", str(out)])
    assert fragment in line, line
    assert not out.exists()


def test_a_glob_character_in_a_file_name_is_literal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`bill*.parquet` is one file, not every bill-something in the folder."""
    for name in ("bill-a.parquet", "bill-b.parquet", "bill*.parquet", "bill?.parquet"):
        shutil.copy(CUR2, tmp_path / name)
    out = tmp_path / "out" / "tidy.parquet"
    out.parent.mkdir()
    assert main(["actuals", "import", str(tmp_path / "bill*.parquet"), "-o", str(out)]) == 0
    table = pq.read_table(out)
    # the sample bill once: $2,605.70 amortised over Aug-Oct 2025 (its SOURCES.md)
    total = sum((Decimal(str(v)) for v in table.column("amortised_usd").to_pylist()), Decimal(0))
    assert total.quantize(Decimal("0.01")) == Decimal("2605.70")


def test_focus_1_3_and_1_2_are_named_by_their_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from planner.actuals.layouts import layout_label

    names = pq.read_schema(FOCUS).names
    assert layout_label(names) == "FOCUS 1.0 with AWS columns"
    assert layout_label([*names, "BillingAccountType", "InvoiceId"]) == "FOCUS 1.2 with AWS columns"
    v13 = ["ServiceProviderName" if n == "ProviderName" else n for n in names]
    assert layout_label(v13) == "FOCUS 1.3 with AWS columns"
    path = _renamed(FOCUS, "ProviderName", "ServiceProviderName", tmp_path / "f13.parquet")
    assert main(["actuals", "import", str(path), "-o", str(tmp_path / "t.parquet")]) == 0
    assert "1 FOCUS 1.3 with AWS columns file(s)" in capsys.readouterr().err


def test_variance_refuses_an_empty_tidy_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from planner.actuals.tidy import schema

    empty = tmp_path / "empty.parquet"
    pq.write_table(schema().empty_table(), empty)
    line = _one_line(capsys, ["variance", "staging", "--actuals", str(empty)])
    assert "has no lines" in line


def test_duckdb_spills_to_a_private_folder_of_its_own(tmp_path: Path) -> None:
    """Never a fixed $TMPDIR/planner-duckdb another user could own or link elsewhere."""
    import os
    import stat

    from planner.actuals.imports import connect

    con = connect()
    spill = Path(con.sql("SELECT current_setting('temp_directory')").fetchall()[0][0])
    assert spill.name.startswith("planner-duckdb-") and spill.name != "planner-duckdb"
    info = os.stat(spill)
    assert info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) == 0o700
    con.close()
    del con
    import gc

    gc.collect()
    assert not spill.exists()


# --- usage ---------------------------------------------------------------------------------
def _usage(tmp: Path, metric: str, rows: list[tuple[str, object]]) -> Path:
    folder = tmp / "exports" / "rds" / "postgres"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{metric}.csv").write_text(
        "timestamp,value\n" + "".join(f"{t},{v}\n" for t, v in rows)
    )
    return tmp / "exports"


HOURS = [f"2025-10-01T{h:02d}:00:00Z" for h in range(24)]
USAGE: dict[str, tuple[list[tuple[str, object]], str]] = {
    "cpu-900-percent": ([(t, 900) for t in HOURS], "cannot exceed 100"),
    "negative-cpu": ([(t, -5) for t in HOURS], "is negative"),
    "infinite": ([(t, "inf") for t in HOURS], "not a finite number"),
    "two-values-one-time": ([(HOURS[0], 10), (HOURS[0], 90)], "has two different values"),
    "bad-time": ([("yesterday", 3)], "unreadable time"),
}


@pytest.mark.parametrize("case", sorted(USAGE))
def test_impossible_usage_is_refused(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows, fragment = USAGE[case]
    out = tmp_path / "u.parquet"
    line = _one_line(
        capsys,
        ["usage", "import", str(_usage(tmp_path, "CPUUtilization", rows)), "--out", str(out)],
    )
    assert fragment in line, line
    assert not out.exists()


def test_a_usage_file_with_cpu_at_900_percent_is_refused_by_rightsize(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file written by an older planner (or by hand) is checked when read, too."""
    from planner.usage.store import read_usage

    good = tmp_path / "good.parquet"
    exports = _usage(tmp_path, "CPUUtilization", [(t, 40) for t in HOURS])
    assert main(["usage", "import", str(exports), "--out", str(good)]) == 0
    table = pq.read_table(good)
    i = table.schema.get_field_index("value")
    bad = tmp_path / "bad.parquet"
    pq.write_table(table.set_column(i, "value", pa.array([900.0] * table.num_rows)), bad)
    line = _one_line(capsys, ["rightsize", "staging", "--usage", str(bad)])
    assert "cannot exceed 100" in line
    assert read_usage(good).frame["value"].max() == 40.0


# --- prices, counts, grids, growth --------------------------------------------------------
def _snapshot_with(tmp: Path, service: str, old: str, new: str) -> Path:
    snap = tmp / "snap"
    shutil.copytree(SNAPSHOT, snap)
    path = snap / f"{service}.csv"
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    import hashlib
    import json

    manifest = json.loads((snap / "manifest.json").read_text())
    manifest["services"][service]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    from planner.catalog import region_offsets

    manifest["services"][service]["region_offsets"] = region_offsets(path)
    (snap / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return snap


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [("-0.0416", "is negative"), ("1e400", "is above"), ("NaN", "not a finite number")],
)
def test_a_poisoned_catalog_row_is_refused(
    bad: str, fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The t3.medium on-demand row of us-east-1 ($0.0416/h) made negative, huge or NaN."""
    snap = _snapshot_with(tmp_path, "AmazonEC2", ",0.0416,", f",{bad},")
    line = _one_line(capsys, ["price", "staging", "--prices", str(snap)])
    assert fragment in line and "AmazonEC2.csv" in line, line


@pytest.mark.parametrize("price", ["1e400", "-0.5", "NaN", "Infinity"])
def test_a_poisoned_offer_file_price_is_refused(
    price: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import re

    from aws_records import offer_file, staging_records

    offers = tmp_path / "offers"
    offers.mkdir()
    path = offer_file("AmazonEC2", staging_records("eu-west-1")["AmazonEC2"], offers / "ec2.json")
    text = path.read_text()
    first = re.search(r'"USD": "([0-9.]+)"', text)
    assert first is not None
    path.write_text(text.replace(first.group(0), f'"USD": "{price}"', 1))
    out = tmp_path / "snap"
    line = _one_line(capsys, ["prices", "import-offer", str(offers), "--out", str(out)])
    assert "refused" in line or "not a number" in line, line
    assert not out.exists()


def test_a_negative_savings_plan_rate_card_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sp.yaml"
    path.write_text(
        f"extends: {STAGING}\nsavings_plans:\n  - type: compute\n    term: 1yr\n"
        "    payment: no_upfront\n    commitment_usd_per_hour: 0.05\n"
        "    rate_card: {t3.medium: -0.03}\n    rate_card_source: my quote\n"
    )
    line = _one_line(capsys, ["price", str(path)])
    assert "rate_card t3.medium: -0.03" in line


@pytest.mark.parametrize(
    ("block", "fragment"),
    [
        (
            "eks:\n  node_groups:\n    - name: general\n      purchase: {type: reserved, "
            "term: 1yr, payment: no_upfront, count: 1000000}\n",
            "reserves more nodes than the group",
        ),
        (
            "rds:\n  - name: postgres\n    purchase: {type: reserved, term: 1yr, payment: "
            "no_upfront, count: 5}\n",
            "one RDS instance takes one reservation",
        ),
        (
            "elasticache:\n  - name: redis\n    purchase: {type: reserved, term: 1yr, payment: "
            "no_upfront, count: 50}\n",
            "more nodes than the cluster has",
        ),
    ],
)
def test_a_reservation_count_is_bounded_by_what_it_covers(
    block: str, fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(f"extends: {STAGING}\n{block}")
    assert fragment in _one_line(capsys, ["price", str(path)])


def test_a_huge_sweep_grid_is_counted_and_refused_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    types = ", ".join(["t3.medium", "t3.large", "m5.large", "m6i.large", "c6i.large"] * 4)
    purchases = ", ".join(["on_demand", "spot", "reserved:1yr:no_upfront:standard"] * 3)
    grid = tmp_path / "g.yaml"
    grid.write_text(
        f"node_groups:\n  general: {{instance_types: [{types}]}}\n"
        f"  compute: {{instance_types: [{types}]}}\npurchases: [{purchases}]\n"
    )
    # 20 x 20 type combinations x 9 purchases ** 2 groups x 1 schedule = 32,400 variants
    line = _one_line(capsys, ["sweep", "staging", "--grid", str(grid), "--max-variants", "32399"])
    assert "32,400 variants, more than --max-variants 32,399" in line


def test_a_grid_that_is_not_utf8_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grid = tmp_path / "g.yaml"
    grid.write_bytes(b"node_groups:\n  general:\n    instance_types: [t3.medium, \xff\xfe]\n")
    assert "not UTF-8" in _one_line(capsys, ["sweep", "staging", "--grid", str(grid)])


def test_growth_at_the_ends_of_its_range_is_a_forecast_or_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    capsys.readouterr()
    assert (
        main(["forecast", "staging", "--months", "3", "--growth-pct", "-100", "--format", "json"])
        == 0
    )
    months = json.loads(capsys.readouterr().out)["months"]
    # -100%: the load lines bill in month 1 only (growth ** 0 = 1); from month 2 only the
    # fixed fees (EKS 438.00, NAT hours 65.70, NLB hours 16.43, KMS keys 3.00 = 523.13) and
    # the node groups held at min_size (general 60.74 + 3.20, compute 18.22 + 1.60) remain
    assert Decimal(str(months[1]["usage_usd"])) == Decimal("606.89")
    line = _one_line(capsys, ["forecast", "staging", "--months", "24", "--growth-pct", "1000"])
    assert "beyond any real bill" in line


def test_an_unexpected_exception_is_one_line_with_a_private_report(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import stat

    import planner.cli

    def boom(_args: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.delenv("PLANNER_DEBUG", raising=False)
    monkeypatch.setattr(planner.cli, "_cmd_price", boom)
    capsys.readouterr()
    code = main(["price"])
    err = capsys.readouterr().err
    assert code == 70 and "Traceback" not in err and len(err.splitlines()) == 1
    report = err.rsplit("the traceback is in ", 1)[1].strip()
    assert "RuntimeError: a bug" in Path(report).read_text()
    assert stat.S_IMODE(os.stat(report).st_mode) == 0o600
    os.unlink(report)


# --- paths ---------------------------------------------------------------------------------
def test_workloads_from_refuses_a_symlink_out_of_its_folder_and_shows_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret" / "deploy.yaml"
    secret.parent.mkdir()
    secret.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: SECRET-VALUE-42}\n")
    scen = tmp_path / "scen"
    (scen / "m").mkdir(parents=True)
    (scen / "m" / "d.yaml").symlink_to(secret)
    (scen / "s.yaml").write_text(
        f"extends: {STAGING}\neks:\n  workloads: []\n  workloads_from: m\n"
    )
    capsys.readouterr()
    assert main(["price", str(scen / "s.yaml")]) == 2
    out, err = capsys.readouterr()
    assert "a symlink to a file outside" in err
    assert "SECRET-VALUE-42" not in out + err


def test_a_sibling_folder_sharing_the_prefix_is_outside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """scen-evil/ starts with the string scen but is not inside scen/ (is_relative_to)."""
    (tmp_path / "scen").mkdir()
    (tmp_path / "scen-evil").mkdir()
    (tmp_path / "scen-evil" / "base.yaml").write_text(STAGING.read_text())
    (tmp_path / "scen" / "x.yaml").write_text("extends: ../scen-evil/base.yaml\n")
    assert "outside the scenario's folder" in _one_line(
        capsys, ["price", str(tmp_path / "scen" / "x.yaml")]
    )


def test_load_overlay_has_the_same_confinement(tmp_path: Path) -> None:
    from planner.errors import ScenarioError
    from planner.scenario import load_overlay

    (tmp_path / "scen").mkdir()
    (tmp_path / "scen-evil").mkdir()
    (tmp_path / "scen-evil" / "base.yaml").write_text(STAGING.read_text())
    with pytest.raises(ScenarioError, match="outside the scenario's folder"):
        load_overlay({"extends": "../scen-evil/base.yaml"}, tmp_path / "scen" / "o.yaml")
