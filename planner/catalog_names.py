"""Names a scenario may use: AWS regions, instance types per service, EKS versions.

Instance-type names come from the bundled instance specs (``planner/data/instance_specs``,
see its SOURCES.md). The EKS calendar comes from the Amazon EKS user guide's Kubernetes
release calendar (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html, read
2026-11-25): 14 months of standard support, then 12 months of extended support.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from planner.topology import EKSCluster

SPECS_DIR = Path(__file__).resolve().parent / "data" / "instance_specs"

# Commercial and GovCloud regions (AWS general reference, "Regions and Zones").
REGIONS: frozenset[str] = frozenset(
    (
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-south-1",
        "ap-south-2",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-7",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ca-central-1",
        "ca-west-1",
        "eu-central-1",
        "eu-central-2",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "eu-south-1",
        "eu-south-2",
        "eu-north-1",
        "il-central-1",
        "me-south-1",
        "me-central-1",
        "mx-central-1",
        "sa-east-1",
        "us-gov-east-1",
        "us-gov-west-1",
    )
)

# version: (end of standard support, end of extended support)
EKS_CALENDAR: dict[str, tuple[dt.date, dt.date]] = {
    "1.26": (dt.date(2024, 6, 11), dt.date(2025, 6, 11)),
    "1.27": (dt.date(2024, 7, 24), dt.date(2025, 7, 24)),
    "1.28": (dt.date(2024, 11, 26), dt.date(2025, 11, 26)),
    "1.29": (dt.date(2025, 3, 23), dt.date(2026, 3, 23)),
    "1.30": (dt.date(2025, 7, 23), dt.date(2026, 7, 23)),
    "1.31": (dt.date(2025, 11, 26), dt.date(2026, 11, 26)),
    "1.32": (dt.date(2026, 3, 23), dt.date(2027, 3, 23)),
    "1.33": (dt.date(2026, 7, 29), dt.date(2027, 7, 29)),
    "1.34": (dt.date(2026, 12, 2), dt.date(2027, 12, 2)),
    "1.35": (dt.date(2027, 3, 27), dt.date(2028, 3, 27)),
}
EKS_CALENDAR_SOURCE = (
    "Amazon EKS Kubernetes release calendar "
    "(docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html), read 2026-11-25"
)

Kind = Literal["ec2", "rds", "elasticache", "msk"]
_FILES: dict[str, tuple[str, str]] = {
    "ec2": ("ec2_instance_types.csv", "instance_type"),
    "rds": ("rds_instance_classes.csv", "db_instance_class"),
    "elasticache": ("elasticache_node_types.csv", "cache_node_type"),
    "msk": ("msk_broker_types.csv", "broker_type"),
}
_LABELS = {
    "ec2": "EC2 instance type",
    "rds": "RDS DB instance class",
    "elasticache": "ElastiCache node type",
    "msk": "MSK broker type",
}


@cache
def known_names(kind: Kind) -> frozenset[str]:
    file_name, column = _FILES[kind]
    with (SPECS_DIR / file_name).open(newline="", encoding="utf-8") as handle:
        return frozenset(row[column] for row in csv.DictReader(handle))


def suggest(name: str, candidates: frozenset[str] | list[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(name, sorted(candidates), n=n, cutoff=0.6)


def _did_you_mean(name: str, candidates: frozenset[str] | list[str]) -> str:
    close = suggest(name, candidates)
    return f"; did you mean {' or '.join(close)}?" if close else ""


def check_name(kind: Kind, name: str) -> str | None:
    names = known_names(kind)
    if name in names:
        return None
    return f"unknown {_LABELS[kind]} {name!r}{_did_you_mean(name, names)}"


def check_region(region: str) -> str | None:
    if region in REGIONS:
        return None
    return f"unknown AWS region {region!r}{_did_you_mean(region, REGIONS)} (e.g. us-east-1)"


def eks_support_tier(version: str, as_of: dt.date) -> Literal["standard", "extended"] | None:
    """Which support tier a version is in on a date; None once extended support has ended."""
    standard_end, extended_end = EKS_CALENDAR[version]
    if as_of < standard_end:
        return "standard"
    if as_of < extended_end:
        return "extended"
    return None


def check_eks_version(eks: EKSCluster, as_of: dt.date) -> str | None:
    version = eks.kubernetes_version
    if version not in EKS_CALENDAR:
        versions = ", ".join(sorted(EKS_CALENDAR, key=lambda v: int(v.split(".")[1])))
        return f"Kubernetes {version!r} is not in the EKS release calendar (known: {versions})"
    tier = eks_support_tier(version, as_of)
    if tier is None:
        ended = EKS_CALENDAR[version][1].isoformat()
        return (
            f"Kubernetes {version} left EKS extended support on {ended}, before as_of "
            f"{as_of.isoformat()}; choose a supported version or an earlier as_of"
        )
    if eks.support == "standard" and tier == "extended":
        ended = EKS_CALENDAR[version][0].isoformat()
        return (
            f"Kubernetes {version} left standard support on {ended}; on {as_of.isoformat()} "
            "it bills extended support (set support: auto or extended)"
        )
    return None
