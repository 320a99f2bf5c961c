"""Hours per month under an off-hours schedule, and AWS's 7-day restart rule for RDS.

Under the 730-hour convention a week is ``HOURS_PER_MONTH / 168`` of a month, so a schedule
of ``h`` hours on ``d`` days runs ``h x d x 730 / 168`` hours a month (12 h x 5 d = 260.71 h).
For a calendar month the hours are counted day by day (February 2026 has 20 weekdays: 240 h
at 12 h x 5 d; March 2026 has 22: 264 h).

RDS: "You can stop a DB instance for up to seven days. If you don't manually start your DB
instance after seven days, your DB instance is automatically started" (Amazon RDS User Guide,
"Stopping an Amazon RDS DB instance temporarily"). While stopped, instance hours are not
billed; provisioned storage and backups are.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from planner.money import HOURS_PER_MONTH
from planner.topology import Schedule

HOURS_PER_WEEK = 168
RDS_MAX_STOP_HOURS = 7 * 24  # AWS restarts a stopped DB instance after seven days


@dataclass(frozen=True)
class Segment:
    """A share of the month in which a resource runs ``instances`` instances.

    ``week_hours`` is the share in hours per week; the month has ``week_hours x 730 / 168``
    of them (computed with one division so that whole results stay exact).
    """

    week_hours: int
    instances: Decimal | int
    label: str  # "always", "on-hours", "off-hours", "stopped"
    # the hours of a real calendar month, counted day by day (None: the 730-hour convention)
    calendar_hours: Decimal | None = None

    @property
    def hours(self) -> Decimal:
        return month_hours(self.week_hours)

    def hours_in(self, month: Decimal = HOURS_PER_MONTH) -> Decimal:
        """This segment's hours in a month of ``month`` hours: counted on the calendar where
        known, else ``week_hours`` of every 168."""
        if self.calendar_hours is not None:
            return self.calendar_hours
        return month_hours(self.week_hours, month)


def month_hours(week_hours: int | Decimal, hours: Decimal = HOURS_PER_MONTH) -> Decimal:
    """Hours a month (of ``hours``, 730 by convention) for ``week_hours`` a week: one exact
    division."""
    return Decimal(week_hours) * hours / HOURS_PER_WEEK


def weekly_on_hours(schedule: Schedule | None) -> int:
    if schedule is None:
        return HOURS_PER_WEEK
    return schedule.hours_per_day * schedule.days_per_week


def monthly_on_hours(schedule: Schedule | None) -> Decimal:
    """On-hours per month under the 730-hour convention (one division: exact to 28 digits)."""
    return Decimal(weekly_on_hours(schedule)) * HOURS_PER_MONTH / HOURS_PER_WEEK


def month_split(schedule: Schedule | None) -> tuple[Decimal, Decimal]:
    """(on-hours, off-hours) per 730-hour month."""
    on = monthly_on_hours(schedule)
    return on, HOURS_PER_MONTH - on


def is_on(schedule: Schedule | None, weekday: int, hour: int) -> bool:
    """Whether the schedule runs at ``hour`` (0-23) on ``weekday`` (0 = Monday)."""
    if schedule is None or schedule.always_on:
        return True
    if weekday >= schedule.days_per_week:
        return False
    return schedule.start_hour <= hour < schedule.start_hour + schedule.hours_per_day


def week_profile(schedule: Schedule | None) -> tuple[bool, ...]:
    """168 booleans, Monday 00:00 first: on or off in each hour of the week."""
    return tuple(is_on(schedule, i // 24, i % 24) for i in range(HOURS_PER_WEEK))


def calendar_hours(schedule: Schedule | None, year: int, month: int) -> tuple[int, int]:
    """(on-hours, off-hours) in a real calendar month, counted day by day (UTC)."""
    days = calendar.monthrange(year, month)[1]
    on = 0
    for day in range(1, days + 1):
        weekday = calendar.weekday(year, month, day)
        on += sum(1 for hour in range(24) if is_on(schedule, weekday, hour))
    return on, days * 24 - on


def segments(
    schedule: Schedule | None, on_instances: Decimal | int, off_instances: Decimal | int
) -> list[Segment]:
    """The month split into on and off hours with the instances running in each."""
    if schedule is None or schedule.always_on:
        return [Segment(HOURS_PER_WEEK, on_instances, "always")]
    on = weekly_on_hours(schedule)
    return [
        Segment(on, on_instances, "on-hours"),
        Segment(HOURS_PER_WEEK - on, off_instances, "off-hours"),
    ]


def on_calendar(
    segs: list[Segment], schedule: Schedule | None, period: tuple[dt.date, dt.date] | None
) -> list[Segment]:
    """The segments with their hours counted in a real calendar month (a whole month
    ``period``): a 31-day month with 23 weekdays runs a 12 h x 5 d schedule 276 hours, where
    the 744-hour scaling of the week would say 265.7. Unchanged without a schedule or period."""
    if period is None or schedule is None or schedule.always_on:
        return segs
    start, end = period
    if (start.day, end.day) != (1, 1) or (end.year * 12 + end.month) - (
        start.year * 12 + start.month
    ) != 1:
        return segs
    on, off = calendar_hours(schedule, start.year, start.month)
    total = Decimal(on + off)
    out = []
    for s in segs:
        if s.label == "on-hours":
            # RDS: the week's restarted hours (7-day rule) stay a share of the month
            extra = Decimal(s.week_hours - weekly_on_hours(schedule)) * total / HOURS_PER_WEEK
            hours = Decimal(on) + max(extra, Decimal(0))
        else:
            hours = None
        out.append(dataclasses.replace(s, calendar_hours=hours))
    ons = sum((s.calendar_hours or Decimal(0) for s in out), Decimal(0))
    return [
        s if s.calendar_hours is not None else dataclasses.replace(s, calendar_hours=total - ons)
        for s in out
    ]


def stop_periods(schedule: Schedule) -> list[int]:
    """Lengths in hours of the continuous stops in one week (nights and the weekend)."""
    profile = week_profile(schedule)
    if all(profile):
        return []
    # rotate so the week starts at an on-hour, then measure runs of off-hours
    first_on = profile.index(True)
    rotated = profile[first_on:] + profile[:first_on]
    runs: list[int] = []
    run = 0
    for on in rotated:
        if on:
            if run:
                runs.append(run)
            run = 0
        else:
            run += 1
    if run:
        runs.append(run)
    return runs


def restarted_hours(stop_hours: int, restop_after_hours: int) -> int:
    """Hours an RDS instance runs (and bills) during a stop of ``stop_hours``.

    AWS starts a stopped instance after 7 days (168 h); it then runs until stopped again,
    ``restop_after_hours`` later (e.g. the next run of the stopping job), and the 7 days
    start over. A stop of at most 168 h bills nothing.
    """
    if stop_hours < 0 or restop_after_hours < 0:
        raise ValueError("hours must not be negative")
    billed = 0
    clock = 0
    while clock + RDS_MAX_STOP_HOURS < stop_hours:
        clock += RDS_MAX_STOP_HOURS
        running = min(restop_after_hours, stop_hours - clock)
        billed += running
        clock += running
        if restop_after_hours == 0:
            break  # stopped again at once: nothing more to bill
    return billed


def rds_segments(schedule: Schedule | None, restop_after_hours: int = 24) -> list[Segment]:
    """RDS instance-hours under a schedule: stopped off-hours, within the 7-day rule.

    A weekly schedule runs at least one day a week, so no stop reaches 7 days and the rule
    bills nothing extra; the rule is still applied to every stop.
    """
    if schedule is None or schedule.always_on or schedule.rds_off == "running":
        return [Segment(HOURS_PER_WEEK, 1, "always")]
    extra = sum(restarted_hours(h, restop_after_hours) for h in stop_periods(schedule))
    on_week = weekly_on_hours(schedule) + extra
    return [Segment(on_week, 1, "on-hours"), Segment(HOURS_PER_WEEK - on_week, 0, "stopped")]
