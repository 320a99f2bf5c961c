"""S3 Standard storage tiers, written out from AWS's price list (not from the code).

The AmazonS3 offer's "TimedStorage-ByteHrs" price dimensions for S3 Standard have the ranges
0-51,200, 51,200-512,000 and 512,000-Inf GB a month ("first 50 TB", "next 450 TB", "over
500 TB", a TB being 1,024 GB there; tests/aws_records.py holds such a record). A month's
volume fills the tiers in order, each tier's GB at that tier's rate.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.catalog import default_catalog
from planner.costing.engine import price_topology
from planner.costing.services.s3 import tiers
from planner.topology import Topology

D = Decimal
FIRST, NEXT, OVER = "storage/standard", "storage/standard/next-450tb", "storage/standard/over-500tb"
SIZES = {FIRST: D(51200), NEXT: D(512000 - 51200), OVER: None}  # 460,800 GB in the second


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        ("0", [(FIRST, "0")]),  # no storage: still the one first-tier line (of 0 GB)
        ("100", [(FIRST, "100")]),
        ("51200", [(FIRST, "51200")]),  # exactly 50 TB: nothing spills over
        ("51200.5", [(FIRST, "51200"), (NEXT, "0.5")]),
        ("512000", [(FIRST, "51200"), (NEXT, "460800")]),  # exactly 500 TB
        ("512001", [(FIRST, "51200"), (NEXT, "460800"), (OVER, "1")]),
        ("600000", [(FIRST, "51200"), (NEXT, "460800"), (OVER, "88000")]),
    ],
)
def test_s3_tier_boundaries(total: str, expected: list[tuple[str, str]]) -> None:
    assert [(product, gb) for product, _label, gb in tiers(D(total))] == [
        (product, D(gb)) for product, gb in expected
    ]


def test_s3_tier_labels() -> None:
    assert [label for _p, label, _gb in tiers(D(600000))] == [
        "first 50 TB",
        "next 450 TB",
        "over 500 TB",
    ]


@given(st.decimals(min_value=0, max_value=2 * 10**6, places=2))
def test_s3_tiers_fill_in_order_and_sum_to_the_volume(total: Decimal) -> None:
    parts = tiers(total)
    assert sum((gb for _p, _l, gb in parts), D(0)) == total
    assert [p for p, _l, _gb in parts] == [FIRST, NEXT, OVER][: len(parts)]
    for product, _label, gb in parts[:-1]:
        assert gb == SIZES[product]  # every tier but the last is full
    last_product, _label, last = parts[-1]
    size = SIZES[last_product]
    assert size is None or last <= size
    assert len(parts) == 1 or last > 0


def _s3(gb: str) -> Topology:
    return Topology.model_validate(
        {
            "name": "t",
            "region": "us-east-1",
            "as_of": dt.date(2025, 11, 11),
            "s3": {"storage_gb": gb},
        }
    )


def test_s3_within_50_tb_is_one_line() -> None:
    report = price_topology(_s3("51200"), default_catalog())
    (line,) = report.lines
    # 51,200 GB x 0.023 $/GB-Mo (the snapshot's first-tier rate) = 1177.60
    assert (line.component, line.quantity, line.unit) == ("S3 Standard storage", D(51200), "GB-Mo")
    assert line.monthly_usd == D("1177.600")


def test_s3_over_50_tb_is_a_line_per_tier_and_a_missing_rate_is_not_the_first() -> None:
    # the bundled snapshot has only the first tier's rate: the next tier is missing, never
    # priced at 0.023
    report = price_topology(_s3("51201"), default_catalog(), allow_missing=True)
    first, nxt = report.lines
    assert (first.component, first.quantity, first.monthly_usd) == (
        "S3 Standard storage, first 50 TB",
        D(51200),
        D("1177.600"),
    )
    assert first.quantity_note.startswith("51200 of 51201 GB (first 50 TB)")
    assert (nxt.component, nxt.quantity, nxt.unit) == (
        "S3 Standard storage, next 450 TB",
        D(1),
        "GB-Mo",
    )
    assert nxt.missing and nxt.monthly_usd is None
    assert nxt.quantity_note.startswith("1 of 51201 GB (next 450 TB)")
