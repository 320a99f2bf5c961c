"""The forecast's JSON (a contract) and CSV for a hand-made two-month series: every field of
each month, and the totals as sums of the months.

The months are staging-m5-reserved's (tests/test_commitments_forecast_carried.py): 839.37 a
month amortised, of which the reservation's 84.34 (42.34 recurring + 42.00 of its 504 fee);
cash 839.37 - 42.00 + 504 = 1,301.37 in the month it is bought, 797.37 after. The usage figure
(755.03 = 839.37 - 84.34) is the rest.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from planner.commitments.forecast import ForecastMonth, forecast_csv, forecast_json, forecast_table

D = Decimal
KEY = "eks-node-group/general reserved 1yr"
SERIES = [
    ForecastMonth(
        1, dt.date(2025, 11, 1), "staging-m5", D("839.37"), D("1301.37"), D("84.34"),
        D("755.03"), D(504), True, [KEY],
    ),
    ForecastMonth(
        2, dt.date(2025, 12, 1), "staging-m5 + production", D("839.371"), D("797.365"),
        D("84.34"), D("755.031"), D(0), False, [],
    ),
]  # fmt: skip


def test_every_field_of_the_json() -> None:
    data = forecast_json(SERIES)
    assert data["currency"] == "USD"
    assert data["views"] == (
        "amortised_usd spreads upfront fees over their terms; cash_usd pays them in the start "
        "month; never added together"
    )
    assert data["rounding"] == (
        "each month is the sum of its lines rounded to the cent; totals are sums of the months"
    )
    assert data["months"] == [
        {
            "index": 1,
            "month": "2025-11",
            "scenario": "staging-m5",
            "amortised_usd": 839.37,
            "cash_usd": 1301.37,
            "committed_usd": 84.34,
            "usage_usd": 755.03,
            "upfront_paid_usd": 504.0,
            "cash_complete": True,
            "active_commitments": [KEY],
        },
        {
            "index": 2,
            "month": "2025-12",
            "scenario": "staging-m5 + production",
            "amortised_usd": 839.37,  # to the cent
            "cash_usd": 797.36,  # 797.365: half even to the cent, as round() does
            "committed_usd": 84.34,
            "usage_usd": 755.03,
            "upfront_paid_usd": 0.0,
            "cash_complete": False,
            "active_commitments": [],
        },
    ]
    # totals are the sums of the months: 839.37 + 839.371 = 1,678.741 -> 1,678.74;
    # 1,301.37 + 797.365 = 2,098.735 -> 2,098.74 (half even: 3 is odd)
    assert data["total_amortised_usd"] == 1678.74
    assert data["total_cash_usd"] == 2098.74


def test_every_column_of_the_csv() -> None:
    rows = list(csv.reader(io.StringIO(forecast_csv(SERIES))))
    assert rows == [
        [
            "month",
            "scenario",
            "amortised_usd",
            "cash_usd",
            "committed_usd",
            "usage_usd",
            "upfront_paid_usd",
            "cash_complete",
        ],
        # plain numbers: to the cent, without trailing zeros (504, not 504.00)
        ["2025-11", "staging-m5", "839.37", "1301.37", "84.34", "755.03", "504", "True"],
        [
            "2025-12",
            "staging-m5 + production",
            "839.37",
            "797.36",
            "84.34",
            "755.03",
            "0",
            "False",
        ],
    ]


def test_the_table_says_how_its_months_are_made() -> None:
    lines = forecast_table(SERIES).splitlines()
    assert lines[0] == (
        "Forecast (USD): amortised = monthly cost with upfront fees spread over their terms; "
        "cash = what is paid that month"
    )
    assert lines[2].endswith(f"  {KEY}")  # the month's active commitments
    assert lines[-2:] == [
        "each month is the sum of its lines rounded to the cent; the total is the sum of the "
        "months shown (not 12 x one month)",
        "hourly lines bill the plan's 730-hour month (as planner price); the support calendars "
        "apply day by day; a 31-day month costs more (planner alerts budgets for it)",
    ]


def test_a_month_at_whole_dollars_rounds_its_pieces_first() -> None:
    month = ForecastMonth(
        1, dt.date(2026, 1, 1), "s", D("30.80"), D("530.80"), D(0), D("30.80"), D(500), True,
        [], [D("10.40"), D("20.40")],
    )  # fmt: skip
    # at whole dollars the pieces show as 10 and 20: the month is 30, not 30.80 -> 31
    assert month.amortised(0) == 30
    # cash: the shown month plus the upfront difference 530.80 - 30.80 = 500.00 -> 500: 530
    assert month.cash(0) == 530
    # at cents both are as computed
    assert (month.amortised(2), month.cash(2)) == (D("30.80"), D("530.80"))
