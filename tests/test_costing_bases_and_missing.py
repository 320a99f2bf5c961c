"""Where a line's price and quantity come from (its bases), what a missing price names, and
RDS Extended Support at the edges of its calendar.

Rows of the bundled snapshot used here: AWSELB eu-west-1 ``nlb/hours`` 0.0252 $/h (list) and
``nlb/lcu`` 0.006 $/LCU-hour (price kind ``derived``: infracost's 4.38 a month / 730 h); NAT
gateway and S3 rows exist in us-east-1 only. RDS Extended Support
(planner/data/support/rds_extended_support.csv, from the RDS pricing page): PostgreSQL 11 left
standard support on 2024-02-29, is billed 0.100 $/vCPU-hour from 2024-03-01, 0.200 from
2026-03-01 (year 3), until 2027-03-31; db.t3.medium has 2 vCPUs.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from planner.catalog import default_catalog
from planner.costing.engine import CostReport, price_topology
from planner.costing.lines import CostLine
from planner.topology import Topology

D = Decimal
NOWHERE = "zz-nowhere-1"  # a region the snapshot has no price for


def topo(
    region: str = "us-east-1", as_of: dt.date = dt.date(2025, 11, 11), **parts: object
) -> Topology:
    base: dict[str, object] = {"name": "t", "region": region, "as_of": as_of}
    base.update(parts)
    return Topology.model_validate(base)


def _group(**extra: object) -> dict[str, object]:
    group: dict[str, object] = {
        "name": "g",
        "instance_type": "t3.medium",
        "min_size": 1,
        "desired_size": 2,
        "max_size": 4,
        "disk_gb": 20,
    }
    group.update(extra)
    return {
        "cluster_name": "c",
        "kubernetes_version": "1.31",
        "support": "standard",
        "node_groups": [group],
    }


def _one(report: CostReport, resource: str, component_part: str) -> CostLine:
    found = [
        ln for ln in report.lines if ln.resource == resource and component_part in ln.component
    ]
    assert len(found) == 1
    return found[0]


def test_a_derived_row_prices_a_derived_line_and_a_list_row_a_list_line() -> None:
    t = topo(
        "eu-west-1", load_balancers=[{"name": "lb", "type": "network", "processed_gb_per_hour": 2}]
    )
    report = price_topology(t, default_catalog())
    hours = _one(report, "nlb/lb", "load balancer hours")
    # 730 h x 0.0252 = 18.396, a list price
    assert (hours.monthly_usd, hours.price_basis) == (D("18.396"), "list")
    lcu = _one(report, "nlb/lb", "LCU")
    # 2 GB/h processed = 2 LCUs (1 GB/h each); 2 x 730 = 1460 LCU-hours x 0.006 = 8.76, derived
    assert (lcu.quantity, lcu.monthly_usd, lcu.price_basis) == (D(1460), D("8.76"), "derived")


def test_a_missing_price_names_the_item_not_the_product_key() -> None:
    t = topo(
        NOWHERE,
        eks=_group(),
        nat_gateways={"count": 1, "data_processed_gb": 0},
        s3={"storage_gb": 10},
        data_transfer={"internet_egress_gb": 0, "inter_az_gb": 5},
    )
    report = price_topology(t, default_catalog(), allow_missing=True)
    sources = {(ln.resource, ln.component): ln.price_source for ln in report.lines if ln.missing}

    def named(resource: str, component: str, item: str) -> None:
        assert sources[(resource, component)].startswith(
            f"MISSING: no on-demand price for {item} in {NOWHERE}"
        ), sources[(resource, component)]

    named("eks-node-group/g", "Instance usage (Linux, t3.medium, on-demand)", "t3.medium")
    named("nat-gateways", "NAT gateway hours", "NAT gateway hours")
    named("s3", "S3 Standard storage", "S3 Standard storage")
    named("data-transfer", "Inter-AZ data transfer (billed out and in)", "inter-AZ data transfer")
    # every missing line is kept out of the total
    assert all(ln.monthly_usd is None for ln in report.lines if ln.missing)


def test_root_volumes_take_the_node_counts_basis_unless_their_size_is_assumed() -> None:
    derived = price_topology(
        topo(eks=_group()), default_catalog(), node_counts={"g": 3}, node_count_basis="derived"
    )
    disk = _one(derived, "eks-node-group/g", "EBS root volume")
    # 3 nodes (the capacity model's, derived) x 20 GB (stated) = 60 GB-Mo: derived
    assert (disk.quantity, disk.quantity_basis) == (D(60), "derived")
    assumed_size = {"value": 20, "basis": "assumption", "note": "AMI default"}
    assumed = price_topology(topo(eks=_group(disk_gb=assumed_size)), default_catalog())
    disk = _one(assumed, "eks-node-group/g", "EBS root volume")
    assert disk.quantity_basis == "assumption"
    assert disk.quantity_note == "2 nodes x 20 GB (AMI default)"


def test_assumptions_are_listed_with_their_field_and_reason() -> None:
    t = topo(s3={"storage_gb": {"value": 10, "basis": "assumption", "note": "a guess"}})
    report = price_topology(t, default_catalog())
    assert report.assumptions == ({"field": "s3.storage_gb", "value": "10", "reason": "a guess"},)
    # stated quantities are not assumptions
    assert price_topology(topo(s3={"storage_gb": 10}), default_catalog()).assumptions == ()


def test_explicit_support_tier_is_dated_from_the_periods_first_day() -> None:
    march = (dt.date(2026, 3, 1), dt.date(2026, 4, 1))
    report = price_topology(topo(eks=_group()), default_catalog(), period=march)
    (line,) = [ln for ln in report.lines if ln.resource == "eks/c"]
    assert "standard support on 2026-03-01 " in line.quantity_note
    # 730 h x 0.10 $/h (EKS standard support)
    assert line.monthly_usd == D("73.0")


# --- RDS Extended Support -------------------------------------------------------------------


def _pg11(as_of: dt.date, multi_az: bool = False) -> Topology:
    db = {
        "name": "db",
        "engine": "PostgreSQL",
        "engine_version": "11.22",
        "instance_class": "db.t3.medium",
        "storage_gb": 20,
        "multi_az": multi_az,
    }
    return topo(as_of=as_of, rds=[db])


def _extended(report: CostReport) -> list[tuple[Decimal, Decimal | None, str]]:
    return [
        (ln.quantity, ln.unit_price_usd, ln.price_basis)
        for ln in report.lines
        if "Extended Support" in ln.component
    ]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (dt.date(2024, 2, 29), []),  # the last day of standard support
        # the first day of Extended Support: 2 vCPUs x 730 h = 1460 vCPU-hours at 0.100
        (dt.date(2024, 3, 1), [(D(1460), D("0.100"), "list")]),
        (dt.date(2026, 2, 28), [(D(1460), D("0.100"), "list")]),  # the last day of years 1-2
        (dt.date(2026, 3, 1), [(D(1460), D("0.200"), "list")]),  # year 3
        (dt.date(2027, 3, 31), [(D(1460), D("0.200"), "list")]),  # its last day
        (dt.date(2027, 4, 1), []),  # past the end of Extended Support
    ],
)
def test_extended_support_on_as_of_at_its_dates(
    as_of: dt.date, expected: list[tuple[Decimal, Decimal, str]]
) -> None:
    assert _extended(price_topology(_pg11(as_of), default_catalog())) == expected


def test_extended_support_bills_the_multi_az_standby_too() -> None:
    report = price_topology(_pg11(dt.date(2025, 11, 11), multi_az=True), default_catalog())
    # 2 vCPUs x 2 instances x 730 h = 2920 vCPU-hours x 0.100 = 292.00
    (line,) = [ln for ln in report.lines if "Extended Support" in ln.component]
    assert (line.quantity, line.monthly_usd) == (D(2920), D("292.000"))
    assert line.component == "RDS Extended Support (PostgreSQL 11, year 1-2)"


def test_extended_support_ends_inside_a_period() -> None:
    # 16 March to 16 April 2027 (31 days, priced at the 730-hour convention): Extended Support
    # ends on 31 March, so 16 of the 31 days bill, at the year-3 rate:
    # 2 vCPUs x 730 h x 16 / 31 = 23360 / 31 vCPU-hours x 0.200
    period = (dt.date(2027, 3, 16), dt.date(2027, 4, 16))
    report = price_topology(_pg11(dt.date(2025, 11, 11)), default_catalog(), period=period)
    (line,) = [ln for ln in report.lines if "Extended Support" in ln.component]
    assert abs(line.quantity - D(23360) / 31) < D("1e-20")
    assert line.unit_price_usd == D("0.200")
    assert "from 2027-03-16 to 2027-03-31" in line.quantity_note


@pytest.mark.parametrize(
    ("multi_az", "price", "basis"),
    [
        (False, D("0.072"), "list"),  # db.t3.medium PostgreSQL Single-AZ: a list row
        # Multi-AZ: derived in the snapshot, 2 x Single-AZ 0.072 (one standby billed too)
        (True, D("0.144"), "derived"),
    ],
)
def test_on_demand_instance_lines_take_their_rows_basis(
    multi_az: bool, price: Decimal, basis: str
) -> None:
    db = {
        "name": "db",
        "engine": "PostgreSQL",
        "instance_class": "db.t3.medium",
        "storage_gb": 20,
        "multi_az": multi_az,
    }
    report = price_topology(topo(rds=[db]), default_catalog())
    line = _one(report, "rds/db", "DB instance")
    # 730 h x the row's rate
    assert (line.quantity, line.unit_price_usd, line.price_basis) == (D(730), price, basis)
    assert line.monthly_usd == 730 * price


def _k128(period: tuple[dt.date, dt.date]) -> list[tuple[str, Decimal]]:
    eks = {**_group(), "kubernetes_version": "1.28", "support": "auto"}
    report = price_topology(topo(eks=eks), default_catalog(), period=period)
    return [(ln.component, ln.quantity) for ln in report.lines if ln.resource == "eks/c"]


def test_a_period_ending_on_the_first_day_of_extended_support_is_all_standard() -> None:
    # EKS 1.28: standard support until 2024-11-26, extended from that day (the EKS release
    # calendar). [2024-10-26, 2024-11-26) ends before the change: one standard line, 730 h.
    assert _k128((dt.date(2024, 10, 26), dt.date(2024, 11, 26))) == [
        ("EKS control plane (standard support, v1.28)", D(730))
    ]
    # [2024-10-27, 2024-11-27) has 30 standard days and 1 extended day of its 31
    standard, extended = _k128((dt.date(2024, 10, 27), dt.date(2024, 11, 27)))
    assert standard[0] == "EKS control plane (standard support, v1.28)"
    assert abs(standard[1] - D(730) * 30 / 31) < D("1e-20")
    assert extended[0] == "EKS control plane (extended support, v1.28)"
    assert abs(extended[1] - D(730) / 31) < D("1e-20")


def test_control_plane_hours_are_stated_and_storage_takes_its_amounts_basis() -> None:
    assumed = {"value": 100, "basis": "assumption", "note": "not in the report"}
    db = {"name": "db", "engine": "PostgreSQL", "instance_class": "db.t3.medium"}
    report = price_topology(
        topo(eks=_group(), rds=[{**db, "storage_gb": assumed}]), default_catalog()
    )
    # one cluster billed every hour: a stated quantity
    assert _one(report, "eks/c", "EKS control plane").quantity_basis == "stated"
    # 100 GB, as sure as the scenario says it is
    assert _one(report, "rds/db", "Storage").quantity_basis == "assumption"
    stated = price_topology(topo(rds=[{**db, "storage_gb": 100}]), default_catalog())
    assert _one(stated, "rds/db", "Storage").quantity_basis == "stated"
