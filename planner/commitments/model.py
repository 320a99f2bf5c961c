"""The options table's records and the arithmetic they share: risk levels, cash flow,
break-even, and the topology with one resource's purchase replaced.

Risk levels (the rule): ``none`` on-demand; ``low`` 1-year No Upfront; ``medium`` 1-year
Partial/All Upfront, 3-year No Upfront and spot (interruptions); ``high`` 3-year Partial/All
Upfront.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from planner.costing.engine import CostReport
from planner.costing.rates import FILL_COMMAND, TERM_MONTHS
from planner.money import ZERO, cents
from planner.topology import CapacityType, NodeGroup, Purchase, RDSInstance, Topology

RISK_ORDER = {"none": 0, "low": 1, "medium": 2, "high": 3}
RISK_RULE = (
    "none: on-demand; low: 1yr No Upfront; medium: 1yr Partial/All Upfront, 3yr No Upfront, "
    "spot; high: 3yr Partial/All Upfront"
)
TERMS = ("1yr", "3yr")
PAYMENTS = ("no_upfront", "partial_upfront", "all_upfront")
CLASSES = ("standard", "convertible")


@dataclass(frozen=True)
class Resource:
    """A resource that can take a purchase block: kind, name, and its catalog product."""

    kind: str  # "node_group", "rds", "elasticache"
    name: str
    resource: str  # the cost-line resource, e.g. eks-node-group/general
    service: str
    product: str
    instance_type: str
    min_instances: int

    @classmethod
    def of_node_group(cls, group: NodeGroup, min_instances: int) -> Resource:
        return cls(
            "node_group",
            group.name,
            f"eks-node-group/{group.name}",
            "AmazonEC2",
            f"instance/{group.instance_type}",
            group.instance_type,
            min_instances,
        )

    @classmethod
    def of_rds(cls, db: RDSInstance) -> Resource:
        dep = "Multi-AZ" if db.multi_az else "Single-AZ"
        return cls(
            "rds",
            db.name,
            f"rds/{db.name}",
            "AmazonRDS",
            f"db/{db.instance_class}/{db.engine}/{dep}",
            db.instance_class,
            1,
        )


@dataclass
class Option:
    name: str
    resource: str
    purchase: dict[str, Any]
    upfront_usd: Decimal | None
    monthly_usd: Decimal  # amortised
    recurring_monthly_usd: Decimal | None  # monthly cash after the upfront (None: unknown)
    on_demand_monthly_usd: Decimal
    break_even_month: int | None
    risk: str
    monthly_usd_at_min: Decimal
    unused_commitment_monthly_usd_at_min: Decimal
    # cumulative cash by month over 36 months; a commitment reverts to on-demand at expiry
    cash_flow_usd: list[Decimal] = field(default_factory=list)
    source: str = ""
    current: bool = False  # what the scenario buys today
    effective_hourly_usd: Decimal | None = None  # per instance: upfront / term hours + recurring
    current_monthly_usd: Decimal | None = None  # the resource as the scenario buys it today
    term_months: int | None = None  # a commitment's term (None: no commitment)
    cash_flow_renewed_usd: list[Decimal] = field(default_factory=list)  # renewed at expiry

    @property
    def baseline_usd(self) -> Decimal:
        """What a saving is measured against: the resource as bought today."""
        return (
            self.on_demand_monthly_usd
            if self.current_monthly_usd is None
            else (self.current_monthly_usd)
        )

    @property
    def savings_monthly_usd(self) -> Decimal:
        """Against what the scenario buys today (its current purchase), amortised; a
        reservation's idle hours are in its monthly figure, so the saving is net of them."""
        return self.baseline_usd - self.monthly_usd

    @property
    def savings_vs_on_demand_usd(self) -> Decimal:
        return self.on_demand_monthly_usd - self.monthly_usd

    @property
    def savings_pct(self) -> Decimal:
        if not self.baseline_usd:
            return ZERO
        return self.savings_monthly_usd * 100 / self.baseline_usd


@dataclass
class Missing:
    resource: str
    purchase: str
    detail: str
    command: str = FILL_COMMAND


@dataclass
class SavingsPlanSizing:
    quantile_rule: str
    on_demand_equivalent_usd_per_hour: Decimal
    profile_hours: int
    instance_types: list[str]
    commitment_usd_per_hour: Decimal | None
    note: str


@dataclass
class Commitments:
    scenario: str
    region: str
    options: list[Option]
    missing_rates: list[Missing]
    sizing: SavingsPlanSizing | None
    risk_rule: str = RISK_RULE


def risk_level(purchase: Purchase) -> str:
    if purchase.type == "on_demand":
        return "none"
    if purchase.type == "spot":
        return "medium"
    if purchase.term == "1yr":
        return "low" if purchase.payment == "no_upfront" else "medium"
    return "medium" if purchase.payment == "no_upfront" else "high"


def resources(topology: Topology, min_nodes: dict[str, int]) -> list[Resource]:
    out: list[Resource] = []
    if topology.eks is not None:
        for g in topology.eks.node_groups:
            out.append(Resource.of_node_group(g, min_nodes.get(g.name, g.min_size)))
    out.extend(Resource.of_rds(db) for db in topology.rds)
    for c in topology.elasticache:
        out.append(
            Resource(
                "elasticache",
                c.name,
                f"elasticache/{c.name}",
                "AmazonElastiCache",
                f"node/{c.node_type}/{c.engine}",
                c.node_type,
                c.nodes,
            )
        )
    return out


def with_purchase(topology: Topology, res: Resource, purchase: Purchase) -> Topology:
    """The topology with one resource's purchase block replaced (a copy; models are frozen)."""
    if res.kind == "node_group":
        assert topology.eks is not None
        groups = tuple(
            g.model_copy(update={"purchase": purchase, "capacity_type": CapacityType.ON_DEMAND})
            if g.name == res.name
            else g
            for g in topology.eks.node_groups
        )
        return topology.model_copy(
            update={"eks": topology.eks.model_copy(update={"node_groups": groups})}
        )
    if res.kind == "rds":
        rds = tuple(
            d.model_copy(update={"purchase": purchase}) if d.name == res.name else d
            for d in topology.rds
        )
        return topology.model_copy(update={"rds": rds})
    caches = tuple(
        c.model_copy(update={"purchase": purchase}) if c.name == res.name else c
        for c in topology.elasticache
    )
    return topology.model_copy(update={"elasticache": caches})


def resource_monthly(report: CostReport, resource: str) -> Decimal:
    """A resource's monthly cost as every page shows it: its lines rounded first."""
    return sum(
        (
            cents(ln.monthly_usd)
            for ln in report.lines
            if ln.resource == resource and ln.monthly_usd is not None
        ),
        ZERO,
    )


def amortised_upfront_monthly(report: CostReport, resource: str) -> Decimal | None:
    """The amortised-upfront share of a resource's monthly cost (None: split unknown)."""
    fees = [f for f in report.upfront_fees if f.resource == resource]
    total = ZERO
    for fee in fees:
        if fee.upfront_usd is None:
            return None
        total += cents(fee.upfront_usd / TERM_MONTHS[fee.term])  # as its line shows it
    return total


def cash_flow(
    upfront: Decimal,
    recurring: Decimal,
    months: int = 36,
    *,
    term_months: int | None = None,
    after_monthly: Decimal | None = None,
    renew: bool = False,
) -> list[Decimal]:
    """Cumulative cash by month.

    Without a term (on-demand, spot): the upfront (0) and the recurring every month. With a
    commitment's ``term_months``: the upfront fee in month 1 and the recurring each month of
    the term; at expiry either ``renew`` (the fee again at the start of each new term, the
    recurring on) or revert (``after_monthly``, the resource at on-demand, every month after).
    """
    out: list[Decimal] = []
    cum = ZERO
    for m in range(1, months + 1):
        if term_months is None:
            cum += (upfront if m == 1 else ZERO) + recurring
        elif renew or m <= term_months:
            cum += (upfront if (m - 1) % term_months == 0 else ZERO) + recurring
        else:
            assert after_monthly is not None, "revert needs the on-demand monthly cost"
            cum += after_monthly
        out.append(cum)
    return out


def break_even(option_cum: list[Decimal], on_demand_monthly: Decimal) -> int | None:
    """First month whose cumulative cash is at most on-demand's; None if never in the term."""
    for m, cum in enumerate(option_cum, start=1):
        if cum <= on_demand_monthly * m:
            return m
    return None
