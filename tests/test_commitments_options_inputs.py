"""Purchase options are priced from the inputs they are given: the catalog (a refreshed
snapshot, a user's rates) and the node counts (a capacity plan's, not the topology's own).

Worked by hand from the bundled snapshot (us-east-1): a t3.medium is $0.0416/h on demand, a
node's 20 GB gp3 root volume $0.08 per GB-month; staging runs 2 general nodes.
"""

from __future__ import annotations

from decimal import Decimal

from test_commitments_claims_catalog import DearerNodes

from planner.catalog import default_catalog
from planner.commitments.options import build_commitments
from planner.scenario import load_scenario

D = Decimal


def test_what_the_scenario_buys_today_is_priced_from_the_given_catalog() -> None:
    # the t3.medium on-demand rate doubled to $0.0832/h: staging's general group as bought
    # today (on demand) is 2 x 730 h x 0.0832 = 121.472 -> 121.47, plus its root volumes
    # 2 x 20 GB x 0.08 = 3.20: 124.67 (the bundled rate would give 60.74 + 3.20 = 63.94)
    options = build_commitments(load_scenario("staging").topology, DearerNodes()).options
    for option in (o for o in options if o.resource.endswith("/general")):
        assert option.current_monthly_usd == D("124.67"), option.name


def test_each_option_is_priced_at_the_node_counts_given() -> None:
    # 3 general nodes (not the topology's 2): on demand 3 x 730 x 0.0416 = 91.104 -> 91.10,
    # root volumes 3 x 20 x 0.08 = 4.80: 95.90, as the option and as its on-demand baseline
    options = build_commitments(
        load_scenario("staging").topology, default_catalog(), node_counts={"general": 3}
    ).options
    general = [o for o in options if o.resource.endswith("/general")]
    assert general
    on_demand = next(o for o in general if o.purchase.get("type") == "on_demand")
    assert on_demand.monthly_usd == D("95.90")
    assert on_demand.on_demand_monthly_usd == D("95.90")
    assert all(o.on_demand_monthly_usd == D("95.90") for o in general)
