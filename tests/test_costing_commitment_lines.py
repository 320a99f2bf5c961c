"""Commitment lines and the labels finance reads, worked by hand.

Prices (the bundled snapshot, us-east-1): m5.large on-demand 0.096 $/h, 1yr standard No
Upfront 0.06 $/h; c5.2xlarge 1yr standard All Upfront given only as an effective rate,
0.199886 $/h (price kind ``effective hourly``); t3.medium 0.0416 $/h; NAT gateway 0.045 $/GB
processed. The snapshot has no Savings Plans rate (``planner prices refresh`` fetches them):
one is added here the way a refreshed catalog holds it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from conftest import REPO

from planner.catalog import PriceCatalog, PriceRow, Term, default_catalog
from planner.costing.discounts import applied, enterprise_lines, unapplied_rates
from planner.costing.engine import CostReport, price_topology
from planner.costing.lines import CostLine
from planner.discount_terms import Discounts, EnterpriseDiscount, PrivateRate
from planner.topology import Topology

D = Decimal


def topo(**parts: object) -> Topology:
    base: dict[str, object] = {"name": "t", "region": "us-east-1", "as_of": dt.date(2025, 11, 11)}
    base.update(parts)
    return Topology.model_validate(base)


def eks(itype: str, nodes: int, **extra: object) -> dict[str, object]:
    group: dict[str, object] = {
        "name": "g",
        "instance_type": itype,
        "min_size": 1,
        "desired_size": nodes,
        "max_size": nodes * 2,
        "disk_gb": 0,
    }
    group.update(extra)
    return {
        "cluster_name": "c",
        "kubernetes_version": "1.31",
        "support": "standard",
        "node_groups": [group],
    }


def _lines(report: CostReport, resource: str = "eks-node-group/g") -> dict[str, CostLine]:
    return {ln.component: ln for ln in report.lines if ln.resource == resource}


# --- Savings Plans ---------------------------------------------------------------------------


def test_a_plan_covers_a_group_of_one_node() -> None:
    # 1 m5.large; a Compute plan of 0.03 $/h at 0.06 $/h covers half of it each hour:
    # commitment 730 x 0.03 = 21.90, the other half on-demand 0.5 x 730 x 0.096 = 35.04
    plan = {
        "type": "compute",
        "commitment_usd_per_hour": "0.03",
        "rate_card": {"m5.large": "0.06"},
        "rate_card_source": "hand-worked test rate",
    }
    report = price_topology(topo(eks=eks("m5.large", 1), savings_plans=[plan]), default_catalog())
    (od,) = [ln for ln in report.lines if "Instance usage" in ln.component]
    assert (od.quantity, od.monthly_usd) == (D(365), D("35.04"))
    (sp,) = [ln for ln in report.lines if ln.resource == "savings-plan/1-compute-1yr"]
    assert sp.monthly_usd == D("21.90")
    # the commitment is billed every hour of the month: 730 Hrs at 0.03 $/h
    assert (sp.quantity, sp.unit, sp.unit_price_usd) == (D(730), "Hrs", D("0.03"))


def test_a_plan_rate_comes_from_the_catalog_of_the_scenarios_region(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    catalog = PriceCatalog(REPO / "pricing" / "snapshot")
    real_find = catalog.find
    sp_term = Term("SavingsPlan", "1yr", "No Upfront", "compute")
    row = PriceRow(
        "AmazonEC2",
        "us-east-1",
        "instance/m5.large",
        "",
        sp_term,
        "Hrs",
        D("0.06"),
        "list",
        "",
        "test record",
        "2026-01-01",
    )

    def find(service: str, region: str, product: str, term: Term) -> PriceRow | None:
        if (service, region, product, term) == (
            "AmazonEC2",
            "us-east-1",
            "instance/m5.large",
            sp_term,
        ):
            return row
        return real_find(service, region, product, term)

    monkeypatch.setattr(catalog, "find", find)
    plan = {"type": "compute", "commitment_usd_per_hour": "0.06"}
    report = price_topology(topo(eks=eks("m5.large", 2), savings_plans=[plan]), catalog)
    # 0.06 covers 1 of 2 m5.large at 0.06: commitment 730 x 0.06 = 43.80; 1 on-demand 70.08
    (sp,) = [ln for ln in report.lines if ln.resource == "savings-plan/1-compute-1yr"]
    assert (sp.monthly_usd, sp.price_basis, sp.missing) == (D("43.80"), "list", False)
    assert "rates: m5.large " + row.provenance in sp.price_source
    (od,) = [ln for ln in report.lines if "Instance usage" in ln.component]
    assert od.monthly_usd == D("70.080")


# --- reservations ----------------------------------------------------------------------------


def test_an_effective_rate_all_upfront_fee_is_derived() -> None:
    purchase = {"type": "reserved", "payment": "all_upfront"}
    report = price_topology(topo(eks=eks("c5.2xlarge", 1, purchase=purchase)), default_catalog())
    lines = _lines(report)
    # All Upfront has no recurring charge: the fee is the effective rate over the term,
    # 0.199886 x 8760 h = 1751.00136; a month of it 1751.00136 x 730 / 8760 = 145.91678
    fee = lines["Reserved c5.2xlarge 1yr std all upfront: upfront / 12 months"]
    assert (fee.quantity, fee.monthly_usd) == (D(1), D("145.91678"))
    assert fee.price_basis == "derived"  # worked out from the effective rate, not a list fee
    recurring = lines["Reserved c5.2xlarge 1yr std all upfront: recurring"]
    assert (recurring.quantity, recurring.monthly_usd) == (D(730), D(0))
    assert report.upfront_usd == D("1751.00136")


def test_reservation_hours_are_stated_whatever_the_node_counts_basis() -> None:
    # the capacity model's counts are derived; the reservation bought is a stated count
    t = topo(eks=eks("m5.large", 2, purchase={"type": "reserved"}))
    report = price_topology(t, default_catalog(), node_counts={"g": 2}, node_count_basis="derived")
    lines = _lines(report)
    recurring = lines["Reserved m5.large 1yr std no upfront: recurring"]
    # 2 x 730 h x 0.06 = 87.60
    assert (recurring.quantity, recurring.monthly_usd) == (D(1460), D("87.60"))
    assert recurring.quantity_basis == "stated"


def test_a_convertible_reservation_is_named_conv() -> None:
    card = {"source": "quote 2025-11", "recurring_hourly_usd": "0.07", "upfront_usd": "0"}
    purchase = {"type": "reserved", "offering_class": "convertible", "rate_card": card}
    report = price_topology(topo(eks=eks("m5.large", 1, purchase=purchase)), default_catalog())
    line = _lines(report)["Reserved m5.large 1yr conv no upfront: recurring"]
    assert line.purchase_option == "Reserved 1yr convertible No Upfront"
    assert line.monthly_usd == D("51.10")  # 730 h x 0.07


# --- labels ----------------------------------------------------------------------------------


def test_off_hours_lines_are_named_off_hours() -> None:
    schedule = {"hours_per_day": 12, "days_per_week": 5}
    report = price_topology(topo(eks=eks("t3.medium", 2), schedule=schedule), default_catalog())
    assert set(_lines(report)) == {
        "Instance usage (Linux, t3.medium, on-demand, on-hours)",
        "Instance usage (Linux, t3.medium, on-demand, off-hours)",
        "EBS root volume (gp3)",
    }


@pytest.mark.parametrize(
    ("multi_az", "component"),
    [
        (True, "Cache nodes (Redis, cache.t3.micro, Multi-AZ, primary + replicas)"),
        (False, "Cache nodes (Redis, cache.t3.micro, single AZ)"),
    ],
)
def test_cache_layout_in_the_component(multi_az: bool, component: str) -> None:
    cache = {
        "name": "redis",
        "engine": "Redis",
        "node_type": "cache.t3.micro",
        "nodes": 2,
        "multi_az": multi_az,
    }
    report = price_topology(topo(elasticache=[cache]), default_catalog())
    assert set(_lines(report, "elasticache/redis")) == {component}


def test_nat_data_processed_note() -> None:
    nat = {"count": 2, "data_processed_gb": 50}
    lines = _lines(price_topology(topo(nat_gateways=nat), default_catalog()), "nat-gateways")
    processed = lines["NAT gateway data processed"]
    # 50 GB x 0.045 = 2.25, the GB of all gateways together
    assert (processed.quantity, processed.monthly_usd) == (D(50), D("2.250"))
    assert processed.quantity_note == "50 GB/month, all gateways"


def test_extended_support_is_billed_under_rds() -> None:
    db = {
        "name": "db",
        "engine": "PostgreSQL",
        "engine_version": "11.22",
        "instance_class": "db.t3.medium",
        "storage_gb": 20,
    }
    report = price_topology(topo(rds=[db]), default_catalog())
    (line,) = [ln for ln in report.lines if "Extended Support" in ln.component]
    assert line.service == "AmazonRDS"  # its own SKU on the RDS bill (RDS pricing page)
    assert report.by_service()["AmazonRDS"] >= D("146.00")  # 2 vCPU x 730 h x 0.100


def test_enterprise_discount_line_names_the_service_and_is_in_dollars() -> None:
    db = {"name": "db", "engine": "PostgreSQL", "instance_class": "db.t3.medium", "storage_gb": 100}
    report = price_topology(topo(rds=[db]), default_catalog())
    terms = Discounts(
        enterprise=EnterpriseDiscount(percent=D(7), services=("AmazonRDS",), source="EDP")
    )
    ap = applied(terms, default_catalog(), "us-east-1")
    assert ap is not None
    (line,) = enterprise_lines(report.lines, [], ap)
    # RDS: instance 730 x 0.072 = 52.56, storage 100 x 0.115 = 11.50, backup 0: 64.06
    assert line.component == "Enterprise discount 7% of RDS"
    assert (line.quantity, line.unit, line.unit_price_usd) == (D("64.06"), "USD", D("-0.07"))
    assert line.monthly_usd == D("-4.4842")  # 64.06 x 7%


def test_an_unused_private_rate_is_named_in_one_warning() -> None:
    rate = PrivateRate(
        service="AmazonEC2", product="instance/t3.large", usd=D("0.07"), source="card"
    )
    ap = applied(Discounts(private_rates=(rate,)), default_catalog(), "us-east-1")
    assert ap is not None
    assert unapplied_rates([], ap) == [
        "private rate AmazonEC2 instance/t3.large [OnDemand] applies to no line of the plan"
    ]
    where = PrivateRate(
        service="AmazonEC2",
        product="instance/x9.none",
        usd=D("0.07"),
        source="card",
        where="rates.csv line 3",
    )
    ap = applied(Discounts(private_rates=(where,)), default_catalog(), "us-east-1")
    assert ap is not None
    assert unapplied_rates([], ap) == [
        "private rate AmazonEC2 instance/x9.none [OnDemand] (rates.csv line 3) applies to no "
        "line of the plan; the snapshot has no such row in us-east-1"
    ]


def test_a_plan_needs_no_rate_for_a_type_that_runs_no_node() -> None:
    # Two groups: 1 m5.large, and a c5.large group scaled to 0 nodes. The plan's rate card
    # names m5.large only. A type with no node running buys nothing under a plan, so its
    # missing rate must not stop the plan: the plan applies as in the one-group case above
    # (commitment 730 x 0.03 = 21.90; half the m5.large on demand, 0.5 x 730 x 0.096 = 35.04).
    idle = {
        "name": "idle",
        "instance_type": "c5.large",
        "min_size": 0,
        "desired_size": 0,
        "max_size": 2,
        "disk_gb": 0,
    }
    cluster = eks("m5.large", 1)
    cluster["node_groups"] = [*cluster["node_groups"], idle]  # type: ignore[misc]
    plan = {
        "type": "compute",
        "commitment_usd_per_hour": "0.03",
        "rate_card": {"m5.large": "0.06"},
        "rate_card_source": "hand-worked test rate",
    }
    report = price_topology(topo(eks=cluster, savings_plans=[plan]), default_catalog())
    (sp,) = [ln for ln in report.lines if ln.resource == "savings-plan/1-compute-1yr"]
    assert sp.monthly_usd == D("21.90") and not sp.missing
    (od,) = [ln for ln in _lines(report).values() if "Instance usage" in ln.component]
    assert od.monthly_usd == D("35.04")


def test_usage_free_on_demand_takes_none_of_a_plan() -> None:
    from planner.costing.savings_plans import Plan, Use, apply_hour

    # A plan covers usage to save on its on-demand rate; usage that costs 0 $/h on demand
    # (a private rate of 0) saves nothing, so the plan's 0.03 $/h goes to the paid m5.large:
    # 0.03 / 0.06 = half an instance covered; the free instance stays on its 0 $/h rate.
    plan = Plan("p", "compute", D("0.03"), {"m5.large": D("0.06")})
    free = Use("free", "m5.large", D(1), D(0))
    paid = Use("paid", "m5.large", D(1), D("0.096"))
    result = apply_hour([plan], [free, paid])
    assert result.uncovered == {"free": D(1), "paid": D("0.5")}
    assert result.covered == {("p", "paid"): D("0.5")}
