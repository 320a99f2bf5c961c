"""Usage import (CSV exports), the tidy table round trip, and planner price --usage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "scenarios" / "usage" / "sample-staging.parquet"


def _export(root: Path, resource: str, metric: str, text: str) -> None:
    folder = root / resource
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{metric}.csv").write_text(text)


def test_import_keeps_gaps_and_drops_repeats(tmp_path: Path, run_cli) -> None:
    from planner.usage.store import read_usage

    _export(
        tmp_path,
        "rds/postgres",
        "CPUUtilization",
        "timestamp,value\n"
        "2025-11-01 00:00:00,10\n"
        "2025-11-01 00:05:00,20\n"
        "2025-11-01 00:05:00,99\n"  # a repeated wall-clock time (DST): first kept
        "2025-11-01 00:10:00,\n"  # empty: a gap, not a zero
        "2025-11-01 00:20:00,40\n",
    )
    _export(tmp_path, "nlb/api", "NewFlowCount", "timestamp,value\n2025-11-01T00:00:00Z,5\n")
    out = tmp_path / "u.parquet"
    res = run_cli(["usage", "import", str(tmp_path), "--out", str(out)])
    assert res.code == 0, res.err
    usage = read_usage(out)
    rds = usage.frame[usage.frame["resource"] == "rds/postgres"]
    assert list(rds["value"]) == [10.0, 20.0, 40.0]
    assert set(rds["period"]) == {300}  # the most common step
    assert set(rds["unit"]) == {"Percent"}
    assert usage.sample is False
    from planner.usage.stats import summarize

    s = summarize(usage).set_index(["resource", "metric"])
    # window 00:00 .. 00:25 (last + period) = 1500 s / 300 = 5 periods, 3 datapoints, 2 gaps
    assert s.loc[("rds/postgres", "CPUUtilization"), "gaps"] == 2
    assert s.loc[("rds/postgres", "CPUUtilization"), "max"] == 40.0


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("time,val\n1,2\n", "needs timestamp,value"),
        ("timestamp,value\n2025-11-01 00:00:00,abc\n", "row 2 column value 'abc'"),
        ("timestamp,value\nnot-a-time,1\n", "column timestamp"),
    ],
)
def test_import_errors_are_one_line(tmp_path: Path, run_cli, text: str, needle: str) -> None:
    _export(tmp_path, "rds/postgres", "CPUUtilization", text)
    out = tmp_path / "u.parquet"
    res = run_cli(["usage", "import", str(tmp_path), "--out", str(out)])
    assert res.code == 2 and needle in res.err and res.err.count("\n") == 1
    assert not out.exists()


def test_csv_round_trip_keeps_metadata(tmp_path: Path) -> None:
    from planner.usage.store import read_usage, write_usage

    usage = read_usage(SAMPLE)
    path = write_usage(usage, tmp_path / "sample.csv")
    back = read_usage(path)
    assert back.sample is True and back.window_days == 14
    assert back.missing == usage.missing
    assert len(back.frame) == len(usage.frame)
    assert back.frame["value"].sum() == pytest.approx(usage.frame["value"].sum())


def test_sample_is_labelled_sample() -> None:
    from planner.usage.store import read_usage

    usage = read_usage(SAMPLE)
    assert usage.sample is True and "SAMPLE" in usage.source and "NAB" in usage.source
    # gaps are rows that are absent, never zeros standing in: the NAT source trace covers
    # 1243 of 4032 five-minute periods
    nat = usage.frame[
        (usage.frame["resource"] == "nat-gateways/nat-sample")
        & (usage.frame["metric"] == "BytesInFromSource")
    ]
    assert len(nat) == 1243


def test_price_with_usage_replaces_assumptions(run_cli) -> None:
    res = run_cli(["price", "staging", "--usage", str(SAMPLE), "--format", "json"])
    assert res.code == 0, res.err
    data = json.loads(res.out)
    lines = {(ln["resource"], ln["component"]): ln for ln in data["lines"]}
    nat = lines[("nat-gateways", "NAT gateway data processed")]
    assert nat["assumed_basis"] == "assumption" and nat["measured_basis"] == "measured"
    assert "14 days" in nat["measured_note"] and "gaps" in nat["measured_note"]
    # NAT processed = BytesInFromSource + BytesInFromDestination, each as a rate over the
    # seconds it covers, x 730 h: source 1243 points of 300 s sum 5.7368e9 bytes
    # -> 5.7368e9 / (1243 x 300) x 3600 x 730 / 2**30 = 37.65 GiB; destination 4030 points sum
    # 2.3010e9 -> 2.3010e9 / (4030 x 300) x 3600 x 730 / 2**30 = 4.66 GiB; together 42.31
    assert float(nat["measured_quantity"]) == pytest.approx(42.31, abs=0.01)
    # $0.045/GB: 100 GB assumed = $4.50, 42.31 GB measured = $1.90
    assert nat["assumed_monthly_usd"] == 4.5 and nat["measured_monthly_usd"] == 1.9
    logs = lines[("cloudwatch-logs", "Logs ingestion")]
    assert logs["measured_basis"] == "measured" and logs["assumed_basis"] == "stated"
    hours = lines[("nat-gateways", "NAT gateway hours")]
    assert hours["measured_basis"] == "stated" and hours["difference_monthly_usd"] == 0
    assert data["usage"]["sample"] is True
    total = sum(ln["difference_monthly_usd"] or 0 for ln in data["lines"])
    assert total == pytest.approx(
        data["total_measured_monthly_usd"] - data["total_assumed_monthly_usd"], abs=0.02
    )


def test_price_without_usage_is_unchanged(run_cli) -> None:
    res = run_cli(["price", "staging", "--format", "json"])
    assert res.code == 0 and "measured" not in res.out


def test_price_with_usage_names_its_source_and_leaves_an_unpriced_line_empty(
    run_cli, tmp_path: Path
) -> None:
    """The JSON names the usage it measured with (the sample says it is one), and a line
    with no price (db.t4g.medium is not in the bundled snapshot) is null on both sides, not
    $0: only --allow-missing prices the scenario at all."""
    overlay = tmp_path / "t4g.yaml"
    staging = (REPO / "scenarios" / "staging.yaml").resolve()
    overlay.write_text(
        f"extends: {staging}\nrds:\n  - name: postgres\n    instance_class: db.t4g.medium\n",
        encoding="utf-8",
    )
    argv = ["price", str(overlay), "--usage", str(SAMPLE), "--format", "json", "--allow-missing"]
    res = run_cli(argv)
    assert res.code == 0, res.err
    data = json.loads(res.out)
    assert data["usage"]["source"].startswith("SAMPLE: NAB realAWSCloudwatch traces")
    assert data["usage"]["window_days"] == 14
    unpriced = [
        ln
        for ln in data["lines"]
        if ln["assumed_monthly_usd"] is None or ln["measured_monthly_usd"] is None
    ]
    assert [(ln["resource"], ln["component"], ln["assumed_quantity"]) for ln in unpriced] == [
        ("rds/postgres", "DB instance (PostgreSQL, db.t4g.medium, Single-AZ)", "730")
    ]
    line = unpriced[0]
    assert line["assumed_monthly_usd"] is None and line["measured_monthly_usd"] is None
    assert line["difference_monthly_usd"] is None
