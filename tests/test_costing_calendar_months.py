"""A scheduled scenario priced for a real calendar month counts its hours day by day.

``price_topology(..., period=(first of a month, first of the next), hours_per_month=days x 24)``
is a calendar month: an office schedule (12 h x 5 d from 08:00) runs 12 h on each weekday of
that month, and the off-hours are the rest of the month's hours. Any other period or month
length keeps the 730-hour convention's scaling of the week (``week_hours x month / 168``).

Weekdays counted by hand: 1 January 2026 is a Thursday.
- 1 March 2026 is 59 days later (59 = 8 x 7 + 3): a Sunday. Days 1-28 are four whole weeks
  (20 weekdays), then Sun 29, Mon 30, Tue 31: 22 weekdays, 264 on-hours of 744.
- 1 December 2026 is 334 days later (334 = 47 x 7 + 5): a Tuesday. Days 1-28: 20 weekdays,
  then Tue 29, Wed 30, Thu 31: 23 weekdays, 276 on-hours of 744.

Prices (the bundled catalog, us-east-1): t3.medium 0.0416 $/h, gp3 0.08 $/GB-Mo,
db.t3.medium PostgreSQL Single-AZ 0.072 $/h (the same figures as test_commitments_schedules).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from topologies import one_group

from planner.catalog import default_catalog
from planner.costing.context import PricingContext
from planner.costing.engine import CostReport, price_topology
from planner.costing.schedules import Segment, on_calendar
from planner.pricing import price_node_states
from planner.topology import Schedule, Topology

D = Decimal
OFFICE = Schedule(hours_per_day=12, days_per_week=5, start_hour=8)
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 4, 1))
DECEMBER = (dt.date(2026, 12, 1), dt.date(2027, 1, 1))
T3 = D("0.0416")
GP3 = D("0.08")
DB = D("0.072")


def _topology(node_groups_off: str = "min") -> Topology:
    schedule = {
        "hours_per_day": 12,
        "days_per_week": 5,
        "node_groups_off": node_groups_off,
        "rds_off": "stopped",
    }
    return one_group(schedule=schedule, rds=True)


def _line(report: CostReport, resource: str, component_part: str) -> tuple[Decimal, Decimal]:
    found = [
        ln for ln in report.lines if ln.resource == resource and component_part in ln.component
    ]
    assert len(found) == 1, [ln.component for ln in report.lines if ln.resource == resource]
    assert found[0].monthly_usd is not None
    return found[0].quantity, found[0].monthly_usd


def test_march_2026_node_hours_are_counted_on_the_calendar() -> None:
    report = price_topology(_topology(), default_catalog(), period=MARCH, hours_per_month=D(744))
    # on-hours: 2 nodes x 264 h = 528 h x 0.0416 = 21.9648
    assert _line(report, "eks-node-group/g", "on-hours") == (D(528), D("21.9648"))
    # off-hours: min_size 1 node x (744 - 264 = 480 h) = 480 h x 0.0416 = 19.968
    assert _line(report, "eks-node-group/g", "off-hours") == (D(480), D("19.968"))
    # root volumes follow the nodes: (528 + 480) / 744 node-months x 20 GB x 0.08
    gb, usd = _line(report, "eks-node-group/g", "EBS root volume")
    assert abs(gb - D(20) * 1008 / 744) < D("1e-20")
    assert abs(usd - D(20) * 1008 / 744 * GP3) < D("1e-20")
    # the database is stopped off-hours: it bills the 264 on-hours, 264 x 0.072 = 19.008
    assert _line(report, "rds/db", "DB instance") == (D(264), D("19.008"))


def test_december_2026_wraps_the_year() -> None:
    # 1 Dec 2026 to 1 Jan 2027 is one whole month (12 x 2027 + 1 - (12 x 2026 + 12) = 1)
    report = price_topology(
        _topology("zero"), default_catalog(), period=DECEMBER, hours_per_month=D(744)
    )
    # 23 weekdays x 12 h = 276 h; 2 nodes: 552 h x 0.0416 = 22.9632
    assert _line(report, "eks-node-group/g", "on-hours") == (D(552), D("22.9632"))
    # node_groups_off: zero: no node in the 468 off-hours, an off-hours line of 0 h
    assert _line(report, "eks-node-group/g", "off-hours") == (D(0), D(0))
    # 276 x 0.072 = 19.872
    assert _line(report, "rds/db", "DB instance") == (D(276), D("19.872"))


def _on_hours_of(period: tuple[dt.date, dt.date], hours: Decimal) -> Decimal:
    report = price_topology(_topology(), default_catalog(), period=period, hours_per_month=hours)
    return _line(report, "rds/db", "DB instance")[0]


@pytest.mark.parametrize(
    ("period", "hours", "expected"),
    [
        # the calendar month: 22 weekdays x 12 h
        (MARCH, D(744), D(264)),
        # the same dates at the 730-hour convention are not a calendar month (730 != 31 x 24):
        # the week is scaled, 60 h x 730 / 168
        (MARCH, D(730), D(60) * 730 / 168),
        # a 31-day period starting on the 2nd is not a whole month: 60 h x 744 / 168
        ((dt.date(2026, 3, 2), dt.date(2026, 4, 2)), D(744), D(60) * 744 / 168),
        # 1 to 31 March (30 days, 720 h) ends on the 31st, not the 1st: 60 x 720 / 168
        ((dt.date(2026, 3, 1), dt.date(2026, 3, 31)), D(720), D(60) * 720 / 168),
        # two whole months (61 days, 1464 h) are not one month: 60 x 1464 / 168
        ((dt.date(2026, 3, 1), dt.date(2026, 5, 1)), D(1464), D(60) * 1464 / 168),
        # a month a year later is not one month either (12 x 2027 + 3 - (12 x 2026 + 3) = 12)
        ((dt.date(2026, 3, 1), dt.date(2027, 4, 1)), D(396 * 24), D(60) * 396 * 24 / 168),
    ],
)
def test_only_a_whole_calendar_month_is_counted_day_by_day(
    period: tuple[dt.date, dt.date], hours: Decimal, expected: Decimal
) -> None:
    assert _on_hours_of(period, hours) == expected


def test_calendar_period_needs_the_month_hours_to_be_its_days() -> None:
    catalog = default_catalog()
    # 31 days x 24 h = 744: the period is priced as a real month
    month = PricingContext(catalog, "us-east-1", hours_per_month=D(744), period=MARCH)
    assert month.calendar_period == MARCH
    # 743 or 745 hours, or the 730 convention: not that month's hours
    for hours in (D(743), D(745), D(730)):
        ctx = PricingContext(catalog, "us-east-1", hours_per_month=hours, period=MARCH)
        assert ctx.calendar_period is None
    assert PricingContext(catalog, "us-east-1", hours_per_month=D(744)).calendar_period is None


def test_hpa_maximum_in_a_calendar_month() -> None:
    """The node-count states (HPA min / expected / max) of a scheduled scenario priced for
    March 2026 count the month day by day too."""
    reports = price_node_states(
        _topology(),
        {"min": {"g": 1}, "expected": {"g": 2}, "max": {"g": 4}},
        default_catalog(),
        note=lambda state: f"{state} nodes",
        hours_per_month=D(744),
        period=MARCH,
    )
    # max: 4 nodes x 264 on-hours = 1056 h x 0.0416 = 43.9296
    assert _line(reports["max"], "eks-node-group/g", "on-hours") == (D(1056), D("43.9296"))
    # off-hours: min_size 1 (fewer than 4) x 480 h = 480 h x 0.0416 = 19.968
    assert _line(reports["max"], "eks-node-group/g", "off-hours") == (D(480), D("19.968"))
    # min: 1 node on and off: 264 + 480 = 744 h
    assert _line(reports["min"], "eks-node-group/g", "on-hours") == (D(264), T3 * 264)
    # the database (priced once, not per state) also counts the calendar: 264 h
    assert _line(reports["max"], "rds/db", "DB instance") == (D(264), D(264) * DB)


def test_restarted_rds_hours_stay_a_share_of_the_calendar_month() -> None:
    # An on-hours segment of 70 h a week where the schedule runs 60: the 10 extra hours (AWS's
    # 7-day restart) are 10 x 744 / 168 of the month, added to March's 264 counted on-hours.
    segs = [Segment(70, 1, "on-hours"), Segment(98, 0, "stopped")]
    out = on_calendar(segs, OFFICE, MARCH)
    extra = D(10) * 744 / 168
    assert out[0].calendar_hours == D(264) + extra
    # the stopped segment is the rest of the month's 744 hours
    assert out[1].calendar_hours == D(744) - (D(264) + extra)
    # an on-hours segment shorter than the schedule never loses counted hours (no negative extra)
    short = on_calendar([Segment(50, 1, "on-hours"), Segment(118, 0, "stopped")], OFFICE, MARCH)
    assert short[0].calendar_hours == D(264)
    assert short[1].calendar_hours == D(480)


def test_no_schedule_or_no_period_leaves_segments_alone() -> None:
    segs = [Segment(60, 2, "on-hours"), Segment(108, 1, "off-hours")]
    assert on_calendar(segs, None, MARCH) == segs
    assert on_calendar(segs, Schedule(), MARCH) == segs  # 24 x 7: always on
    assert on_calendar(segs, OFFICE, None) == segs
