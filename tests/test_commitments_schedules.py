"""Schedule hours (730-hour convention and calendar months) and the RDS 7-day rule."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from topologies import one_group

from planner.catalog import default_catalog
from planner.costing.engine import price_topology
from planner.costing.schedules import (
    calendar_hours,
    month_split,
    rds_segments,
    restarted_hours,
    stop_periods,
)
from planner.money import HOURS_PER_MONTH
from planner.topology import Schedule, Topology

D = Decimal
OFFICE = Schedule(hours_per_day=12, days_per_week=5, start_hour=8)


def test_730_hour_convention() -> None:
    on, off = month_split(OFFICE)
    # 12 h x 5 d = 60 h a week; a 730-hour month is 730/168 weeks: 60 x 730 / 168 = 260.714...
    assert on == D(60) * 730 / 168
    assert round(on, 2) == D("260.71")
    assert on + off == HOURS_PER_MONTH
    assert month_split(None) == (HOURS_PER_MONTH, D(0))


@pytest.mark.parametrize(
    ("year", "month", "weekdays", "days"),
    [
        (2026, 2, 20, 28),  # February 2026: 20 weekdays
        (2026, 3, 22, 31),  # March 2026: 22 weekdays
        (2026, 4, 22, 30),  # April 2026: 22 weekdays
        (2024, 2, 21, 29),  # leap February 2024: 21 weekdays
        (2026, 5, 21, 31),  # May 2026: 21 weekdays
    ],
)
def test_calendar_months(year: int, month: int, weekdays: int, days: int) -> None:
    on, off = calendar_hours(OFFICE, year, month)
    assert on == 12 * weekdays
    assert on + off == 24 * days
    assert calendar_hours(None, year, month) == (24 * days, 0)


def test_calendar_year_averages_to_the_convention_within_a_day() -> None:
    # 2026 has 261 weekdays: 3132 on-hours vs 12 x 260.714 = 3128.6 under the convention
    total = sum(calendar_hours(OFFICE, 2026, m)[0] for m in range(1, 13))
    assert total == 261 * 12
    assert abs(D(total) - 12 * month_split(OFFICE)[0]) < 12


def test_stop_periods_of_office_hours() -> None:
    # four nights of 12 h, and Friday 20:00 to Monday 08:00 = 60 h
    assert sorted(stop_periods(OFFICE)) == [12, 12, 12, 12, 60]


def test_rds_seven_day_rule() -> None:
    assert restarted_hours(168, 24) == 0  # exactly 7 days: no restart
    assert restarted_hours(169, 24) == 1  # restarted at 168 h, runs 1 h to the end
    # 30 days stopped, re-stopped by a daily job 24 h after each restart:
    # stop 0-168, run 168-192, stop 192-360, run 360-384, stop 384-552, run 552-576,
    # stop 576-720 (144 h < 168): 3 x 24 = 72 billed hours
    assert restarted_hours(720, 24) == 72
    assert restarted_hours(720, 0) == 0  # stopped again at once


@given(st.integers(0, 5000), st.integers(0, 200))
def test_rds_rule_bounds(stop: int, restop: int) -> None:
    billed = restarted_hours(stop, restop)
    assert 0 <= billed <= max(0, stop - 168)
    if stop <= 168:
        assert billed == 0


def test_weekly_schedule_never_hits_the_rule() -> None:
    weekly = Schedule(hours_per_day=1, days_per_week=1, rds_off="stopped")
    assert max(stop_periods(weekly)) == 167  # the longest possible weekly stop
    segs = rds_segments(weekly)
    # 1 h on a week (nothing restarted: no stop reaches 7 x 24 = 168 h), 168 - 1 = 167 stopped
    assert [(s.week_hours, s.instances, s.label) for s in segs] == [
        (1, 1, "on-hours"),
        (167, 0, "stopped"),
    ]
    # 12 h x 5 days = 60 on, 108 stopped: the week's 168 h in all
    office = Schedule(hours_per_day=12, days_per_week=5, rds_off="stopped")
    assert [(s.week_hours, s.instances) for s in rds_segments(office)] == [(60, 1), (108, 0)]


def _staging_like(schedule: dict[str, object] | None) -> Topology:
    return one_group(schedule=schedule, rds=True, nat=True)


def _by_resource(t: Topology) -> dict[str, Decimal]:
    report = price_topology(t, default_catalog())
    out: dict[str, Decimal] = {}
    for ln in report.lines:
        if ln.monthly_usd is not None:
            out[ln.resource] = out.get(ln.resource, D(0)) + ln.monthly_usd
    return out


def test_schedule_scales_nodes_stops_rds_keeps_storage_and_always_on_services() -> None:
    always = _by_resource(_staging_like(None))
    sched = _by_resource(
        _staging_like(
            {
                "hours_per_day": 12,
                "days_per_week": 5,
                "node_groups_off": "min",
                "rds_off": "stopped",
            }
        )
    )
    on = D(60) * 730 / 168
    off = 730 - on
    # nodes: 2 on-hours, min 1 off-hours, at 0.0416/h; root volumes 20 GB follow the nodes
    nodes = (2 * on + off) * D("0.0416") + (2 * on + off) / 730 * 20 * D("0.08")
    assert abs(sched["eks-node-group/g"] - nodes) < D("1e-20")
    # RDS: instance on-hours only (0.072/h); storage 100 GB x 0.115 still billed in full
    assert abs(sched["rds/db"] - (on * D("0.072") + 100 * D("0.115"))) < D("1e-20")
    # the control plane and NAT bill every hour, whatever the schedule
    assert sched["eks/c"] == always["eks/c"] == 730 * D("0.1")
    assert sched["nat-gateways"] == always["nat-gateways"]


def test_schedule_must_fit_in_a_day() -> None:
    with pytest.raises(ValueError, match="past midnight"):
        Schedule(hours_per_day=12, start_hour=20)
