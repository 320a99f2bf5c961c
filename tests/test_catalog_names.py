"""Names a scenario may use: regions, instance types per service, the EKS support calendar
(Amazon EKS user guide, Kubernetes release calendar), each with its message and suggestions."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from planner.catalog_names import (
    EKS_CALENDAR,
    REGIONS,
    check_eks_version,
    check_name,
    check_region,
    eks_support_tier,
    known_names,
    suggest,
)


def test_regions_include_commercial_and_govcloud() -> None:
    for region in ("us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1", "mx-central-1"):
        assert region in REGIONS
    assert check_region("us-east-1") is None
    assert check_region("us-gov-east-1") is None


def test_an_unknown_region_suggests_the_close_ones() -> None:
    # "us-east-11" against "us-east-1": 9 matching characters of 10 + 9, ratio 18/19 = 0.95,
    # the closest; several others (us-east-2, us-west-1 ...) are 16/19 = 0.84: three are named
    message = check_region("us-east-11")
    assert message is not None
    assert message.startswith("unknown AWS region 'us-east-11'; did you mean us-east-1 or ")
    assert message.endswith("? (e.g. us-east-1)") and message.count(" or ") == 2
    # nothing close: no suggestion, still the example
    assert check_region("mars") == "unknown AWS region 'mars' (e.g. us-east-1)"


def test_suggest_is_sorted_closest_first_at_most_n() -> None:
    # difflib ratio 2 x matches / (8 + 9 characters): "t3.medum" vs "t3.medium" 16/17 = 0.94,
    # vs "t2.medium" ("t", ".medu", "m") 14/17 = 0.82, vs "t3.large" ("t3.", "e") 8/16 = 0.5,
    # below the 0.6 cut-off
    candidates = ["t3.large", "t2.medium", "t3.medium", "zzz"]
    assert suggest("t3.medum", candidates) == ["t3.medium", "t2.medium"]
    assert suggest("t3.medum", candidates, n=1) == ["t3.medium"]
    assert suggest("q", ["t3.medium"]) == []
    # at most three by default: four names each one letter from "abcd" (ratio 0.75)
    assert len(suggest("abcd", ["abcx", "abxd", "axcd", "xbcd"])) == 3


@pytest.mark.parametrize(
    ("kind", "name", "label"),
    [
        ("ec2", "m5.large", "EC2 instance type"),
        ("rds", "db.t3.medium", "RDS DB instance class"),
        ("elasticache", "cache.t3.micro", "ElastiCache node type"),
        ("msk", "kafka.m5.large", "MSK broker type"),
    ],
)
def test_each_kind_reads_its_own_file(kind: Any, name: str, label: str) -> None:
    assert name in known_names(kind)
    assert check_name(kind, name) is None
    # each file holds only its own service's names (an RDS class is not an EC2 type)
    others = {"ec2", "rds", "elasticache", "msk"} - {kind}
    assert all(name not in known_names(other) for other in others)
    message = check_name(kind, name + "x")
    assert message is not None
    assert message.startswith(f"unknown {label} {name + 'x'!r}; did you mean {name}")


def test_an_unknown_name_with_nothing_close_has_no_suggestion() -> None:
    assert check_name("ec2", "qqqqqqqq") == "unknown EC2 instance type 'qqqqqqqq'"


def test_eks_calendar_dates_from_the_user_guide() -> None:
    # 1.31: standard support ends 2025-11-26, extended support 12 months later
    assert EKS_CALENDAR["1.31"] == (dt.date(2025, 11, 26), dt.date(2026, 11, 26))
    assert EKS_CALENDAR["1.32"] == (dt.date(2026, 3, 23), dt.date(2027, 3, 23))


@pytest.mark.parametrize(
    ("as_of", "tier"),
    [
        (dt.date(2026, 3, 22), "standard"),  # the day before standard support ends
        (dt.date(2026, 3, 23), "extended"),  # the end date itself is extended
        (dt.date(2027, 3, 22), "extended"),  # the last day of extended support
        (dt.date(2027, 3, 23), None),  # the end of extended support: none
    ],
)
def test_support_tier_at_both_sides_of_each_date(as_of: dt.date, tier: str | None) -> None:
    assert eks_support_tier("1.32", as_of) == tier


def _eks(version: str, support: str = "auto") -> Any:
    return SimpleNamespace(kubernetes_version=version, support=support)


def test_check_eks_version_messages() -> None:
    assert check_eks_version(_eks("1.32"), dt.date(2026, 3, 22)) is None
    assert check_eks_version(_eks("1.32", "standard"), dt.date(2026, 3, 22)) is None
    # extended support is fine unless the scenario asked for standard only
    assert check_eks_version(_eks("1.32"), dt.date(2026, 3, 23)) is None
    assert check_eks_version(_eks("1.32", "extended"), dt.date(2026, 3, 23)) is None
    assert check_eks_version(_eks("1.32", "standard"), dt.date(2026, 3, 23)) == (
        "Kubernetes 1.32 left standard support on 2026-03-23; on 2026-03-23 it bills extended "
        "support (set support: auto or extended)"
    )
    assert check_eks_version(_eks("1.32"), dt.date(2027, 3, 23)) == (
        "Kubernetes 1.32 left EKS extended support on 2027-03-23, before as_of 2027-03-23; "
        "choose a supported version or an earlier as_of"
    )


def test_an_unknown_version_lists_the_calendar_in_numeric_order() -> None:
    message = check_eks_version(_eks("1.25"), dt.date(2025, 1, 1))
    # numeric order by minor version: 1.26 ... 1.35
    assert message == (
        "Kubernetes '1.25' is not in the EKS release calendar (known: 1.26, 1.27, 1.28, 1.29, "
        "1.30, 1.31, 1.32, 1.33, 1.34, 1.35)"
    )
