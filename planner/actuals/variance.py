"""Variance per planned line and month: planned, actual, difference, and the likely cause.

The difference splits exactly into a quantity effect and a price effect::

    delta = actual - planned_qty x planned_price
          = (actual_qty - planned_qty) x planned_price      (quantity effect)
          + (actual - actual_qty x planned_price)            (price effect)

The cause is the larger effect; a line within ``ON_PLAN_PCT`` % (or ``ON_PLAN_USD``) of its
plan is ``on_plan``. Rows no planned line explains are ``unplanned`` spend, by service and
usage type, never dropped: matched actuals plus unplanned equal the bill's total exactly.

Like with like: the plan's lines are at list prices, and so are the bill's usage rows (a CUR
bills an enterprise discount or a private rate on lines of their own). With a ``discounts:``
block, the plan's discount lines are compared per service with the bill's discount rows
(charge category ``Discount``), and its credits with the bill's ``Credit`` rows; without one,
those rows stay unplanned spend, as before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from planner.actuals.match import MatchResult, match
from planner.actuals.tidy import BillRow
from planner.costing.lines import CostLine
from planner.money import ZERO, cents, plain

CostBasis = Literal["amortised", "unblended"]
Cause = Literal["quantity", "price", "on_plan"]
ON_PLAN_PCT = Decimal(3)
ON_PLAN_USD = Decimal("0.50")
HUNDRED = Decimal(100)
# Bill rows that are discounts or credits, not usage (tidy charge categories).
DISCOUNT = "Discount"
CREDIT = "Credit"
DISCOUNT_USAGE_TYPE = "(discounts)"
# What each kind of commitment can cover (the coverage denominator), as AWS defines coverage:
# a Compute Savings Plan covers EC2 instance usage (and Fargate and Lambda), never RDS or
# ElastiCache; reserved instances and nodes cover instance hours of their own service.
# Cost Explorer: "Savings Plans coverage" and "Reservation coverage" reports (AWS Cost
# Management User Guide).
SP_ELIGIBLE = ("BoxUsage", "Fargate", "Lambda")
RI_ELIGIBLE = ("BoxUsage", "InstanceUsage", "Multi-AZUsage", "NodeUsage")
COMMITMENT_ELIGIBLE = tuple(dict.fromkeys(SP_ELIGIBLE + RI_ELIGIBLE))
CommitmentKind = Literal["Savings Plans", "Reserved Instances"]


@dataclass(frozen=True)
class LineVariance:
    resource: str
    service: str
    component: str
    usage_type: str
    month: str
    unit: str
    planned_quantity: Decimal
    actual_quantity: Decimal
    planned_unit_price_usd: Decimal
    planned_usd: Decimal
    actual_usd: Decimal
    cause: Cause
    cause_detail: str
    quantity_basis: str

    @property
    def delta_usd(self) -> Decimal:
        return self.actual_usd - self.planned_usd

    @property
    def delta_pct(self) -> Decimal | None:
        return None if self.planned_usd == 0 else self.delta_usd / self.planned_usd * HUNDRED


@dataclass(frozen=True)
class Unplanned:
    service: str
    usage_type: str
    month: str
    actual_usd: Decimal
    commitment: bool = False


@dataclass(frozen=True)
class Commitment:
    month: str
    used_usd: Decimal  # amortised cost of covered usage
    unused_usd: Decimal  # commitment paid for and not used
    covered_list_usd: Decimal  # covered usage at on-demand list price
    eligible_list_usd: Decimal  # usage this kind of commitment can cover, at list price
    kind: CommitmentKind = "Savings Plans"

    @property
    def utilisation_pct(self) -> Decimal | None:
        total = self.used_usd + self.unused_usd
        return None if total == 0 else self.used_usd / total * HUNDRED

    @property
    def coverage_pct(self) -> Decimal | None:
        if self.eligible_list_usd == 0:
            return None
        return self.covered_list_usd / self.eligible_list_usd * HUNDRED

    @property
    def savings_usd(self) -> Decimal:
        """Net: what the covered usage would have cost on-demand, less everything the
        commitment cost, the unused part included."""
        return self.covered_list_usd - self.used_usd - self.unused_usd


@dataclass(frozen=True)
class VarianceReport:
    scenario: str
    source: str
    cost_basis: CostBasis
    months: tuple[str, ...]
    lines: tuple[LineVariance, ...]
    unplanned: tuple[Unplanned, ...]
    commitments: tuple[Commitment, ...]
    actual_total_usd: Decimal
    warnings: tuple[str, ...]
    # planned lines with no usage-type mapping (reservation fees, say): in the plan's total,
    # not compared line by line; (resource, component, month, planned USD as shown)
    not_compared: tuple[tuple[str, str, str, Decimal], ...] = ()

    @property
    def planned_total_usd(self) -> Decimal:
        """The whole plan over the months, as shown: compared lines and the ones not compared."""
        compared = sum((ln.planned_usd for ln in self.lines), ZERO)
        return compared + sum((n[3] for n in self.not_compared), ZERO)

    @property
    def not_compared_total_usd(self) -> Decimal:
        return sum((n[3] for n in self.not_compared), ZERO)

    @property
    def matched_total_usd(self) -> Decimal:
        return sum((ln.actual_usd for ln in self.lines), ZERO)

    @property
    def unplanned_total_usd(self) -> Decimal:
        return sum((u.actual_usd for u in self.unplanned), ZERO)

    def actual_by_month_shown(self) -> dict[str, Decimal]:
        """Actual spend per month as shown: each service's month rounded to the cent (the
        finest cut a page shows), then added, so the months add to the total shown."""
        out: dict[str, Decimal] = {m: ZERO for m in self.months}
        for (_service, month), (_p, actual) in self.by_service_month().items():
            out[month] = out.get(month, ZERO) + cents(actual)
        return out

    @property
    def actual_shown_total_usd(self) -> Decimal:
        """The actual total as every page and command shows it: the sum of the service-months
        rounded to the cent (``actual_total_usd`` is the exact sum of the bill rows)."""
        return sum(self.actual_by_month_shown().values(), ZERO)

    def unplanned_by_month_shown(self) -> dict[str, Decimal]:
        """Unplanned spend per month as shown: each service's month rounded first."""
        per: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
        for u in self.unplanned:
            per[(u.service, u.month)] += u.actual_usd
        out: dict[str, Decimal] = {m: ZERO for m in self.months}
        for (_service, month), amount in per.items():
            out[month] = out.get(month, ZERO) + cents(amount)
        return out

    @property
    def unplanned_shown_total_usd(self) -> Decimal:
        return sum(self.unplanned_by_month_shown().values(), ZERO)

    def by_service_month(self) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
        """(service, month) -> (planned, actual incl. unplanned)."""
        out: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
        for ln in self.lines:
            out[(ln.service, ln.month)][0] += ln.planned_usd
            out[(ln.service, ln.month)][1] += ln.actual_usd
        for u in self.unplanned:
            out[(u.service, u.month)][1] += u.actual_usd
        return {k: (v[0], v[1]) for k, v in sorted(out.items())}


def _amount(row: BillRow, basis: CostBasis) -> Decimal:
    return row.amortised_usd if basis == "amortised" else row.unblended_usd


def _cause(
    line: CostLine,
    usage_type: str,
    planned: Decimal,
    actual: Decimal,
    qty: Decimal,
    rows: list[BillRow],
) -> tuple[Cause, str]:
    price = line.unit_price_usd or ZERO
    delta = actual - planned
    quantity_effect = (qty - line.quantity) * price
    price_effect = actual - qty * price
    limit = max(ON_PLAN_USD, abs(planned) * ON_PLAN_PCT / HUNDRED)
    if abs(delta) <= limit:
        return "on_plan", f"within {plain(ON_PLAN_PCT)}% / ${plain(ON_PLAN_USD)} of plan"
    if abs(quantity_effect) >= abs(price_effect):
        ratio = f" ({plain(round(qty / line.quantity, 2))}x)" if line.quantity else ""
        return "quantity", (
            f"{usage_type}: {plain(round(qty, 4))} {line.unit} billed vs "
            f"{plain(line.quantity)} planned{ratio}; plan basis: {line.quantity_basis}"
        )
    effective = actual / qty if qty else ZERO
    how = []
    if any(r.commitment_status == "Used" for r in rows):
        how.append("covered by a Savings Plan / reservation")
    if any(r.pricing_category == "Dynamic" for r in rows):
        how.append("spot price")
    extra = f" ({', '.join(how)})" if how else ""
    return "price", (
        f"{usage_type}: effective ${plain(round(effective, 6))}/{line.unit} vs "
        f"${plain(price)} planned{extra}; price basis: {line.price_basis}"
    )


def _discount_groups(
    discount_lines: Iterable[CostLine], rows: list[BillRow]
) -> tuple[dict[str, list[CostLine]], dict[str, list[BillRow]], list[BillRow]]:
    """Plan discount lines and bill discount / credit rows by group (a service code, or
    ``Credits``), and the rows left for usage matching."""
    plan: dict[str, list[CostLine]] = defaultdict(list)
    for ln in discount_lines:
        plan[ln.service].append(ln)
    billed: dict[str, list[BillRow]] = defaultdict(list)
    rest: list[BillRow] = []
    for r in rows:
        group = "Credits" if r.charge_category == CREDIT else r.service
        if r.charge_category in (DISCOUNT, CREDIT) and group in plan:
            billed[group].append(r)
        else:
            rest.append(r)
    return plan, billed, rest


def _discount_variances(
    plan: dict[str, list[CostLine]],
    billed: dict[str, list[BillRow]],
    months: tuple[str, ...],
    cost_basis: CostBasis,
) -> list[LineVariance]:
    out = []
    for group, lns in plan.items():
        planned = sum((ln.monthly_usd or ZERO for ln in lns), ZERO)
        kinds = ", ".join(dict.fromkeys(ln.purchase_option for ln in lns))
        for month in months:
            actual = sum(
                (_amount(r, cost_basis) for r in billed.get(group, []) if r.month == month), ZERO
            )
            limit = max(ON_PLAN_USD, abs(planned) * ON_PLAN_PCT / HUNDRED)
            on_plan = abs(actual - planned) <= limit
            detail = (
                f"within {plain(ON_PLAN_PCT)}% / ${plain(ON_PLAN_USD)} of plan"
                if on_plan
                else f"the bill's discounts and credits on {group}: ${plain(round(actual, 2))} "
                f"vs ${plain(round(planned, 2))} planned ({kinds})"
            )
            out.append(
                LineVariance(
                    resource=f"discounts/{group}",
                    service=group,
                    component=f"Discounts and credits ({kinds})",
                    usage_type=DISCOUNT_USAGE_TYPE,
                    month=month,
                    unit="USD",
                    planned_quantity=Decimal(1),
                    actual_quantity=Decimal(1),
                    planned_unit_price_usd=planned,
                    planned_usd=planned,
                    actual_usd=actual,
                    cause="on_plan" if on_plan else "price",
                    cause_detail=detail,
                    quantity_basis="contract",
                )
            )
    return out


def variance(
    scenario: str,
    lines: Iterable[CostLine],
    rows: list[BillRow],
    *,
    source: str = "",
    cost_basis: CostBasis = "amortised",
    discount_lines: Iterable[CostLine] = (),
) -> VarianceReport:
    """Plan vs bill per line and month; ``discount_lines`` (the plan's discounts: block) are
    compared with the bill's discount and credit rows, the list lines with its usage rows."""
    plan_discounts, billed_discounts, usage_rows = _discount_groups(discount_lines, rows)
    result: MatchResult = match(lines, usage_rows)
    months = tuple(sorted({r.month for r in rows}))
    warnings = [
        f"{k[0]} {k[1]}: two planned lines share its usage type and the bill has no tag "
        "telling them apart; the first line takes the spend"
        for k in sorted(result.ambiguous)
    ]
    warnings += [
        f"{ln.resource} {ln.component}: no usage-type mapping; its plan is not compared"
        for ln in result.unmapped
    ]
    out: list[LineVariance] = []
    for p in result.planned:
        line = p.line
        if line.monthly_usd is None:
            warnings.append(f"{line.resource} {line.component}: price missing in the plan")
        # the plan as every page shows it: the line rounded to the cent (the one total rule)
        planned = cents(line.monthly_usd) if line.monthly_usd is not None else ZERO
        by_month: dict[str, list[BillRow]] = defaultdict(list)
        for row in result.matched[p.key]:
            by_month[row.month].append(row)
        for month in months:
            month_rows = by_month.get(month, [])
            actual = sum((_amount(r, cost_basis) for r in month_rows), ZERO)
            qty = sum((r.usage_quantity for r in month_rows), ZERO)
            qty /= p.match.bill_units_per_plan_unit
            usage_type = p.match.usage_types[0]
            cause, detail = _cause(line, usage_type, planned, actual, qty, month_rows)
            out.append(
                LineVariance(
                    resource=line.resource,
                    service=line.service,
                    component=line.component,
                    usage_type=usage_type,
                    month=month,
                    unit=line.unit,
                    planned_quantity=line.quantity,
                    actual_quantity=qty,
                    planned_unit_price_usd=line.unit_price_usd or ZERO,
                    planned_usd=planned,
                    actual_usd=actual,
                    cause=cause,
                    cause_detail=detail,
                    quantity_basis=line.quantity_basis,
                )
            )
    out += _discount_variances(plan_discounts, billed_discounts, months, cost_basis)
    unplanned: dict[tuple[str, str, str], Decimal] = defaultdict(lambda: ZERO)
    commitment_rows: set[tuple[str, str, str]] = set()
    for row in result.unplanned:
        key = (row.service, row.usage_type, row.month)
        unplanned[key] += _amount(row, cost_basis)
        if row.commitment_id:
            commitment_rows.add(key)
    return VarianceReport(
        scenario=scenario,
        source=source,
        cost_basis=cost_basis,
        months=months,
        lines=tuple(out),
        unplanned=tuple(
            Unplanned(s, u, m, v, (s, u, m) in commitment_rows)
            for (s, u, m), v in sorted(unplanned.items(), key=lambda kv: (kv[0][2], -kv[1]))
        ),
        commitments=commitments(rows),
        actual_total_usd=sum((_amount(r, cost_basis) for r in rows), ZERO),
        warnings=tuple(warnings),
        not_compared=tuple(
            (ln.resource, ln.component, month, cents(ln.monthly_usd))
            for ln in result.unmapped
            if ln.monthly_usd is not None
            for month in months
        ),
    )


def commitment_kind(commitment_id: str, usage_type: str = "") -> CommitmentKind:
    """A reservation (an EC2 ``reserved-instances/`` or RDS/ElastiCache ``:ri:`` ARN, or a
    ``HeavyUsage`` fee) or else a Savings Plan (``...:savingsplan/...``, ``ComputeSP:...``)."""
    ident = commitment_id.lower()
    if "reserved-instances/" in ident or ":ri:" in ident or ":reservation" in ident:
        return "Reserved Instances"
    if "heavyusage" in usage_type.lower():
        return "Reserved Instances"
    return "Savings Plans"


def commitments(rows: Iterable[BillRow]) -> tuple[Commitment, ...]:
    """Savings Plan and reservation use per month and kind, from the amortised columns
    (empty when none). Coverage follows AWS's definition: the covered share of the usage that
    kind of commitment can cover, at on-demand value."""
    from planner.actuals.mapping import strip_region

    rows = list(rows)
    kinds: set[CommitmentKind] = set()
    acc: dict[tuple[str, CommitmentKind], list[Decimal]] = defaultdict(
        lambda: [ZERO, ZERO, ZERO, ZERO]
    )
    for r in rows:
        if r.commitment_status in ("Used", "Unused"):
            kind = commitment_kind(r.commitment_id, r.usage_type)
            kinds.add(kind)
            a = acc[(r.month, kind)]
            if r.commitment_status == "Used":
                a[0] += r.amortised_usd
                a[2] += r.list_usd
            else:
                a[1] += r.amortised_usd
    if not kinds:
        return ()
    for r in rows:
        if r.charge_category != "Usage":
            continue
        usage = strip_region(r.usage_type)
        for kind in kinds:
            eligible = SP_ELIGIBLE if kind == "Savings Plans" else RI_ELIGIBLE
            covered_here = (
                r.commitment_status == "Used"
                and commitment_kind(r.commitment_id, r.usage_type) == kind
            )
            if covered_here or (r.commitment_status == "" and usage.startswith(eligible)):
                acc[(r.month, kind)][3] += r.list_usd
    return tuple(Commitment(m, v[0], v[1], v[2], v[3], kind=k) for (m, k), v in sorted(acc.items()))
