"""An option's unused commitment at HPA minimum: reserved instance-hours that run nothing when
the load falls to the minimum (and, under a schedule, in the off-hours), at the offer's
effective rate. A reservation bills every hour of its term, used or not (AWS: "you are
charged for every hour of the term, regardless of whether the instance is running").

Rates (bundled snapshot, us-east-1): m5.large 1yr Standard Partial Upfront 252 up front +
0.029/h (AWS GetProducts record 2021-02-05): effective 252 / 8,760 + 0.029 $/h, that is
21.00 + 21.17 = 42.17 for one reservation's 730 hours; cache.t3.micro Redis 1yr No Upfront
0.012/h effective. Office hours 12 h x 5 d = 60 of the week's 168 hours; the other 108 are
108 x 730 / 168 = 469.2857... hours a month.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from planner.catalog import default_catalog
from planner.commitments.model import Resource, resources
from planner.commitments.options import unused_at_min
from planner.scenario import load_scenario
from planner.topology import Purchase, RateCard, Schedule, Topology

D = Decimal
ONE_RESERVATION = D("42.17")  # 21.00 + 21.17 a month


def _partial(count: int | None) -> Purchase:
    return Purchase(type="reserved", term="1yr", payment="partial_upfront", count=count)


@pytest.fixture(scope="module")
def m5() -> Topology:
    return load_scenario("commitments/staging-m5-reserved").topology


def _office(t: Topology, off: str) -> Topology:
    sched = Schedule(name="office", hours_per_day=12, days_per_week=5, node_groups_off=off)
    return t.model_copy(update={"schedule": sched})


def _res(t: Topology, name: str, mins: dict[str, int]) -> Resource:
    return next(r for r in resources(t, mins) if r.name == name)


@pytest.mark.parametrize(
    ("count", "hpa_min", "unused"),
    [
        (2, 2, D(0)),  # the 2 reservations run the 2 nodes at minimum every hour
        (2, 1, ONE_RESERVATION),  # 1 node at minimum: 1 reservation idle, 730 h
        (3, 2, ONE_RESERVATION),  # 3 bought, 2 run: 1 idle
        (4, 1, 3 * ONE_RESERVATION),  # 126.51
    ],
)
def test_always_on(m5: Topology, count: int, hpa_min: int, unused: Decimal) -> None:
    mins = {"general": hpa_min, "compute": 1}
    got = unused_at_min(default_catalog(), m5, _res(m5, "general", mins), _partial(count), mins)
    assert round(got, 10) == unused


def test_nodes_to_zero_off_hours_leave_the_reservations_idle(m5: Topology) -> None:
    t = _office(m5, "zero")
    mins = {"general": 2, "compute": 1}
    got = unused_at_min(default_catalog(), t, _res(t, "general", mins), _partial(2), mins)
    # both reservations idle in the 108 off-hours a week: 2 x 469.2857 h = 938.5714 h at
    # 252 / 8,760 + 0.029: 938.5714 x 252 / 8,760 = 27.00 (exactly: 2 x 108 x 730 x 252 /
    # (168 x 8,760)) + 938.5714 x 0.029 = 27.2185714: 54.2185714
    assert round(got, 6) == D("54.218571")


def test_nodes_to_min_off_hours_keep_the_minimum(m5: Topology) -> None:
    t = _office(m5, "min")
    mins = {"general": 2, "compute": 1}
    # off-hours the group runs min_size 2 nodes: both reservations used every hour
    got = unused_at_min(default_catalog(), t, _res(t, "general", mins), _partial(2), mins)
    assert got == 0
    # 3 bought: the third is idle on and off hours, 730 h
    got = unused_at_min(default_catalog(), t, _res(t, "general", mins), _partial(3), mins)
    assert round(got, 10) == ONE_RESERVATION


def test_nothing_reserved_leaves_nothing_unused(m5: Topology) -> None:
    mins = {"general": 1, "compute": 1}
    res = _res(m5, "general", mins)
    assert unused_at_min(default_catalog(), m5, res, Purchase(), mins) == 0
    assert unused_at_min(default_catalog(), m5, res, Purchase(type="spot"), mins) == 0


def test_a_cache_reservation_beyond_its_nodes_is_idle(m5: Topology) -> None:
    # staging's redis runs 1 cache.t3.micro node every hour: a second reservation is idle
    # 730 h x 0.012 = 8.76; one reservation is used in full
    redis = _res(m5, "redis", {})
    buy = Purchase(type="reserved", term="1yr", payment="no_upfront")
    two = unused_at_min(default_catalog(), m5, redis, buy.model_copy(update={"count": 2}), {})
    one = unused_at_min(default_catalog(), m5, redis, buy.model_copy(update={"count": 1}), {})
    assert two == D("8.76") and one == 0


def test_an_offer_the_catalog_lacks_has_nothing_unused(m5: Topology) -> None:
    # postgres (db.t3.medium) has no reserved rate in the snapshot: no offer, nothing priced
    postgres = _res(m5, "postgres", {})
    buy = Purchase(type="reserved", term="1yr", payment="no_upfront", count=1)
    assert unused_at_min(default_catalog(), m5, postgres, buy, {}) == 0


def test_a_database_reservation_is_idle_while_the_database_is_stopped(m5: Topology) -> None:
    # office hours with the database stopped off-hours (no stop reaches AWS's 7-day restart):
    # it runs 60 of the week's 168 hours; a 1-instance reservation at an effective 0.05 $/h
    # (a user rate card: a TEST FIXTURE) is idle the other 108 x 730 / 168 = 469.2857 h a
    # month: 23.4642857 (always on: nothing idle)
    sched = Schedule(name="office", hours_per_day=12, days_per_week=5, rds_off="stopped")
    t = m5.model_copy(update={"schedule": sched})
    card = RateCard(source="test fixture", effective_hourly_usd=D("0.05"))
    buy = Purchase(type="reserved", term="1yr", payment="no_upfront", count=1, rate_card=card)
    got = unused_at_min(default_catalog(), t, _res(t, "postgres", {}), buy, {})
    assert round(got, 6) == D("23.464286")
    assert unused_at_min(default_catalog(), m5, _res(m5, "postgres", {}), buy, {}) == 0


def test_an_option_s_month_at_hpa_minimum() -> None:
    from planner.commitments.options import build_commitments

    staging = load_scenario("staging").topology
    mins = {"general": 1, "compute": 1}
    options = {
        o.name: o
        for o in build_commitments(staging, default_catalog(), min_node_counts=mins).options
    }
    # general runs 2 t3.medium (0.0416/h), 1 at HPA minimum. On-demand: 2 x 730 x 0.0416 =
    # 60.736 -> 60.74 + 2 root volumes 3.20 = 63.94; at minimum 30.368 -> 30.37 + 1.60 = 31.97
    od = options["general: on-demand"]
    assert (od.monthly_usd, od.monthly_usd_at_min) == (D("63.94"), D("31.97"))
    # 1 reserved (1yr Standard No Upfront, 0.0261/h effective): 730 x 0.0261 = 19.053 -> 19.05;
    # with the second node on-demand 30.37 and 3.20 of volumes: 52.62; at minimum the one
    # reserved node alone: 19.05 + 1.60 = 20.65
    one = options["general: reserved 1yr standard No Upfront x 1"]
    assert (one.monthly_usd, one.monthly_usd_at_min) == (D("52.62"), D("20.65"))
    assert one.unused_commitment_monthly_usd_at_min == 0


def test_a_convertible_reservation_is_idle_at_its_own_rate(m5: Topology) -> None:
    # m5.large 1yr Convertible Partial Upfront: 294 up front + 0.034/h (AWS GetProducts
    # record); one idle reservation, 730 h x (294 / 8,760 + 0.034) = 24.50 + 24.82 = 49.32
    # (at the Standard offer's rate it would be 42.17)
    mins = {"general": 2, "compute": 1}
    buy = Purchase(
        type="reserved", term="1yr", payment="partial_upfront", offering_class="convertible",
        count=3,
    )  # fmt: skip
    got = unused_at_min(default_catalog(), m5, _res(m5, "general", mins), buy, mins)
    assert round(got, 10) == D("49.32")
