"""One money, as a property: the same plan shows the same total everywhere.

For every bundled scenario and overlay, and for hypothesis-generated variants of staging with
random purchase blocks, schedules and Savings Plans: the capacity range at expected replicas
equals ``planner price`` when the node counts are equal; the alerts' planned month, the
forecast's first month (when no dated price step falls in it), the variance's plan, and the
JSON, CSV and XLSX downloads all show that same total, to the cent.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.alerts.costs import plan_costs
from planner.capacity.plan import plan_capacity
from planner.catalog import default_catalog
from planner.catalog_names import EKS_CALENDAR
from planner.commitments.forecast import first_of_month, forecast_scenario
from planner.costing.engine import CostReport
from planner.pricing import price_scenario, price_states, purchase_counts
from planner.render import report_csv, report_json
from planner.scenario import Scenario, load_scenario
from planner.support_calendars import rds_extended
from planner.topology import (
    Amount,
    Basis,
    Purchase,
    RateCard,
    SavingsPlan,
    Schedule,
    Topology,
)

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = sorted(
    [
        "staging",
        "production",
        *(str(p) for p in (REPO / "scenarios" / "whatif").glob("*.yaml")),
        *(str(p) for p in (REPO / "scenarios" / "commitments").glob("*.yaml")),
    ]
)


def _steps_in(topology: Topology, month: dt.date) -> bool:
    """Whether a dated price step (support calendars) falls inside the month."""
    end = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    days: list[dt.date] = []
    if topology.eks is not None and topology.eks.support == "auto":
        days += list(EKS_CALENDAR.get(topology.eks.kubernetes_version, ()))
    for db in topology.rds:
        cal = rds_extended(db.engine, db.engine_version)
        if cal is not None:
            days += [cal.extended_support_start, cal.year3_start, cal.extended_support_end]
    return any(month < d < end for d in days)


def _downloads_total(report: CostReport, tmp: Path) -> tuple[Decimal, Decimal, Decimal]:
    from openpyxl import load_workbook

    from planner.notebooks.downloads import write_downloads

    data = json.loads(json.dumps(report_json(report)))
    rows = list(csv.DictReader(io.StringIO(report_csv(report))))
    total_row = next(r for r in rows if r["resource"].startswith("TOTAL"))
    _csv, xlsx = write_downloads(report, tmp, "lines")
    sheet = load_workbook(xlsx)["cost lines"]
    header = [c.value for c in sheet[1]]
    col = header.index("monthly_usd")
    xlsx_total = next(
        r[col]
        for r in sheet.iter_rows(min_row=2, values_only=True)
        if str(r[0]).startswith("TOTAL")
    )
    return (
        Decimal(str(data["total_monthly_usd"])),
        Decimal(total_row["monthly_usd"]),
        Decimal(str(xlsx_total)).quantize(Decimal("0.01")),
    )


def _check(scenario: Scenario, tmp: Path) -> None:
    topology = scenario.topology
    priced = price_scenario(scenario)
    total = priced.total_monthly_usd
    # every figure shown is a sum of lines rounded to the cent
    assert total == sum(
        (
            ln.monthly_usd.quantize(Decimal("0.01"), "ROUND_HALF_UP")
            for ln in priced.lines
            if ln.monthly_usd is not None
        ),
        Decimal(0),
    )
    # the capacity range at expected replicas, when the node counts are those priced
    capacity = plan_capacity(topology, base_dir=scenario.path.parent)
    states = price_states(topology, capacity)
    priced_counts = purchase_counts(topology, capacity)
    for state in ("min", "expected", "max"):
        if priced_counts is None or dict(capacity.nodes(state)) == priced_counts:
            assert states[state].total_monthly_usd == total, state
    # the alerts' plan (its budgets cover the longest month; the plan is this month)
    costs = plan_costs(scenario)
    if priced_counts is None or dict(capacity.nodes("expected")) == priced_counts:
        assert costs.total_usd["expected"] == total
    # the forecast's first month, when nothing dated changes in it
    first = forecast_scenario(scenario, default_catalog(), months=1)[0]
    if not _steps_in(topology, first_of_month(topology.as_of)):
        assert first.amortised_usd == total
    # the downloads
    assert _downloads_total(priced, tmp) == (total, total, total)


@pytest.mark.parametrize("name", SCENARIOS, ids=lambda p: Path(p).stem)
def test_every_bundled_scenario_shows_one_total(name: str, tmp_path: Path) -> None:
    _check(load_scenario(name), tmp_path)


@pytest.mark.parametrize(
    "name", ["staging", str(REPO / "scenarios/commitments/staging-m5-reserved.yaml")]
)
def test_variance_plans_the_priced_total(name: str) -> None:
    from planner.actuals.tidy import BillRow
    from planner.actuals.variance import variance

    priced = price_scenario(load_scenario(name))
    bill = [
        BillRow(
            "2025-11",
            "AWSSecretsManager",
            "AWSSecretsManager-Secrets",
            "",
            "",
            "{}",
            "Usage",
            "Standard",
            "",
            "",
            "",
            Decimal(1),
            Decimal(1),
            Decimal(1),
            Decimal(1),
            1,
        )
    ]
    report = variance("staging", priced.lines, bill)
    # every planned line counts: compared, or (a reservation's fee lines) planned and named
    assert report.planned_total_usd == priced.total_monthly_usd


RATE = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("0.2"), places=4)


@st.composite
def purchases(draw: st.DrawFn) -> Purchase:
    kind = draw(st.sampled_from(["on_demand", "spot", "reserved"]))
    if kind != "reserved":
        return Purchase(type=kind)
    payment = draw(st.sampled_from(["no_upfront", "partial_upfront", "all_upfront"]))
    card = RateCard(
        source="hypothesis rate card",
        recurring_hourly_usd=Decimal(0) if payment == "all_upfront" else draw(RATE),
        upfront_usd=Decimal(0) if payment == "no_upfront" else draw(st.integers(1, 900)),
    )
    return Purchase(
        type="reserved",
        term=draw(st.sampled_from(["1yr", "3yr"])),
        payment=payment,
        count=draw(st.integers(0, 4)),
        rate_card=card,
    )


@st.composite
def variants(draw: st.DrawFn) -> Scenario:
    staging = load_scenario("staging")
    topology = staging.topology
    assert topology.eks is not None
    discount = Amount(value=Decimal(60), basis=Basis.ASSUMPTION, note="hypothesis")
    groups = tuple(
        g.model_copy(
            update={
                "purchase": draw(purchases()),
                "spot_discount_pct": g.spot_discount_pct or discount,
            }
        )
        for g in topology.eks.node_groups
    )
    schedule = None
    if draw(st.booleans()):
        schedule = Schedule(
            hours_per_day=draw(st.integers(1, 16)),
            days_per_week=draw(st.integers(1, 7)),
            start_hour=draw(st.integers(0, 8)),
            node_groups_off=draw(st.sampled_from(["min", "zero"])),
            rds_off=draw(st.sampled_from(["running", "stopped"])),
        )
    plans: tuple[SavingsPlan, ...] = ()
    if draw(st.booleans()):
        plans = (
            SavingsPlan(
                type="compute",
                commitment_usd_per_hour=draw(RATE),
                rate_card={"t3.medium": Decimal("0.03"), "t3.large": Decimal("0.06")},
                rate_card_source="hypothesis rate card",
            ),
        )
    variant = topology.model_copy(
        update={
            "eks": topology.eks.model_copy(update={"node_groups": groups}),
            "schedule": schedule,
            "savings_plans": plans,
        }
    )
    return Scenario(topology=variant, path=staging.path, chain=staging.chain)


@settings(max_examples=25)
@given(scenario=variants())
def test_generated_purchases_schedules_and_plans_show_one_total(
    scenario: Scenario, tmp_path: Path
) -> None:
    _check(scenario, tmp_path)
