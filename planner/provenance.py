"""Where each price comes from, for the page: origin, the source's own date, basis and notes.

A cost line carries its price row's provenance as text (``planner.catalog.PriceRow``:
``<ref> <kind> <source date> (<source>)``). This module reads it back into the columns
finance sees: the origin (the public data set the price was taken from), the date of that
price data (the source's own date, never the snapshot's build date), whether the price is a
list price, derived from one, or rests on an assumption (a spot discount), and a note with
the line's caveats ("free tier not applied").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.costing.engine import CostReport
    from planner.costing.lines import CostLine

# "<ref> list 2024-07-01 (owner/repo:path@commit)" or "... list (restored) 2024-07-01 (...)"
_ROW = re.compile(
    r"(?P<ref>\S+) (?P<kind>[a-z]+(?: \([a-z]+\))?) (?P<date>\d{4}-\d{2}-\d{2}) \((?P<src>[^)]*)\)"
)

BASIS_LABELS = {
    "list": "AWS list price",
    "derived": "derived from a list price",
    "assumption": "ASSUMPTION on the price",
    "missing": "no price",
    "contract": "term of the customer's agreement",
}

# Caveats the model does not apply, by price reference (service/region/product) pattern.
CAVEATS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^AWSDataTransfer/[^/]+/internet-out/"),
        "AWS's 100 GB a month of free data transfer out is not applied",
    ),
    (re.compile(r"^AmazonCloudWatch/[^/]+/logs/"), "CloudWatch free tier (5 GB logs) not applied"),
    (re.compile(r"^AmazonS3/"), "S3 free tier not applied"),
    (re.compile(r"^awskms/[^/]+/requests/"), "KMS free tier (20,000 requests) not applied"),
    (re.compile(r"^AmazonECR/"), "ECR free tier not applied"),
)


@dataclass(frozen=True)
class Provenance:
    origin: str
    """The public data set the price comes from (``aws/karpenter-provider-aws``)."""
    price_date: str
    """The date of that price data (ISO), "" when the line has no price."""
    basis: str
    """``list``, ``derived``, ``assumption`` or ``missing``."""
    notes: str

    @property
    def basis_label(self) -> str:
        return BASIS_LABELS.get(self.basis, self.basis)


def of(line: CostLine) -> Provenance:
    """Origin, price date, basis and notes of one cost line."""
    notes: list[str] = []
    match = _ROW.search(line.price_source)
    origin = date = ""
    if match:
        origin = match["src"].split(":", 1)[0]
        date = match["date"]
        if "restored" in match["kind"]:
            notes.append("unit price restored from a cent-rounded source")
    if line.missing:
        notes.append("no price in the snapshot: kept out of every total")
    elif line.price_basis == "assumption":
        head = line.price_source.split("; on-demand", 1)[0]
        notes.append(f"price rests on an assumption: {head.removeprefix('assumption: ')}")
    elif line.price_basis == "derived" and line.price_source.startswith("stated:"):
        notes.append(line.price_source.split("; on-demand", 1)[0])
    if line.quantity_basis == "assumption":
        notes.append(f"assumed quantity: {line.quantity_note}")
    for pattern, caveat in CAVEATS:
        if pattern.search(line.price_ref):
            notes.append(caveat)
    return Provenance(origin, date, line.price_basis, "; ".join(notes))


@dataclass(frozen=True)
class DateRange:
    oldest: str
    newest: str
    oldest_item: str
    """The line (resource and component) priced with the oldest price data."""

    def sentence(self) -> str:
        if not self.oldest:
            return "no priced lines"
        if self.oldest == self.newest:
            return f"price data dated {self.oldest}"
        return (
            f"price data dated {self.oldest} to {self.newest}; the oldest is {self.oldest_item} "
            f"({self.oldest})"
        )


def date_range(report: CostReport) -> DateRange:
    """The range of price dates the report's priced lines use, and the oldest one's item."""
    dated = [(p.price_date, ln) for ln in report.lines if (p := of(ln)).price_date]
    if not dated:
        return DateRange("", "", "")
    oldest = min(dated, key=lambda d: d[0])
    newest = max(d for d, _ in dated)
    item = f"{oldest[1].resource} {oldest[1].component}"
    return DateRange(oldest[0], newest, item)


def age_days(price_date: str, as_of: str) -> int:
    return (dt.date.fromisoformat(as_of) - dt.date.fromisoformat(price_date)).days
