"""Today's purchase in the options table: exactly one option per resource is what the
scenario buys (marked current, no break-even against itself), and when the scenario buys a
size the options do not list (more reservations than the nodes at HPA minimum) that purchase
is added as its own option.

Rates (bundled snapshot, us-east-1, AWS GetProducts record 2021-02-05 for m5.large): on-demand
0.096/h; 1yr Standard Partial Upfront 252 up front + 0.029/h; 1yr Convertible Partial Upfront
294 + 0.034/h. Root volumes 20 GB gp3 at 0.08 = 1.60 a node-month. Staging's general group
runs 2 nodes (desired 2) and has 2 at HPA minimum.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from planner.catalog import default_catalog
from planner.commitments.model import Commitments, Option
from planner.commitments.options import build_commitments
from planner.scenario import load_scenario
from planner.topology import Purchase, Topology

D = Decimal
MINS = {"general": 2, "compute": 1}


def _general_buys(purchase: Purchase) -> Topology:
    """staging-m5-reserved: general on m5.large, bought as ``purchase``."""
    t = load_scenario("commitments/staging-m5-reserved").topology
    assert t.eks is not None
    groups = tuple(
        g.model_copy(update={"purchase": purchase}) if g.name == "general" else g
        for g in t.eks.node_groups
    )
    return t.model_copy(update={"eks": t.eks.model_copy(update={"node_groups": groups})})


def _general(result: Commitments) -> dict[str, Option]:
    return {
        o.name: o
        for o in result.options
        if o.resource == "eks-node-group/general" and "Savings Plan" not in o.name
    }


@pytest.fixture  # per test: mutmut selects a test only if it calls the code itself
def standard_partial() -> dict[str, Option]:
    bought = Purchase(type="reserved", term="1yr", payment="partial_upfront")
    result = build_commitments(_general_buys(bought), default_catalog(), min_node_counts=MINS)
    return _general(result)


def test_only_the_class_bought_is_current(standard_partial: dict[str, Option]) -> None:
    # the scenario buys 1yr Standard Partial Upfront (no size: all its nodes); the Convertible
    # offer of the same term and payment is another purchase (AWS: a Standard RI cannot be
    # exchanged, a Convertible one can, at its own rate)
    current = [name for name, o in standard_partial.items() if o.current]
    assert current == ["general: reserved 1yr standard Partial Upfront x 2"]
    convertible = standard_partial["general: reserved 1yr convertible Partial Upfront x 2"]
    assert not convertible.current
    # its month: 2 x 294 / 12 = 49.00 + 2 x 0.034 x 730 = 49.64 + volumes 3.20 = 101.84,
    # 14.30 more than today's 2 x 252 / 12 = 42.00 + 2 x 0.029 x 730 = 42.34 + 3.20 = 87.54
    assert convertible.monthly_usd == D("101.84")
    assert convertible.current_monthly_usd == D("87.54")
    assert convertible.savings_monthly_usd == D("-14.30")
    # 14 options for the group (on-demand, spot, 12 reservations): none added for today's
    assert len(standard_partial) == 14


def test_today_is_not_broken_even_against_itself(standard_partial: dict[str, Option]) -> None:
    today = standard_partial["general: reserved 1yr standard Partial Upfront x 2"]
    assert today.break_even_month is None
    assert today.savings_monthly_usd == 0


def test_a_size_the_options_do_not_list_is_added_as_today(
    standard_partial: dict[str, Option],
) -> None:
    bought = Purchase(type="reserved", term="1yr", payment="partial_upfront", count=3)
    options = _general(
        build_commitments(_general_buys(bought), default_catalog(), min_node_counts=MINS)
    )
    # the 14 options sized to the 2 nodes at minimum, plus today's 3 reservations
    assert len(options) == 15
    today = options["general: reserved 1yr standard Partial Upfront x 3"]
    assert today.current
    assert [n for n, o in options.items() if o.current] == [today.name]
    # 3 reserved (a reservation bills every hour, used or not) for the 2 nodes that run:
    # 3 x 252 = 756 up front, 756 / 12 = 63.00 a month; 3 x 0.029 x 730 = 63.51; volumes of
    # the 2 running nodes 3.20: 129.71; nothing runs on-demand
    assert today.upfront_usd == 756
    assert today.monthly_usd == D("129.71")
    # the 2-reservation option (87.54, as above) saves 129.71 - 87.54 = 42.17 against it
    two = options["general: reserved 1yr standard Partial Upfront x 2"]
    assert not two.current
    assert two.savings_monthly_usd == D("42.17")


def test_a_reservation_sized_as_a_share_is_added_and_named_by_its_share() -> None:
    bought = Purchase(
        type="reserved", term="1yr", payment="partial_upfront", coverage_pct=Decimal(50)
    )
    options = _general(
        build_commitments(_general_buys(bought), default_catalog(), min_node_counts=MINS)
    )
    name = "general: reserved 1yr standard Partial Upfront for 50% of the instances"
    today = options[name]
    assert today.current and len(options) == 15
    # 50% of the 2 nodes priced: 1 reserved (252 up front, 252 / 12 = 21.00 a month, and
    # 730 x 0.029 = 21.17), the other node on-demand 730 x 0.096 = 70.08, volumes 3.20:
    # 21.00 + 21.17 + 70.08 + 3.20 = 115.45
    assert today.upfront_usd == 252
    assert today.monthly_usd == D("115.45")
    # at HPA minimum the group still runs 2 nodes: the 1 reservation is used every hour
    assert today.unused_commitment_monthly_usd_at_min == 0


def test_a_reservation_of_all_the_nodes_is_today_at_the_size_bought() -> None:
    """The scenario reserves its nodes without a count (all of them) and runs 4, of which 2
    at HPA minimum: it buys 4 reservations, not the options' 2, so the option sized at the
    minimum is not today's purchase; today's is added, at its own size."""
    t = _general_buys(Purchase(type="reserved", term="1yr", payment="partial_upfront"))
    assert t.eks is not None
    groups = tuple(
        g.model_copy(update={"desired_size": 4}) if g.name == "general" else g
        for g in t.eks.node_groups
    )
    t = t.model_copy(update={"eks": t.eks.model_copy(update={"node_groups": groups})})
    options = _general(build_commitments(t, default_catalog(), min_node_counts=MINS))
    today = options["general: reserved 1yr standard Partial Upfront for all instances"]
    assert [n for n, o in options.items() if o.current] == [today.name]
    # 4 reserved: 4 x 252 = 1,008 up front, 4 x 21.00 = 84.00 a month; 4 x 0.029 x 730 =
    # 84.68; volumes 4 x 1.60 = 6.40: 175.08, what the scenario pays today
    assert today.upfront_usd == 1008
    assert today.monthly_usd == D("175.08") == today.current_monthly_usd
    assert today.savings_monthly_usd == 0 and today.break_even_month is None
    # at HPA minimum 2 of the 4 reservations are idle: 2 x 730 h at the effective rate
    # 252 / 8,760 + 0.029 $/h = 2 x (21.00 + 21.17) = 84.34
    assert today.unused_commitment_monthly_usd_at_min == D("84.34")
    # the option at the minimum: 2 reserved (42.00 + 42.34) and 2 nodes on-demand
    # (2 x 70.08 = 140.16), volumes 6.40: 230.90, 55.82 more than today
    two = options["general: reserved 1yr standard Partial Upfront x 2"]
    assert not two.current
    assert two.monthly_usd == D("230.90")
    assert two.savings_monthly_usd == D("-55.82")


def test_a_missing_reserved_rate_is_named_per_option() -> None:
    from planner.commitments.model import Missing

    result = build_commitments(
        load_scenario("staging").topology, default_catalog(), min_node_counts=MINS
    )
    # the snapshot has no reserved rate for db.t3.medium PostgreSQL: each of the database's
    # 6 reserved options (2 terms x 3 payments) is listed missing, none priced
    db = [m for m in result.missing_rates if m.resource == "rds/postgres"]
    assert len(db) == 6
    assert db[0] == Missing(
        "rds/postgres",
        "postgres: reserved 1yr No Upfront x 1",
        "no AmazonRDS db/db.t3.medium/PostgreSQL/Single-AZ Reserved 1yr No Upfront rate in "
        "us-east-1",
    )
    assert db[-1].purchase == "postgres: reserved 3yr All Upfront x 1"
    priced = [o.name for o in result.options if o.resource == "rds/postgres"]
    assert priced == ["postgres: on-demand"]


def test_an_option_names_the_sources_of_its_reserved_or_spot_rates(
    standard_partial: dict[str, Option],
) -> None:
    # the reserved rate's record (AWS GetProducts, 2021-02-05, via the instance selector's
    # test data); the spot median's; on-demand names none (its rates are the scenario's own)
    reserved = standard_partial["general: reserved 1yr standard Partial Upfront x 2"].source
    assert "GetProducts/m5_large.json" in reserved and "Spot" not in reserved
    spot = standard_partial["general: spot (all nodes)"].source
    assert "DescribeSpotPriceHistory/m5_large.json" in spot
    assert standard_partial["general: on-demand"].source == ""


def test_an_option_the_engine_cannot_price_is_named_with_the_reason() -> None:
    from planner.commitments.model import Missing

    result = build_commitments(
        load_scenario("staging").topology, default_catalog(), min_node_counts=MINS
    )
    # t3.medium has no spot price in the snapshot and staging's general group states no
    # spot discount: its spot option is listed missing with the engine's reason
    gap = next(m for m in result.missing_rates if m.purchase == "general: spot (all nodes)")
    assert isinstance(gap, Missing) and gap.resource == "eks-node-group/general"
    assert "t3.medium" in gap.detail and "spot" in gap.detail.lower()
