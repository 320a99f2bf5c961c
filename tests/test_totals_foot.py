"""Totals foot on random scenarios and overlays, in every format (hypothesis).

Each example writes an overlay that ``extends:`` a bundled scenario and changes quantities to
random decimals (fractions of a cent everywhere, half-cent cases included), then checks that
the displayed rows of every table add up to its displayed TOTAL: the CLI table, JSON, CSV,
compare, audit, the notebook tables (at 0, 1 and 2 decimals) and that charts label with the
tables' formatter.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from conftest import SCENARIOS_DIR
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import charts, figures, views
from planner.audit import audit, read_estimate
from planner.audit_render import audit_json, audit_table
from planner.compare import compare, compare_json, compare_table
from planner.costing.registry import service_label
from planner.figures import round_usd, usd
from planner.pricing import price_scenario
from planner.render import report_csv, report_json, report_table
from planner.scenario import load_scenario

MONEY = re.compile(r"-?\$[\d,]+\.\d\d")

amounts = st.decimals(
    min_value=Decimal("0.001"), max_value=Decimal("5000"), places=3, allow_nan=False
)


def dollars(text: str) -> Decimal:
    return Decimal(text.replace("$", "").replace(",", ""))


@st.composite
def overlays(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    base = draw(st.sampled_from(["staging", "production"]))
    doc = yaml.safe_load((SCENARIOS_DIR / f"{base}.yaml").read_text(encoding="utf-8"))
    groups = doc["eks"]["node_groups"]
    over: dict[str, Any] = {"name": f"{base}-random"}
    eks: dict[str, Any] = {"node_groups": []}
    types = ["t3.medium", "t3.large", "m5.large", "m5.xlarge", "m6g.large", "c5.large"]
    for group in groups:
        item: dict[str, Any] = {"name": group["name"]}
        if draw(st.booleans()):
            item["instance_type"] = draw(st.sampled_from(types))
        if draw(st.booleans()):
            item["disk_gb"] = str(draw(amounts))
        eks["node_groups"].append(item)
    over["eks"] = eks
    if draw(st.booleans()):
        over["data_transfer"] = {"internet_egress_gb": str(draw(amounts))}
    if draw(st.booleans()):
        over["cloudwatch_logs"] = {
            "ingestion_gb": str(draw(amounts)),
            "storage_gb": str(draw(amounts)),
        }
    if draw(st.booleans()):
        over["s3"] = {"storage_gb": str(draw(amounts))}
    if draw(st.booleans()):
        over["nat_gateways"] = {
            "count": draw(st.integers(1, 3)),
            "data_processed_gb": str(draw(amounts)),
        }
    return base, over


def _merge_lists(base: Any, over: Any) -> Any:
    return over


def _write(tmp: Path, base: str, over: dict[str, Any]) -> Path:
    # node_groups is a list: an overlay replaces lists, so give each group in full
    doc = yaml.safe_load((SCENARIOS_DIR / f"{base}.yaml").read_text(encoding="utf-8"))
    full = {g["name"]: g for g in _resolved_groups(base)}
    groups = []
    for item in over["eks"]["node_groups"]:
        merged = {**full[item["name"]], **item}
        if "disk_gb" in item:
            merged["disk_gb"] = {"value": item["disk_gb"], "basis": "assumption", "note": "random"}
        groups.append(merged)
    over = {**over, "eks": {"node_groups": groups}}
    path = tmp / "random.yaml"
    text = f"extends: {SCENARIOS_DIR / (base + '.yaml')}\n" + yaml.safe_dump(over, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    del doc
    return path


def _resolved_groups(base: str) -> list[dict[str, Any]]:
    scenario = load_scenario(base)
    assert scenario.topology.eks is not None
    out = []
    for g in scenario.topology.eks.node_groups:
        data = g.model_dump(mode="json", exclude_none=True, exclude={"disk_gb"})
        out.append(data)
    return out


def check_table(text: str) -> None:
    """Service subtotals = sums of their lines; TOTAL = sum of the subtotals."""
    services: list[Decimal] = []
    lines: list[Decimal] = []
    total = None
    for line in text.splitlines():
        found = MONEY.findall(line)
        if line.startswith("TOTAL (list prices)"):
            total = dollars(found[-1])
        elif line.startswith("    ") and found:
            lines[-1] += dollars(found[-1]) if lines else Decimal(0)
        elif line and not line.startswith(" ") and found and "[" in line:
            services.append(dollars(found[-1]))
            lines.append(Decimal(0))
    assert total is not None
    assert services == lines, (services, lines)
    assert sum(services) == total


def check_json(data: dict[str, Any]) -> None:
    lines = [
        Decimal(str(ln["monthly_usd"])) for ln in data["lines"] if ln["monthly_usd"] is not None
    ]
    total = Decimal(str(data["total_monthly_usd"]))
    assert sum(lines) == total
    assert sum(Decimal(str(v)) for v in data["by_service"].values()) == total
    assert Decimal(str(data["total_annual_usd"])) == total * 12
    for ln in data["lines"]:
        if ln["monthly_usd"] is not None:
            assert Decimal(str(ln["monthly_usd"])) == round_usd(Decimal(ln["monthly_usd_exact"]))


def check_csv(text: str) -> None:
    rows = list(csv.DictReader(io.StringIO(text)))
    body, total = rows[:-1], rows[-1]
    assert total["resource"].startswith("TOTAL")
    assert sum(Decimal(r["monthly_usd"]) for r in body if r["monthly_usd"]) == Decimal(
        total["monthly_usd"]
    )


def check_frame_foots(frame: Any) -> None:
    """For 0, 1 and 2 decimals, each money column's TOTAL is the sum of its rounded rows."""
    money = views._money_columns(frame)
    first = frame.columns[0]
    for decimals in (0, 1, 2):
        shown = views.refoot(frame, money, decimals) if decimals < 2 else frame
        for col in money:
            running = Decimal(0)
            for label, value in zip(shown[first], shown[col], strict=True):
                text = str(label)
                if value is None or value != value:
                    continue
                if text == "TOTAL" or text.startswith("TOTAL ("):
                    # the formatter's text of the TOTAL is the formatter's text of the sum
                    assert usd(value, decimals) == usd(running, decimals), (col, decimals)
                elif not text.startswith("TOTAL"):
                    running += round_usd(value, decimals)


@settings(max_examples=25)
@given(case=overlays())
def test_totals_foot_in_every_format(case: tuple[str, dict[str, Any]]) -> None:
    base_name, over = case
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), base_name, over)
        report = price_scenario(load_scenario(path))
        base = price_scenario(load_scenario(base_name))
    check_table(report_table(report))
    check_json(json.loads(json.dumps(report_json(report))))
    check_csv(report_csv(report))
    # compare: each delta is the difference of the two figures shown; the columns foot
    result = compare_json(compare(base, report))
    for row in result["services"]:
        old, new = Decimal(str(row["base_monthly_usd"])), Decimal(str(row["other_monthly_usd"]))
        assert Decimal(str(row["delta_usd"])) == new - old
    for key in ("base_total_monthly_usd", "other_total_monthly_usd", "delta_total_usd"):
        part = key.replace("_total_monthly_usd", "_monthly_usd").replace("_total_usd", "_usd")
        assert sum(Decimal(str(r[part])) for r in result["services"]) == Decimal(str(result[key]))
    table = compare_table(compare(base, report))
    rows = [MONEY.findall(line) for line in table.splitlines() if len(MONEY.findall(line)) == 3]
    *services, total = rows[:-1] if table.splitlines()[-1].startswith("TOTAL a year") else rows
    for col in range(3):
        assert sum(dollars(r[col]) for r in services) == dollars(total[col])
    # notebook tables and charts
    for frame in (
        views.cost_by_service(report),
        views.cost_by_resource(report),
        views.cost_lines(report),
        views.side_by_side({"base": base, "other": report}),
        views.whatif_deltas(base, [report]),
    ):
        check_frame_foots(frame)
    # whole dollars: lines rounded first, so the page's tables, chart and headline agree
    whole = figures.total(report, 0)
    assert whole == sum(
        (round_usd(round_usd(ln.monthly_usd), 0) for ln in report.lines if ln.monthly_usd),
        Decimal(0),
    )
    for frame in (
        views.cost_by_service(report, 0),
        views.cost_by_resource(report, 0),
        views.cost_lines(report, 0),
    ):
        body, last = frame.iloc[:-1], frame.iloc[-1]
        assert Decimal(str(float(last["monthly USD"]))) == whole
        assert sum(Decimal(str(float(v))) for v in body["monthly USD"] if v == v) == whole
    zero_bars = charts.cost_by_service(report, 0).data[0]
    assert sum(Decimal(str(float(v))) for v in zero_bars.x) == whole
    labels = zip(zero_bars.text, zero_bars.x, strict=True)
    assert all(t == usd(Decimal(str(float(v))), 0) for t, v in labels)
    by_service = figures.by_service(report)
    bars = charts.cost_by_service(report).data[0]
    for label, hover, value in zip(bars.y, bars.customdata, bars.x, strict=True):
        code = next(c for c in by_service if service_label(c) == label)
        assert hover == usd(by_service[code]) == usd(value)


def test_audit_foots_and_deltas_come_from_shown_figures() -> None:
    """The issue's case: the audit differences add up to the difference shown (-$21.53)."""
    report = price_scenario(load_scenario("staging"))
    rows = audit(read_estimate(SCENARIOS_DIR / "estimates" / "seed-9.1-staging.csv"), report)
    data = audit_json(rows, report)
    assert sum(Decimal(str(r["difference_usd"])) for r in data["rows"]) == Decimal(
        str(data["difference_usd"])
    )
    # 815.77 (the sum of staging's rounded lines) - 837.30 (the seed report's §9.1 total)
    assert Decimal(str(data["difference_usd"])) == Decimal("-21.53")
    text = audit_table(rows, report)
    total = next(line for line in text.splitlines() if line.startswith("TOTAL"))
    assert MONEY.findall(total) == ["$837.30", "$815.77", "-$21.53"]


def test_one_formatter_rounds_half_up_in_tables_and_charts() -> None:
    """$132.50 at whole dollars is $133 everywhere (Python's format would give $132)."""
    assert usd(Decimal("132.50"), 0) == "$133"
    assert usd(132.5, 0) == "$133"
    assert f"${132.5:,.0f}" == "$132"  # what the old chart labels did
    assert views.money(Decimal("132.5"), 0) == "$133"
    assert usd(Decimal("-0.005")) == "-$0.01" and usd(Decimal("0.004")) == "$0.00"


def test_graviton_compare_delta_is_from_the_figures_shown() -> None:
    """The issue's case: EC2 153.96 -> 138.78 (sums of rounded lines) shows -$15.18."""
    result = compare(
        price_scenario(load_scenario("staging")),
        price_scenario(load_scenario("whatif/staging-graviton")),
    )
    ec2 = next(row for row in result.services if row[0] == "AmazonEC2")
    assert (ec2[1], ec2[2]) == (Decimal("153.96"), Decimal("138.78"))
    line = next(ln for ln in compare_table(result).splitlines() if ln.startswith("EC2"))
    assert MONEY.findall(line) == ["$153.96", "$138.78", "-$15.18"]
