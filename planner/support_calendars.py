"""Support calendars: when a price steps (EKS standard -> extended support, RDS Extended
Support), for pricing a period and for the look-ahead warnings (data files with sources in
``planner/data/support``)."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from planner.catalog_names import EKS_CALENDAR, EKS_CALENDAR_SOURCE

DATA = Path(__file__).resolve().parent / "data" / "support"
SPECS = Path(__file__).resolve().parent / "data" / "instance_specs"
# One EKS calendar for pricing (which support tier applies) and for the look-ahead.
EKS_SOURCE = EKS_CALENDAR_SOURCE
RDS_SOURCE = "Amazon RDS release calendars and Extended Support pricing (aws.amazon.com/rds)"


@dataclass(frozen=True)
class EksVersion:
    version: str
    standard_support_end: dt.date
    extended_support_end: dt.date


@dataclass(frozen=True)
class RdsMajorVersion:
    engine: str
    major_version: str
    standard_support_end: dt.date
    year3_start: dt.date
    extended_support_end: dt.date
    usd_per_vcpu_hour_year1_2: Decimal
    usd_per_vcpu_hour_year3: Decimal

    @property
    def extended_support_start(self) -> dt.date:
        return self.standard_support_end + dt.timedelta(days=1)


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def eks_calendar() -> dict[str, EksVersion]:
    return {
        version: EksVersion(version, standard_end, extended_end)
        for version, (standard_end, extended_end) in EKS_CALENDAR.items()
    }


@cache
def rds_calendar() -> dict[tuple[str, str], RdsMajorVersion]:
    return {
        (r["engine"], r["major_version"]): RdsMajorVersion(
            r["engine"],
            r["major_version"],
            dt.date.fromisoformat(r["standard_support_end"]),
            dt.date.fromisoformat(r["year3_start"]),
            dt.date.fromisoformat(r["extended_support_end"]),
            Decimal(r["usd_per_vcpu_hour_year1_2"]),
            Decimal(r["usd_per_vcpu_hour_year3"]),
        )
        for r in _rows("rds_extended_support.csv")
    }


def rds_major(engine: str, version: str) -> str:
    """The major version RDS support is decided by: PostgreSQL ``15.4`` -> ``15``;
    MySQL ``8.0.35`` -> ``8.0``."""
    parts = version.strip().split(".")
    if engine == "MySQL":
        return ".".join(parts[:2])
    return parts[0]


@cache
def rds_vcpus() -> dict[str, int]:
    """vCPUs per RDS DB instance class (what RDS Extended Support is charged on)."""
    with (SPECS / "rds_instance_classes.csv").open(newline="", encoding="utf-8") as handle:
        return {
            row["db_instance_class"]: int(row["vcpu"])
            for row in csv.DictReader(handle)
            if row["vcpu"].isdigit()  # one row says ">48": not a count
        }


def rds_extended(engine: str, version: str) -> RdsMajorVersion | None:
    """The RDS Extended Support calendar of an engine version (None: not in the calendar)."""
    if not version:
        return None
    return rds_calendar().get((engine, rds_major(engine, version)))
