"""Rules AWS's own pricing obeys, checked on every price row before it is served.

The same gate runs when the snapshot is built (``pricing/build_snapshot.py``), when a refresh
or an offer import writes one (``planner.prices.snapshot.write_snapshot``) and when the
catalog reads a file (``planner.catalog``). A row that breaks a rule is *quarantined*: kept,
with the rule and the evidence, in ``quarantine.csv`` beside the snapshot, and never served
as a list price. Where the same source holds the right value (AWS prices Redis and Memcached
nodes alike, so the Memcached value of the same node type, region and term), the gate serves
that value instead, with a ``derivation`` saying so.

The rules, each with its own test (``tests/test_price_rules.py``):

- ``unknown-unit``: the unit is one of :data:`UNIT_RANGES`.
- ``price-out-of-range``: the price lies in the plausible range for its unit; 0 only for an
  All Upfront offer's recurring rate and free tiers.
- ``engines-disagree``: ElastiCache Redis and Memcached nodes cost the same; Valkey costs
  :data:`VALKEY_SHARE` of Redis (AWS's published 20% lower price for node-based Valkey).
- ``multi-az-not-twice-single-az``: an RDS Multi-AZ (one standby) PostgreSQL, MySQL or
  MariaDB instance or storage row costs twice the Single-AZ one.
- ``reserved-not-below-on-demand``: a reserved offer's effective rate (recurring + upfront /
  term hours) or a Savings Plan rate is below the on-demand rate of the same product.
- ``upfront-fee-in-hourly-column``: an hourly rate that is not below on-demand but is once
  divided by the term's hours is an upfront fee filed as an hourly rate.
- ``all-upfront-split``: an All Upfront offer's recurring hourly rate is 0 and its fee is in
  the upfront (``Quantity``) row.
- ``partial-upfront-fee-too-high``: a Partial Upfront fee is below term hours x on-demand.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from planner.catalog import ON_DEMAND, PriceRow, Term
from planner.money import HOURS_PER_MONTH

# Written into each gated file's manifest entry ("price_rules"): the catalog re-checks on load
# only files that do not carry the current version (a snapshot written before the gate, or by
# another tool); the sha256 check ties a gated file to its manifest.
RULES_VERSION = 1
EFFECTIVE_UNIT = "Hrs (effective, upfront amortised)"
HOURLY_UNITS = ("Hrs", EFFECTIVE_UNIT)
_D = Decimal

# Plausible range per unit (inclusive). The bounds are wide on purpose: they catch a fee in an
# hourly column, a price per GB in a per-TB column, a missing decimal point; not a dear type.
UNIT_RANGES: dict[str, tuple[Decimal, Decimal]] = {
    "Hrs": (_D("0.0001"), _D("1000")),
    EFFECTIVE_UNIT: (_D("0.0001"), _D("1000")),
    "GB-Mo": (_D("0.0001"), _D("5")),
    "GB": (_D("0.0001"), _D("5")),
    "Quantity": (_D("0.01"), _D("50000000")),
    "LCU-Hrs": (_D("0.0001"), _D("1")),
    "Keys-Mo": (_D("0.01"), _D("100")),
    "10k requests": (_D("0.0001"), _D("10")),
    "Requests": (_D("0.0000000001"), _D("1")),
}
VALKEY_SHARE = _D("0.8")
# Relative and absolute tolerance of "the same price": published hourly prices carry 3 to 4
# decimals (0.046 for 0.8 x 0.058 = 0.0464).
REL_TOLERANCE = _D("0.005")
ABS_TOLERANCE = _D("0.0005")  # AWS rounds reserved hourly rates to 3 decimals
MULTI_AZ_ENGINES = ("PostgreSQL", "MySQL", "MariaDB")
TERM_HOURS = {"1yr": HOURS_PER_MONTH * 12, "3yr": HOURS_PER_MONTH * 36}

RULES: dict[str, str] = {
    "unknown-unit": "the unit is one the planner knows",
    "price-out-of-range": "the price lies in the plausible range for its unit",
    "engines-disagree": "Redis and Memcached nodes cost the same; Valkey 80% of Redis",
    "multi-az-not-twice-single-az": "RDS Multi-AZ (PostgreSQL, MySQL, MariaDB) = 2 x Single-AZ",
    "reserved-not-below-on-demand": "a reserved or Savings Plan rate is below on-demand",
    "upfront-fee-in-hourly-column": "an hourly rate is not an upfront fee",
    "all-upfront-split": "All Upfront: recurring hourly 0, the fee in the upfront row",
    "partial-upfront-fee-too-high": "a Partial Upfront fee is below term hours x on-demand",
}

Key = tuple[str, str, str, Term]
# Inside the gate rows are keyed by flat string tuples: a Term's dataclass hash is ~10x slower.
_Flat = tuple[str, str, str, str, str, str, str]


@dataclass(frozen=True)
class Violation:
    """One quarantined row: which rule it breaks, and the figures that show it."""

    rule: str
    row: PriceRow
    evidence: str


@dataclass(frozen=True)
class Verdict:
    """The rows to serve (corrections included), the quarantined ones and the corrections."""

    served: list[PriceRow]
    quarantined: list[Violation]
    corrected: list[PriceRow]


def key_of(row: PriceRow) -> Key:
    return (row.service, row.region, row.product, row.term)


def same_price(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= max(ABS_TOLERANCE, REL_TOLERANCE * max(abs(a), abs(b)))


def _p(value: Decimal) -> str:
    return format(value.normalize(), "f")


def known_free(row: PriceRow) -> bool:
    """A 0 that is a price: All Upfront's recurring rate, a free tier."""
    if row.term.kind == "Reserved" and row.term.purchase_option == "All Upfront":
        return row.unit == "Hrs"
    return "free" in row.product.lower() or "free" in row.attributes.lower()


def _flat(row: PriceRow) -> _Flat:
    t = row.term
    return (
        row.service,
        row.region,
        row.product,
        t.kind,
        t.lease,
        t.purchase_option,
        t.offering_class,
    )


def _with(key: _Flat, product: str, term: Term | None = None) -> _Flat:
    """``key`` for another product (and term) of the same service and region."""
    if term is None:
        return (key[0], key[1], product, key[3], key[4], key[5], key[6])
    return (
        key[0],
        key[1],
        product,
        term.kind,
        term.lease,
        term.purchase_option,
        term.offering_class,
    )


class _Gate:
    def __init__(self, rows: Iterable[PriceRow]) -> None:
        self.rows: dict[_Flat, PriceRow] = {_flat(row): row for row in rows}
        self.services: dict[str, list[_Flat]] = {}
        for key in self.rows:
            self.services.setdefault(key[0], []).append(key)
        self.bad: dict[_Flat, Violation] = {}
        self.corrected: dict[_Flat, PriceRow] = {}

    def flag(self, row: PriceRow, rule: str, evidence: str) -> None:
        self.bad.setdefault(_flat(row), Violation(rule, row, evidence))

    def served(self, key: _Flat) -> PriceRow | None:
        if key in self.corrected:
            return self.corrected[key]
        return None if key in self.bad else self.rows.get(key)

    def units(self) -> None:
        for row in self.rows.values():
            if row.unit not in UNIT_RANGES:
                self.flag(
                    row,
                    "unknown-unit",
                    f"unit {row.unit!r} is not one of {', '.join(sorted(UNIT_RANGES))}",
                )

    def engines(self, correct: bool) -> None:
        """Redis = Memcached (the Memcached value of the same source corrects Redis), then
        Valkey = 80% of the (corrected) Redis value."""
        cache_keys = self.services.get("AmazonElastiCache", [])
        for key in cache_keys:
            region, product = key[1:3]
            if not product.endswith("/Redis") or key in self.bad:
                continue
            row = self.rows[key]
            term = row.term
            base = product.removesuffix("/Redis")
            other = self.served(_with(key, f"{base}/Memcached"))
            if other is None or same_price(row.usd, other.usd):
                continue
            self.flag(
                row,
                "engines-disagree",
                f"Redis {_p(row.usd)} vs Memcached {_p(other.usd)} {row.unit} for "
                f"{base.removeprefix('node/')} {term.label} in {region}: AWS prices them alike",
            )
            if correct and other.source == row.source:
                self.corrected[key] = dataclasses.replace(
                    other,
                    product=product,
                    price_kind="derived" if other.price_kind == "list" else other.price_kind,
                    derivation=(
                        f"the Memcached value of the same node type, region and term in the same "
                        f"source: its Redis value {_p(row.usd)} was quarantined (engines-disagree"
                        "; AWS prices Redis and Memcached nodes alike)"
                    ),
                )
        for key in cache_keys:
            region, product = key[1:3]
            if not product.endswith("/Valkey"):
                continue
            row = self.rows[key]
            redis = self.served(_with(key, product.removesuffix("/Valkey") + "/Redis"))
            if redis is None or key in self.bad:
                continue
            expected = redis.usd * VALKEY_SHARE
            if not same_price(row.usd, expected):
                self.flag(
                    row,
                    "engines-disagree",
                    f"Valkey {_p(row.usd)} vs 0.8 x Redis {_p(redis.usd)} = {_p(expected)} "
                    f"{row.unit} in {region}: AWS prices node-based Valkey 20% below Redis",
                )

    def multi_az(self) -> None:
        for key in self.services.get("AmazonRDS", []):
            region, product = key[1:3]
            if not product.endswith("/Multi-AZ") or key in self.bad:
                continue
            row = self.rows[key]
            parts = product.split("/")
            holds = parts[0] == "storage" or (
                parts[0] == "db" and len(parts) == 4 and parts[2] in MULTI_AZ_ENGINES
            )
            if not holds:
                continue
            single = self.served(_with(key, product.replace("/Multi-AZ", "/Single-AZ")))
            if single is None or same_price(row.usd, 2 * single.usd):
                continue
            self.flag(
                row,
                "multi-az-not-twice-single-az",
                f"Multi-AZ {_p(row.usd)} vs 2 x Single-AZ {_p(single.usd)} = "
                f"{_p(2 * single.usd)} {row.unit} in {region}",
            )

    def commitments(self) -> None:
        for key, row in self.rows.items():
            region, product, kind = key[1:4]
            if kind not in ("Reserved", "SavingsPlan") or product.endswith("/upfront"):
                continue
            if key in self.bad:
                continue
            term = row.term
            od = self.served(_with(key, product, ON_DEMAND))
            fee_row = self.rows.get(_with(key, f"{product}/upfront"))
            hours = TERM_HOURS.get(term.lease)
            split = term.kind == "Reserved" and row.unit == "Hrs" and term.purchase_option
            if split and self._split(row, fee_row, od, hours):
                continue
            if od is None or od.usd <= 0:
                continue
            fee = fee_row.usd if fee_row is not None and row.unit == "Hrs" else Decimal(0)
            rate = row.usd + (fee / hours if hours and term.kind == "Reserved" else 0)
            if rate < od.usd:
                continue
            what = "effective rate" if row.unit == EFFECTIVE_UNIT or fee else "rate"
            if hours and term.kind == "Reserved" and _looks_like_fee(row.usd, od.usd, hours):
                self.flag(
                    row,
                    "upfront-fee-in-hourly-column",
                    f"{term.label} {_p(row.usd)} {row.unit} >= on-demand {_p(od.usd)}/h; as a "
                    f"fee it is {_p(round(row.usd / hours, 6))}/h over {_p(hours)} h, "
                    f"{_p(round(100 * row.usd / (hours * od.usd), 1))}% of on-demand: an "
                    "upfront fee filed as an hourly rate",
                )
            else:
                self.flag(
                    row,
                    "reserved-not-below-on-demand",
                    f"{term.label} {what} {_p(rate)}/h >= on-demand {_p(od.usd)}/h "
                    f"({region} {product})",
                )
            if fee_row is not None:
                self.flag(fee_row, self.bad[key].rule, f"its offer's {self.bad[key].evidence}")

    def _split(
        self,
        row: PriceRow,
        fee_row: PriceRow | None,
        od: PriceRow | None,
        hours: Decimal | None,
    ) -> bool:
        """Checks of an offer given as recurring rate + upfront fee; True when flagged."""
        term = row.term
        if term.purchase_option == "All Upfront" and (row.usd != 0 or fee_row is None):
            text = (
                f"recurring {_p(row.usd)}/h (should be 0; the fee belongs in {row.product}/upfront)"
                if row.usd != 0
                else f"recurring 0/h but no {row.product}/upfront fee row"
            )
            self.flag(row, "all-upfront-split", f"{term.label}: {text}")
            if fee_row is not None:
                self.flag(fee_row, "all-upfront-split", f"its offer's recurring rate: {text}")
            return True
        if (
            term.purchase_option == "Partial Upfront"
            and fee_row is not None
            and od is not None
            and hours is not None
            and fee_row.usd >= hours * od.usd
        ):
            text = (
                f"{term.label} fee {_p(fee_row.usd)} >= {_p(hours)} h x on-demand "
                f"{_p(od.usd)}/h = {_p(hours * od.usd)}"
            )
            self.flag(fee_row, "partial-upfront-fee-too-high", text)
            self.flag(row, "partial-upfront-fee-too-high", f"its upfront fee: {text}")
            return True
        return False

    def ranges(self) -> None:
        for key, row in self.rows.items():
            if key in self.bad or row.unit not in UNIT_RANGES:
                continue
            low, high = UNIT_RANGES[row.unit]
            if row.usd == 0 and known_free(row):
                continue
            if not low <= row.usd <= high:
                self.flag(
                    row,
                    "price-out-of-range",
                    f"{_p(row.usd)} USD per {row.unit} is outside the plausible "
                    f"{_p(low)}..{_p(high)}"
                    + (
                        " (0 only for All Upfront hourly rates and free tiers)"
                        if not row.usd
                        else ""
                    ),
                )


def _looks_like_fee(value: Decimal, on_demand: Decimal, hours: Decimal) -> bool:
    """A value in the hourly column that is where an upfront fee would be: 10% to 100% of
    term hours x on-demand (an hourly rate is never more than a few times on-demand)."""
    return hours * on_demand / 10 <= value < hours * on_demand


def check(rows: Iterable[PriceRow], *, correct: bool = True) -> Verdict:
    """Run every rule over ``rows`` (any mix of services and regions).

    With ``correct``, a quarantined Redis row whose Memcached twin in the same source is sound
    is replaced by that value (marked in ``derivation``); without, it is only refused.
    """
    gate = _Gate(rows)
    gate.units()
    gate.engines(correct)
    gate.multi_az()
    gate.commitments()
    gate.ranges()
    served = []
    for flat, row in gate.rows.items():
        if flat in gate.corrected:
            served.append(gate.corrected[flat])
        elif flat not in gate.bad:
            served.append(row)
    quarantined = sorted(gate.bad.values(), key=lambda v: _sort_key(v.row))
    return Verdict(served, quarantined, list(gate.corrected.values()))


def _sort_key(row: PriceRow) -> tuple[str, ...]:
    t = row.term
    return (row.service, row.region, row.product, t.kind, t.lease, t.purchase_option)
