"""A month-by-month projection, priced month by month by the engine.

``forecast_scenario`` is a plain function returning a list of :class:`ForecastMonth` that
other code (billing alerts, notebooks) can read. Rules:

- Month 1 is the month of ``start`` (default: the scenario's ``as_of``). A change
  ``(3, other)`` prices the other scenario instead from month 3 on; an addition
  ``(3, production)`` adds another environment's cost from month 3 on ("production goes
  live in month 3"). Commitments of a replaced scenario keep billing to the end of their
  term: a reservation or a Savings Plan cannot be cancelled.
- Each month is priced by the engine for that calendar month (``period``): the EKS and RDS
  support calendars apply day by day, so a version leaving standard support mid-month
  bills its days at each rate, and every later month at the new one.
- A commitment (a reserved purchase block or a Savings Plan) is active from its ``start``
  (default: the scenario's ``as_of``) for its term (12 or 36 months). At expiry it is
  ``revert`` (default: the resource runs on-demand again) or ``renew`` (bought again for
  another term: its upfront fee is paid again in the renewal month).
- Growth compounds monthly on the lines driven by the load only: node-group hours (the node
  counts grow; reservations stay at the count bought, the extra nodes run on-demand or spot)
  and ``load`` lines (databases, caches, brokers, storage, traffic). Fixed fees (the EKS
  control plane, NAT gateway and load balancer hours, KMS keys) and commitments do not grow.
- Money follows the one rule: each month is the sum of its lines rounded to the cent.
  Amortised view: the monthly figure with upfront fees spread over the term. Cash view:
  upfront fees in the month a term starts, then recurring charges. Never mixed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from planner.costing.rates import TERM_MONTHS
from planner.errors import InputError
from planner.figures import add_shown, shown
from planner.money import ZERO, cents, plain, usd
from planner.topology import Purchase, Topology

if TYPE_CHECKING:
    from planner.catalog import PriceCatalog
    from planner.costing.engine import CostReport
    from planner.scenario import Scenario

# A projected month above this is refused: no real AWS bill comes near $1 trillion a month.
MAX_MONTHLY_USD = Decimal(10) ** 12


AtExpiry = Literal["revert", "renew"]
AT_EXPIRY: tuple[AtExpiry, ...] = ("revert", "renew")


@dataclass(frozen=True)
class Commitment:
    key: str  # e.g. "rds/postgres reserved 1yr" or "savings-plan/1"
    start: dt.date
    months: int
    renew: bool = False  # at expiry: bought again (True) or back to on-demand (False)

    def active(self, month: dt.date) -> bool:
        if month < self.start:
            return False
        return self.renew or month < add_months(self.start, self.months)

    def starts_term(self, month: dt.date) -> int | None:
        """Which term (0 = the first) starts in ``month``, if one does."""
        if not self.active(month):
            return None
        elapsed = (month.year - self.start.year) * 12 + month.month - self.start.month
        return elapsed // self.months if elapsed % self.months == 0 else None


@dataclass
class ForecastMonth:
    index: int  # 1-based
    month: dt.date  # first day of the month
    scenario: str
    amortised_usd: Decimal  # monthly cost, upfront fees amortised over their terms
    cash_usd: Decimal  # cash paid in the month (upfront fees in their start month)
    committed_usd: Decimal  # amortised cost of active commitments
    usage_usd: Decimal  # the rest, with growth applied
    upfront_paid_usd: Decimal
    cash_complete: bool  # False: an upfront fee with an unknown split is left out of cash
    active_commitments: list[str] = field(default_factory=list)
    # the cent-rounded pieces amortised_usd adds up (the month's lines, a replaced scenario's
    # commitments): a whole-dollar page rounds these first, as it rounds every other total
    pieces_usd: list[Decimal] = field(default_factory=list)

    def amortised(self, decimals: int = 2) -> Decimal:
        """The month as a page at ``decimals`` shows it: its pieces rounded first, then added."""
        if decimals == 2 or not self.pieces_usd:
            return self.amortised_usd
        return add_shown(self.pieces_usd, decimals)

    def cash(self, decimals: int = 2) -> Decimal:
        """Cash at ``decimals``: the shown amortised month plus the (rounded) difference that
        upfront fees make between the two views."""
        if decimals == 2:
            return self.cash_usd
        return self.amortised(decimals) + shown(self.cash_usd - self.amortised_usd, decimals)


def add_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + (day.month - 1) + months
    return dt.date(total // 12, total % 12 + 1, 1)


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def parse_month(text: str) -> dt.date:
    if not re.fullmatch(r"\d{4}-\d{2}", text):
        raise InputError(f"--start {text!r} is not a month YYYY-MM")
    year, month = int(text[:4]), int(text[5:])
    if not 1 <= month <= 12:
        raise InputError(f"--start {text!r}: month {month} is not 1-12")
    return dt.date(year, month, 1)


def parse_change(text: str) -> tuple[int, str]:
    month, sep, scenario = text.partition(":")
    if not sep or not month.isdigit() or int(month) < 1 or not scenario:
        raise InputError(f"--change {text!r} is not MONTH:SCENARIO (e.g. 3:production)")
    return int(month), scenario


def commitments_of(
    topology: Topology, at_expiry: AtExpiry = "revert", since: dt.date | None = None
) -> list[tuple[Commitment, str, str]]:
    """(commitment, kind, name) for each reserved purchase block and Savings Plan. A
    commitment without a ``start`` starts with the scenario: its ``as_of``, or ``since``, the
    month the forecast switched to it, when that is later (it is bought at the switch)."""
    out: list[tuple[Commitment, str, str]] = []
    default = first_of_month(topology.as_of)
    if since is not None and since > default:
        default = since
    renew = at_expiry == "renew"

    def add(kind: str, name: str, p: Purchase) -> None:
        if p.type != "reserved":
            return
        start = first_of_month(p.start) if p.start else default
        key = f"{kind}/{name} reserved {p.term}"
        out.append((Commitment(key, start, TERM_MONTHS[p.term], renew), kind, name))

    if topology.eks is not None:
        for g in topology.eks.node_groups:
            add("eks-node-group", g.name, g.purchase)
    for db in topology.rds:
        add("rds", db.name, db.purchase)
    for c in topology.elasticache:
        add("elasticache", c.name, c.purchase)
    for i, sp in enumerate(topology.savings_plans):
        start = first_of_month(sp.start) if sp.start else default
        key = f"savings-plan/{i + 1}-{sp.type}-{sp.term}"
        out.append((Commitment(key, start, TERM_MONTHS[sp.term], renew), "savings-plan", str(i)))
    return out


def without(topology: Topology, inactive: list[tuple[str, str]]) -> Topology:
    """The topology with inactive commitments removed (their resources on-demand)."""
    on_demand = Purchase()
    drop = {name for kind, name in inactive if kind == "savings-plan"}
    names = {(kind, name) for kind, name in inactive}
    update: dict[str, Any] = {}
    if topology.eks is not None:
        groups = tuple(
            g.model_copy(update={"purchase": on_demand})
            if ("eks-node-group", g.name) in names
            else g
            for g in topology.eks.node_groups
        )
        update["eks"] = topology.eks.model_copy(update={"node_groups": groups})
    update["rds"] = tuple(
        d.model_copy(update={"purchase": on_demand}) if ("rds", d.name) in names else d
        for d in topology.rds
    )
    update["elasticache"] = tuple(
        c.model_copy(update={"purchase": on_demand}) if ("elasticache", c.name) in names else c
        for c in topology.elasticache
    )
    update["savings_plans"] = tuple(
        sp for i, sp in enumerate(topology.savings_plans) if str(i) not in drop
    )
    return topology.model_copy(update=update)


def _committed(report: CostReport, resource: str | None = None) -> Decimal:
    """The commitment lines (reservations, Savings Plans) as shown: each rounded first."""
    return sum(
        (
            cents(ln.monthly_usd)
            for ln in report.lines
            if ln.monthly_usd is not None
            and ln.driver == "commitment"
            and (resource is None or ln.resource == resource)
        ),
        ZERO,
    )


def _amortised_upfront(report: CostReport, resource: str | None = None) -> Decimal:
    """The upfront fees' monthly share inside the amortised figure (fee / term months)."""
    return sum(
        (
            cents(f.upfront_usd / TERM_MONTHS[f.term])
            for f in report.upfront_fees
            if (resource is None or f.resource == resource) and f.upfront_usd is not None
        ),
        ZERO,
    )


def _resource_of(commitment: Commitment) -> str:
    return commitment.key.split(" ")[0]


def forecast_scenario(
    scenario: Scenario,
    catalog: PriceCatalog,
    *,
    months: int = 12,
    growth_pct_per_month: Decimal = ZERO,
    start: dt.date | None = None,
    changes: list[tuple[int, Scenario]] | None = None,
    additions: list[tuple[int, Scenario]] | None = None,
    at_expiry: AtExpiry = "revert",
) -> list[ForecastMonth]:
    """The month-by-month series (see the module docstring for the rules)."""
    first = first_of_month(start or scenario.topology.as_of)
    series = _stream(
        scenario, catalog, months, growth_pct_per_month, first, changes or [], at_expiry
    )
    for at, other in additions or []:
        if at > months:
            continue
        extra = _stream(
            other,
            catalog,
            months - at + 1,
            growth_pct_per_month,
            add_months(first, at - 1),
            [],
            at_expiry,
        )
        for row, add in zip(series[at - 1 :], extra, strict=True):
            row.scenario = f"{row.scenario} + {add.scenario}"
            row.amortised_usd += add.amortised_usd
            row.pieces_usd += add.pieces_usd
            row.cash_usd += add.cash_usd
            row.committed_usd += add.committed_usd
            row.usage_usd += add.usage_usd
            row.upfront_paid_usd += add.upfront_paid_usd
            row.cash_complete = row.cash_complete and add.cash_complete
            row.active_commitments += [f"{add.scenario}: {c}" for c in add.active_commitments]
    return series


def _stream(
    scenario: Scenario,
    catalog: PriceCatalog,
    months: int,
    growth_pct_per_month: Decimal,
    first: dt.date,
    changes: list[tuple[int, Scenario]],
    at_expiry: AtExpiry,
) -> list[ForecastMonth]:
    from planner.pricing import price_scenario

    changes = sorted(changes, key=lambda c: c[0])
    carried: list[tuple[Commitment, CostReport, str]] = []  # from replaced scenarios
    previous: Scenario | None = None
    last_report: CostReport | None = None
    since = first  # the month the current scenario took over
    if not Decimal(-100) <= growth_pct_per_month <= Decimal(1000):
        raise InputError(f"--growth-pct {growth_pct_per_month}: give -100 to 1000 (percent)")
    growth = 1 + growth_pct_per_month / 100
    # (scenario, resource, term start, term): a scenario switched to again buys anew
    paid: set[tuple[str, str, dt.date | None, int]] = set()
    out: list[ForecastMonth] = []
    for m in range(1, months + 1):
        month = add_months(first, m - 1)
        current = scenario
        for at, other in changes:
            if at <= m:
                current = other
        if previous is not None and current is not previous and last_report is not None:
            # the replaced scenario's own start: a term it bought at its switch (``since``)
            # runs from that month, not from its as_of
            for c, _k, _n in commitments_of(previous.topology, at_expiry, since):
                if c.active(month):
                    # a term already bought bills to its end; it is not renewed for a
                    # scenario that has been replaced
                    end = add_months(
                        c.start, c.months * ((_elapsed(c.start, month) // c.months) + 1)
                    )
                    kept = Commitment(c.key, c.start, _elapsed(c.start, end), False)
                    carried.append((kept, last_report, previous.topology.name))
        if previous is not None and current is not previous:
            since = month
        previous = current
        commitments = commitments_of(current.topology, at_expiry, since)
        inactive = [(kind, name) for c, kind, name in commitments if not c.active(month)]
        active = [c for c, _k, _n in commitments if c.active(month)]
        variant = type(current)(
            topology=without(current.topology, inactive), path=current.path, chain=current.chain
        )
        factor = growth ** (m - 1) if m > 1 else Decimal(1)  # Decimal 0 ** 0 is an error
        report = price_scenario(
            variant,
            catalog,
            period=(month, add_months(month, 1)),
            growth=factor,
        )
        last_report = report
        committed = _committed(report)
        amortised = report.total_monthly_usd
        if amortised > MAX_MONTHLY_USD:
            raise InputError(
                f"--growth-pct {growth_pct_per_month}: {m - 1} month(s) of growth make month "
                f"{m} cost more than ${MAX_MONTHLY_USD:,} (x{factor:.3g}); beyond any real bill, "
                "lower --growth-pct or --months"
            )
        carried_names: list[str] = []
        carried_amortised = carried_cash = ZERO
        for c, old, name in carried:
            if c.active(month):
                amount = _committed(old, _resource_of(c))
                carried_amortised += amount
                carried_cash += amount - _amortised_upfront(old, _resource_of(c))
                carried_names.append(f"{name}: {c.key} (still billed)")
        upfront_now = ZERO
        complete = True
        for fee in report.upfront_fees:
            if fee.upfront_usd is None:
                complete = False
                continue
            commitment = next((c for c in active if c.key.startswith(fee.resource)), None)
            term = commitment.starts_term(month) if commitment is not None else None
            bought = commitment.start if commitment is not None else None
            tag = (current.topology.name, fee.resource, bought, term if term is not None else -1)
            if term is not None and tag not in paid:
                paid.add(tag)
                upfront_now += cents(fee.upfront_usd)
        renewed = [
            f"{c.key} (renewed)" if (c.starts_term(month) or 0) > 0 else c.key for c in active
        ]
        out.append(
            ForecastMonth(
                index=m,
                month=month,
                scenario=current.topology.name,
                amortised_usd=amortised + carried_amortised,
                cash_usd=amortised - _amortised_upfront(report) + upfront_now + carried_cash,
                committed_usd=committed + carried_amortised,
                usage_usd=amortised - committed,
                upfront_paid_usd=upfront_now,
                cash_complete=complete,
                active_commitments=renewed + carried_names,
                pieces_usd=[
                    cents(ln.monthly_usd) for ln in report.lines if ln.monthly_usd is not None
                ]
                + ([carried_amortised] if carried_amortised else []),
            )
        )
    return out


def _elapsed(start: dt.date, month: dt.date) -> int:
    return (month.year - start.year) * 12 + month.month - start.month


def forecast_json(series: list[ForecastMonth]) -> dict[str, Any]:
    def num(v: Decimal) -> float:
        return float(round(v, 2))

    return {
        "currency": "USD",
        "views": "amortised_usd spreads upfront fees over their terms; cash_usd pays them in "
        "the start month; never added together",
        "rounding": "each month is the sum of its lines rounded to the cent; totals are sums of "
        "the months",
        "months": [
            {
                "index": f.index,
                "month": f.month.isoformat()[:7],
                "scenario": f.scenario,
                "amortised_usd": num(f.amortised_usd),
                "cash_usd": num(f.cash_usd),
                "committed_usd": num(f.committed_usd),
                "usage_usd": num(f.usage_usd),
                "upfront_paid_usd": num(f.upfront_paid_usd),
                "cash_complete": f.cash_complete,
                "active_commitments": f.active_commitments,
            }
            for f in series
        ],
        "total_amortised_usd": num(sum((f.amortised_usd for f in series), ZERO)),
        "total_cash_usd": num(sum((f.cash_usd for f in series), ZERO)),
    }


def forecast_csv(series: list[ForecastMonth]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "month",
            "scenario",
            "amortised_usd",
            "cash_usd",
            "committed_usd",
            "usage_usd",
            "upfront_paid_usd",
            "cash_complete",
        ]
    )
    for f in series:
        writer.writerow(
            [
                f.month.isoformat()[:7],
                f.scenario,
                plain(round(f.amortised_usd, 2)),
                plain(round(f.cash_usd, 2)),
                plain(round(f.committed_usd, 2)),
                plain(round(f.usage_usd, 2)),
                plain(round(f.upfront_paid_usd, 2)),
                f.cash_complete,
            ]
        )
    return buffer.getvalue()


def forecast_table(series: list[ForecastMonth]) -> str:
    out = [
        "Forecast (USD): amortised = monthly cost with upfront fees spread over their terms; "
        "cash = what is paid that month",
        f"{'month':<8} {'scenario':<22} {'amortised':>12} {'cash':>12} {'committed':>11} "
        f"{'upfront':>10}  commitments",
    ]
    for f in series:
        flag = "" if f.cash_complete else " (cash excludes an unknown upfront)"
        out.append(
            f"{f.month.isoformat()[:7]:<8} {f.scenario[:22]:<22} {usd(f.amortised_usd):>12} "
            f"{usd(f.cash_usd):>12} {usd(f.committed_usd):>11} {usd(f.upfront_paid_usd):>10}  "
            + (", ".join(f.active_commitments) or "-")
            + flag
        )
    total_a = sum((f.amortised_usd for f in series), ZERO)
    total_c = sum((f.cash_usd for f in series), ZERO)
    label = f"total, {len(series)} months"
    out.append(f"{label:<31} {usd(total_a):>12} {usd(total_c):>12}")
    out.append(
        "each month is the sum of its lines rounded to the cent; the total is the sum of the "
        "months shown (not 12 x one month)"
    )
    out.append(
        "hourly lines bill the plan's 730-hour month (as planner price); the support calendars "
        "apply day by day; a 31-day month costs more (planner alerts budgets for it)"
    )
    return "\n".join(out) + "\n"
