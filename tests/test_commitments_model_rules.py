"""The commitments model's helpers, each rule stated on its own: a resource's catalog product
(RDS Multi-AZ is its own product: AWS prices a Multi-AZ deployment as one instance at its own
rate), the topology with one resource's purchase replaced and nothing else changed, and a
resource's monthly figure and amortised upfront share as the pages show them (each line
rounded to the cent first).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from planner.commitments.model import (
    Resource,
    amortised_upfront_monthly,
    resource_monthly,
    resources,
    with_purchase,
)
from planner.costing.engine import CostReport
from planner.costing.fees import UpfrontFee
from planner.costing.lines import CostLine
from planner.scenario import load_scenario
from planner.topology import CapacityType, Purchase, Topology

D = Decimal


@pytest.fixture(scope="module")
def staging() -> Topology:
    return load_scenario("staging").topology


def test_a_multi_az_database_is_its_own_product(staging: Topology) -> None:
    db = staging.rds[0].model_copy(update={"multi_az": True})
    res = Resource.of_rds(db)
    assert res == Resource(
        "rds",
        "postgres",
        "rds/postgres",
        "AmazonRDS",
        "db/db.t3.medium/PostgreSQL/Multi-AZ",
        "db.t3.medium",
        1,
    )
    assert Resource.of_rds(staging.rds[0]).product == "db/db.t3.medium/PostgreSQL/Single-AZ"


def test_a_node_group_resource(staging: Topology) -> None:
    assert staging.eks is not None
    general = staging.eks.node_groups[0]
    assert Resource.of_node_group(general, 5) == Resource(
        "node_group",
        "general",
        "eks-node-group/general",
        "AmazonEC2",
        "instance/t3.medium",
        "t3.medium",
        5,
    )


def test_resources_without_eks(staging: Topology) -> None:
    bare = staging.model_copy(update={"eks": None})
    assert [r.name for r in resources(bare, {})] == ["postgres", "redis"]


BUY = Purchase(type="reserved", term="3yr", payment="all_upfront", count=1)


def test_replacing_a_spot_group_s_purchase_makes_it_on_demand_capacity(
    staging: Topology,
) -> None:
    assert staging.eks is not None
    compute = Resource.of_node_group(staging.eks.node_groups[1], 1)
    t = with_purchase(staging, compute, BUY)
    assert t.eks is not None
    general, new = t.eks.node_groups
    # a reservation is on-demand capacity: the group's SPOT capacity type is replaced
    assert new.purchase == BUY and new.capacity_type is CapacityType.ON_DEMAND
    assert new.instance_type == "t3.large"
    assert general == staging.eks.node_groups[0]  # the other group unchanged
    assert (t.rds, t.elasticache) == (staging.rds, staging.elasticache)
    assert staging.eks.node_groups[1].capacity_type is CapacityType.SPOT  # a copy


def test_replacing_the_database_s_or_the_cache_s_purchase(staging: Topology) -> None:
    found = {r.name: r for r in resources(staging, {})}
    t = with_purchase(staging, found["postgres"], BUY)
    assert t.rds[0].purchase == BUY and t.rds[0].name == "postgres"
    assert (t.eks, t.elasticache) == (staging.eks, staging.elasticache)
    t = with_purchase(staging, found["redis"], BUY)
    assert t.elasticache[0].purchase == BUY
    assert (t.eks, t.rds) == (staging.eks, staging.rds)
    assert staging.elasticache[0].purchase == Purchase()  # the original is untouched


def _line(resource: str, monthly: Decimal | None) -> CostLine:
    return CostLine(
        resource=resource,
        service="AmazonEC2",
        component="c",
        quantity=D(1),
        unit="Hrs",
        unit_price_usd=monthly,
        monthly_usd=monthly,
        purchase_option="OnDemand",
        price_source="test",
        price_basis="list",
        quantity_basis="stated",
        quantity_note="",
    )


def _fee(resource: str, upfront: Decimal | None, term: str) -> UpfrontFee:
    return UpfrontFee(
        resource=resource,
        component="c",
        instances=1,
        upfront_per_instance_usd=upfront,
        term=term,
        payment="all_upfront",
        source="test",
    )


def _report(lines: list[CostLine], fees: list[UpfrontFee] | None = None) -> CostReport:
    return CostReport(
        "t", "us-east-1", "2026-01-01", tuple(lines), {}, upfront_fees=tuple(fees or [])
    )


def test_a_resource_s_month_adds_its_lines_rounded_first() -> None:
    lines = [
        _line("rds/db", D("10.005")),  # 10.01
        _line("rds/db", D("20.004")),  # 20.00
        _line("rds/db", None),  # a missing price adds nothing
        _line("rds/other", D("99")),  # another resource
    ]
    assert resource_monthly(_report(lines), "rds/db") == D("30.01")
    # a third line of 0.005 shows as 0.01: 30.02 (added first, 30.014 would show 30.01)
    lines.append(_line("rds/db", D("0.005")))
    assert resource_monthly(_report(lines), "rds/db") == D("30.02")
    assert resource_monthly(_report(lines), "rds/none") == 0


def test_the_amortised_upfront_share() -> None:
    fees = [
        _fee("rds/db", D(100), "1yr"),  # 100 / 12 = 8.333 -> 8.33
        _fee("rds/db", D(1000), "3yr"),  # 1000 / 36 = 27.777 -> 27.78
        _fee("rds/other", D(5000), "1yr"),
    ]
    assert amortised_upfront_monthly(_report([], fees), "rds/db") == D("36.11")
    assert amortised_upfront_monthly(_report([], fees), "rds/none") == 0
    fees.append(_fee("rds/db", None, "1yr"))
    assert amortised_upfront_monthly(_report([], fees), "rds/db") is None  # the split unknown
