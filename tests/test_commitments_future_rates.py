"""Rows in the conventions issue 8 adds (effective-hourly EC2 reserved, Savings Plan, spot
median): everything that reads them works once they are in a snapshot.

The rates below are TEST FIXTURES written into a temporary snapshot, not prices: the
reserved t3.medium figures are the real ec2instances.info effective rates (LeanerCloud
ec2-instances-info @ 83e9ebdd, 2019; see tests/data/commitments/SOURCES.md for the kind of
source), the Savings Plan and spot figures are synthetic values chosen to make the arithmetic
easy and never shipped.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from planner.catalog import SERVICES, PriceCatalog, PriceRow, Term, default_catalog
from planner.commitments.cli import compute_commitments
from planner.commitments.grid import Grid
from planner.commitments.sweep import run_grid, scalar_cost
from planner.costing.engine import price_topology
from planner.money import cents
from planner.prices.snapshot import merge_rows, write_snapshot
from planner.scenario import load_scenario

D = Decimal


def row(product: str, term: Term, usd: str, kind: str, unit: str = "Hrs") -> PriceRow:
    return PriceRow(
        "AmazonEC2",
        "us-east-1",
        product,
        "test fixture",
        term,
        unit,
        D(usd),
        kind,
        "",
        "test fixture (see module docstring)",
        "2026-01-01",
    )


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> PriceCatalog:
    base = default_catalog()
    extra = [
        row(
            "instance/t3.medium",
            Term("Reserved", "1yr", "No Upfront", "standard"),
            "0.0261",
            "effective hourly",
            "Hrs (effective, upfront amortised)",
        ),
        row(
            "instance/t3.medium",
            Term("Reserved", "1yr", "All Upfront", "standard"),
            "0.024315",
            "effective hourly",
            "Hrs (effective, upfront amortised)",
        ),
        row(
            "instance/t3.medium",
            Term("SavingsPlan", "1yr", "No Upfront", "compute"),
            "0.03",
            "list",
        ),
        row(
            "instance/t3.medium",
            Term("SavingsPlan", "1yr", "All Upfront", "compute"),
            "0.025",
            "list",
        ),
        row("instance/t3.large", Term("Spot"), "0.025", "spot median"),
        row("instance/t3.medium", Term("Spot"), "0.0125", "spot median"),
    ]
    out = tmp_path_factory.mktemp("snap") / "snapshot"
    write_snapshot(
        merge_rows((r for s in SERVICES for r in base.rows(s)), extra), out, "2026-01-01"
    )
    return PriceCatalog(out)


def test_effective_hourly_ec2_reserved_priced(catalog: PriceCatalog) -> None:
    staging = load_scenario("staging").topology
    assert staging.eks is not None
    groups = tuple(
        g.model_copy(update={"purchase": g.purchase.model_copy(update={"type": "reserved"})})
        if g.name == "general"
        else g
        for g in staging.eks.node_groups
    )
    t = staging.model_copy(update={"eks": staging.eks.model_copy(update={"node_groups": groups})})
    report = price_topology(t, catalog)
    # 2 x 730 x 0.0261 = 38.106 (No Upfront: the effective rate is the recurring one)
    general = [ln for ln in report.lines if ln.resource == "eks-node-group/general"]
    assert sum((ln.monthly_usd or D(0) for ln in general), D(0)) == D("38.106") + D("3.20")


def test_commitments_list_savings_plan_and_spot_from_the_catalog(catalog: PriceCatalog) -> None:
    result = compute_commitments(load_scenario("staging"), catalog)
    names = [o.name for o in result.options]
    # a compute plan committing 2 x 0.03 = 0.06 $/h covers the 2 t3.medium exactly:
    # 0.06 x 730 = 43.80 + root volumes 3.20 = 47.00 a month
    sp = next(o for o in result.options if "compute Savings Plan 1yr No Upfront" in o.name)
    assert sp.monthly_usd == D("47.00")
    assert sp.upfront_usd == 0
    # All Upfront effective 0.024315: fee derived as 0.024315 x 8760 = 212.9994 (no recurring)
    allup = next(
        o for o in result.options if o.name == "general: reserved 1yr standard All Upfront x 2"
    )
    assert allup.upfront_usd == D("425.9988")
    # the catalog's spot median wins over a stated discount, as in the plain path (issue 8):
    # general 2 x 730 x 0.0125 = 18.25 + 3.20 EBS; compute 1 x 730 x 0.025 = 18.25 + 1.60
    spot = {o.name: o.monthly_usd for o in result.options if "spot" in o.name}
    assert spot == {
        "general: spot (all nodes)": D("21.45"),
        "compute: spot (all nodes)": D("19.85"),
    }
    assert "general: on-demand" in names
    # sizing: the lowest modelled hourly on-demand spend of the Savings-Plan-eligible groups
    # (general; compute is spot) is 2 x 0.0416 = 0.0832 $/h; at the plan rate 0.03/0.0416 that
    # is a 0.06 $/h commitment
    assert result.sizing is not None
    assert result.sizing.on_demand_equivalent_usd_per_hour == D("0.0832")
    assert result.sizing.commitment_usd_per_hour is not None
    assert round(result.sizing.commitment_usd_per_hour, 10) == D("0.06")


def test_sweep_with_effective_rates_equals_the_engine(catalog: PriceCatalog) -> None:
    grid = Grid.model_validate(
        {
            "node_groups": {"general": {"instance_types": ["t3.medium", "m5.large"]}},
            "purchases": ["on_demand", "reserved:1yr:no_upfront", "reserved:1yr:all_upfront"],
            "schedules": [
                {"name": "always"},
                {"name": "12x5", "hours_per_day": 12, "days_per_week": 5},
            ],
        }
    )
    scenario = load_scenario("staging")
    result = run_grid(scenario, grid, catalog)
    assert result.priced.all()
    for flat in range(result.count):
        scalar = scalar_cost(scenario, grid, result, flat, catalog)
        assert scalar is not None
        assert result.monthly_cents(flat) == int(cents(scalar) * 100)


def test_a_savings_plan_option_is_priced_as_cash_and_named(catalog: PriceCatalog) -> None:
    result = compute_commitments(load_scenario("staging"), catalog)
    sp = next(o for o in result.options if "compute Savings Plan 1yr No Upfront" in o.name)
    # No Upfront: nothing up front, so the recurring cash is the whole 47.00 a month (2 x 0.03
    # x 730 = 43.80 + 3.20 root volumes), every month of the 12, then the group on-demand
    # again: 2 x 730 x 0.0416 = 60.736 -> 60.74 + 3.20 = 63.94
    assert sp.recurring_monthly_usd == D("47.00")
    assert sp.cash_flow_usd[11] == 12 * D("47.00")
    assert sp.cash_flow_usd[12] - sp.cash_flow_usd[11] == D("63.94")
    # today the group is on-demand (63.94): the plan is cheaper from month 1
    assert sp.break_even_month == 1
    assert sp.purchase == {
        "type": "savings_plan",
        "plan": "compute",
        "term": "1yr",
        "payment": "no_upfront",
        "commitment_usd_per_hour": 0.06,  # 2 t3.medium at HPA minimum x 0.03
    }
    assert sp.risk == "low"  # a 1-year No Upfront commitment
    assert sp.resource == "eks-node-group/general"
    assert sp.current_monthly_usd == D("63.94")  # today: the group on-demand
    assert sp.unused_commitment_monthly_usd_at_min == 0  # sized to the nodes at minimum


def test_an_all_upfront_savings_plan_pays_its_term_up_front(catalog: PriceCatalog) -> None:
    result = compute_commitments(load_scenario("staging"), catalog)
    sp = next(o for o in result.options if "compute Savings Plan 1yr All Upfront" in o.name)
    # 2 t3.medium at HPA minimum x 0.025 = 0.05 $/h committed, all paid up front for the
    # 8,760 hours of the year: 0.05 x 8,760 = 438.00. The month: the plan's line 0.05 x 730 =
    # 36.50 + root volumes 3.20 = 39.70, of which 438 / 12 = 36.50 is the fee's share, so the
    # recurring cash is 3.20
    assert sp.upfront_usd == D("438.00")
    assert sp.monthly_usd == D("39.70")
    assert sp.recurring_monthly_usd == D("3.20")
    # break-even against today's 63.94: 438 + 3.20 m <= 63.94 m from m >= 438 / 60.74 = 7.2
    assert sp.break_even_month == 8
    assert sp.cash_flow_usd[0] == D("441.20")
    # renewed at expiry: month 13 pays the next year's 438.00 up front again. Cumulative
    # cash by month 12: 438.00 + 12 x 3.20 = 476.40; by month 13: 476.40 + 438.00 + 3.20 =
    # 917.60
    assert sp.cash_flow_renewed_usd[11] == D("476.40")
    assert sp.cash_flow_renewed_usd[12] == D("917.60")


def test_only_node_groups_miss_savings_plan_rates(catalog: PriceCatalog) -> None:
    from planner.commitments.model import resources
    from planner.commitments.sp_options import savings_plan_missing

    topology = load_scenario("staging").topology
    found = {r.name: r for r in resources(topology, {})}
    missing = [m.purchase for m in savings_plan_missing(catalog, topology, found["general"])]
    # 2 plan types x 2 terms x 3 payments = 12 kinds; the fixture has compute 1yr No Upfront
    # and All Upfront for t3.medium: the other 10 are named
    assert len(missing) == 10
    assert "general: compute Savings Plan 1yr No Upfront" not in missing
    assert "general: compute Savings Plan 1yr All Upfront" not in missing
    assert "general: compute Savings Plan 3yr No Upfront" in missing
    # a Savings Plan covers EC2 (here), not RDS or ElastiCache: nothing is missing for them
    assert savings_plan_missing(catalog, topology, found["postgres"]) == []
    assert savings_plan_missing(catalog, topology, found["redis"]) == []


def test_an_option_cheaper_than_today_without_upfront_breaks_even_in_month_1(
    catalog: PriceCatalog,
) -> None:
    result = compute_commitments(load_scenario("staging"), catalog)
    spot = next(o for o in result.options if o.name == "general: spot (all nodes)")
    # 2 x 730 x 0.0125 = 18.25 + 3.20 = 21.45 against today's on-demand 63.94, nothing up
    # front: cheaper from the first month
    assert spot.monthly_usd == D("21.45") < D("63.94")
    assert spot.break_even_month == 1
    # at HPA minimum the group still runs its 2 nodes: the same 21.45
    assert spot.monthly_usd_at_min == D("21.45")


def test_the_json_carries_both_cash_flows_to_the_cent(catalog: PriceCatalog) -> None:
    """`planner commitments --format json` (a contract): each option's cash flows, reverting
    and renewed, month by month in dollars; the 1-year All Upfront plan's are worked above
    (441.20 in month 1; renewed, 476.40 by month 12 and 917.60 by month 13)."""
    from planner.commitments.report import option_json

    result = compute_commitments(load_scenario("staging"), catalog)
    sp = next(o for o in result.options if "compute Savings Plan 1yr All Upfront" in o.name)
    data = option_json(sp)
    assert D(str(data["cash_flow_usd"][0])) == D("441.20")
    renewed = [D(str(v)) for v in data["cash_flow_renewed_usd"]]
    assert len(renewed) == 36
    assert renewed[11] == D("476.40") and renewed[12] == D("917.60")
