"""Purchase options per resource, side by side: amortised monthly, upfront cash, cash flow,
break-even against on-demand, savings and utilisation risk.

Every figure comes from pricing the scenario with the option written into it (the Decimal
cost engine), so an option costs exactly what ``planner price`` would say for it.

Risk levels (the rule): ``none`` on-demand; ``low`` 1-year No Upfront; ``medium`` 1-year
Partial/All Upfront, 3-year No Upfront and spot (interruptions); ``high`` 3-year Partial/All
Upfront. Options are listed cheapest first within each risk level, levels from none to high.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from planner.catalog import PriceCatalog
from planner.commitments.rates import (
    FILL_COMMAND,
    PAYMENT_LABEL,
    TERM_MONTHS,
    reserved_offer,
    savings_plan_rate,
)
from planner.costing.engine import CostReport, price_topology
from planner.errors import PriceNotFoundError
from planner.money import ZERO
from planner.topology import CapacityType, NodeGroup, Purchase, SavingsPlan, Topology

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
    cash_flow_usd: list[Decimal] = field(default_factory=list)  # 36 months, cumulative
    source: str = ""
    current: bool = False  # what the scenario buys today
    effective_hourly_usd: Decimal | None = None  # per instance: upfront / term hours + recurring

    @property
    def savings_monthly_usd(self) -> Decimal:
        return self.on_demand_monthly_usd - self.monthly_usd

    @property
    def savings_pct(self) -> Decimal:
        if not self.on_demand_monthly_usd:
            return ZERO
        return self.savings_monthly_usd * 100 / self.on_demand_monthly_usd


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
            out.append(
                Resource(
                    "node_group",
                    g.name,
                    f"eks-node-group/{g.name}",
                    "AmazonEC2",
                    f"instance/{g.instance_type}",
                    g.instance_type,
                    min_nodes.get(g.name, g.min_size),
                )
            )
    for db in topology.rds:
        dep = "Multi-AZ" if db.multi_az else "Single-AZ"
        out.append(
            Resource(
                "rds",
                db.name,
                f"rds/{db.name}",
                "AmazonRDS",
                f"db/{db.instance_class}/{db.engine}/{dep}",
                db.instance_class,
                1,
            )
        )
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
    return sum(
        (
            ln.monthly_usd
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
        total += fee.upfront_usd / TERM_MONTHS[fee.term]
    return total


def cash_flow(upfront: Decimal, recurring: Decimal, months: int = 36) -> list[Decimal]:
    """Cumulative cash by month: the upfront fee in month 1, the recurring every month."""
    return [upfront + recurring * m for m in range(1, months + 1)]


def break_even(option_cum: list[Decimal], on_demand_monthly: Decimal) -> int | None:
    """First month whose cumulative cash is at most on-demand's; None if never in the term."""
    for m, cum in enumerate(option_cum, start=1):
        if cum <= on_demand_monthly * m:
            return m
    return None


def _purchase_dict(p: Purchase) -> dict[str, Any]:
    data: dict[str, Any] = {"type": p.type}
    if p.type in ("reserved", "savings_plan"):
        data.update(term=p.term, payment=p.payment)
    if p.type == "reserved":
        data["offering_class"] = p.offering_class
    if p.count is not None:
        data["count"] = p.count
    if p.coverage_pct is not None:
        data["coverage_pct"] = (
            int(p.coverage_pct)
            if p.coverage_pct == p.coverage_pct.to_integral_value()
            else float(p.coverage_pct)
        )
    return data


def candidate_purchases(res: Resource) -> list[Purchase]:
    out = [Purchase(type="on_demand")]
    if res.kind == "node_group":
        out.append(Purchase(type="spot"))
    classes = CLASSES if res.kind == "node_group" else ("standard",)
    count = res.min_instances
    for term in TERMS:
        for payment in PAYMENTS:
            for cls in classes:
                out.append(
                    Purchase(
                        type="reserved",
                        term=term,
                        payment=payment,
                        offering_class=cls,
                        count=count,
                    )
                )
    return out


def current_purchase(topology: Topology, res: Resource) -> Purchase:
    if res.kind == "node_group" and topology.eks is not None:
        group = next(g for g in topology.eks.node_groups if g.name == res.name)
        if group.capacity_type is CapacityType.SPOT:
            return Purchase(type="spot")
        return group.purchase
    if res.kind == "rds":
        return next(d for d in topology.rds if d.name == res.name).purchase
    return next(c for c in topology.elasticache if c.name == res.name).purchase


def same_kind(a: Purchase, b: Purchase, with_class: bool) -> bool:
    if a.type != b.type:
        return False
    if a.type != "reserved":
        return True
    return (a.term, a.payment) == (b.term, b.payment) and (
        not with_class or a.offering_class == b.offering_class
    )


def option_name(res: Resource, p: Purchase) -> str:
    if p.type == "on_demand":
        what = "on-demand"
    elif p.type == "spot":
        what = "spot (all nodes)"
    else:
        cls = f" {p.offering_class}" if res.kind == "node_group" else ""
        what = f"reserved {p.term}{cls} {PAYMENT_LABEL[p.payment]} x {p.count}"
    return f"{res.name}: {what}"


def build_commitments(
    topology: Topology,
    catalog: PriceCatalog,
    *,
    node_counts: dict[str, int] | None = None,
    min_node_counts: dict[str, int] | None = None,
    hourly_profile: list[Decimal] | None = None,
    sp_quantile: Decimal = ZERO,
) -> Commitments:
    """Every resource's purchase options, priced, with the rates that are missing."""
    min_nodes = min_node_counts or {}
    options: list[Option] = []
    missing: list[Missing] = []
    for res in resources(topology, min_nodes):
        od_topology = with_purchase(topology, res, Purchase(type="on_demand"))
        od_report = price_topology(
            od_topology, catalog, node_counts=node_counts, allow_missing=True
        )
        od_monthly = resource_monthly(od_report, res.resource)
        for purchase in candidate_purchases(res):
            problem = _missing_rate(catalog, topology, res, purchase)
            if problem:
                missing.append(Missing(res.resource, option_name(res, purchase), problem))
                continue
            variant = with_purchase(topology, res, purchase)
            try:
                report = price_topology(variant, catalog, node_counts=node_counts)
                at_min = price_topology(variant, catalog, node_counts=min_nodes or node_counts)
            except PriceNotFoundError as exc:
                missing.append(Missing(res.resource, option_name(res, purchase), str(exc)))
                continue
            monthly = resource_monthly(report, res.resource)
            fees = [f for f in report.upfront_fees if f.resource == res.resource]
            upfront: Decimal | None = ZERO
            for fee in fees:
                upfront = (
                    None
                    if fee.upfront_usd is None or upfront is None
                    else upfront + fee.upfront_usd
                )
            amort = amortised_upfront_monthly(report, res.resource)
            recurring = None if amort is None else monthly - amort
            flow = (
                cash_flow(upfront, recurring)
                if upfront is not None and recurring is not None
                else []
            )
            if purchase.type == "reserved":
                be = break_even(flow, od_monthly) if flow else None
            elif purchase.type == "spot":
                be = 1 if monthly < od_monthly else None
            else:
                be = None
            min_monthly = resource_monthly(at_min, res.resource)
            unused = unused_at_min(catalog, topology, res, purchase, min_nodes)
            options.append(
                Option(
                    name=option_name(res, purchase),
                    resource=res.resource,
                    purchase=_purchase_dict(purchase),
                    upfront_usd=upfront,
                    monthly_usd=monthly,
                    recurring_monthly_usd=recurring,
                    on_demand_monthly_usd=od_monthly,
                    break_even_month=be,
                    risk=risk_level(purchase),
                    monthly_usd_at_min=min_monthly,
                    unused_commitment_monthly_usd_at_min=unused,
                    cash_flow_usd=flow,
                    effective_hourly_usd=_effective(catalog, topology, res, purchase),
                    current=same_kind(
                        purchase, current_purchase(topology, res), res.kind == "node_group"
                    ),
                    source="; ".join(
                        sorted(
                            {
                                ln.price_source
                                for ln in report.lines
                                if ln.resource == res.resource
                                and ln.purchase_option.startswith(("Reserved", "Spot"))
                            }
                        )
                    )[:400],
                )
            )
        missing.extend(_savings_plan_missing(catalog, topology, res))
        options.extend(savings_plan_options(catalog, topology, res, node_counts, od_monthly))
    options.sort(key=lambda o: (RISK_ORDER[o.risk], o.monthly_usd, o.name))
    sizing = (
        size_savings_plan(topology, catalog, hourly_profile, sp_quantile)
        if hourly_profile
        else None
    )
    return Commitments(topology.name, topology.region, options, missing, sizing)


def unused_at_min(
    catalog: PriceCatalog,
    topology: Topology,
    res: Resource,
    purchase: Purchase,
    min_nodes: dict[str, int],
) -> Decimal:
    """Reserved instance-hours not used when usage falls to the HPA minimum (and, under a
    schedule, in the off-hours), at the effective rate: the commitment paid for nothing."""
    from planner.commitments.node_groups import off_hours_nodes
    from planner.commitments.schedules import rds_segments, segments

    if purchase.type != "reserved" or purchase.count is None:
        return ZERO
    offer = reserved_offer(
        catalog,
        res.service,
        topology.region,
        res.product,
        purchase,
        with_class=res.kind == "node_group",
    )
    if offer is None:
        return ZERO
    if res.kind == "node_group" and topology.eks is not None:
        group = next(g for g in topology.eks.node_groups if g.name == res.name)
        n = min_nodes.get(res.name, group.min_size)
        segs = segments(topology.schedule, n, off_hours_nodes(group, n, topology))
    elif res.kind == "rds":
        segs = rds_segments(topology.schedule)
    else:
        segs = segments(None, res.min_instances, res.min_instances)
    idle_hours = sum((max(0, purchase.count - s.instances) * s.hours for s in segs), ZERO)
    return idle_hours * offer.effective_hourly_usd


def _effective(
    catalog: PriceCatalog, topology: Topology, res: Resource, p: Purchase
) -> Decimal | None:
    if p.type != "reserved":
        return None
    offer = reserved_offer(
        catalog, res.service, topology.region, res.product, p, with_class=res.kind == "node_group"
    )
    return None if offer is None else offer.effective_hourly_usd


def _missing_rate(catalog: PriceCatalog, topology: Topology, res: Resource, p: Purchase) -> str:
    if p.type != "reserved":
        return ""
    offer = reserved_offer(
        catalog, res.service, topology.region, res.product, p, with_class=res.kind == "node_group"
    )
    if offer is None:
        return (
            f"no {res.service} {res.product} Reserved {p.term} {PAYMENT_LABEL[p.payment]} "
            f"rate in {topology.region}"
        )
    return ""


def _savings_plan_missing(
    catalog: PriceCatalog, topology: Topology, res: Resource
) -> list[Missing]:
    if res.kind != "node_group":
        return []
    out: list[Missing] = []
    for plan, term, payment in _sp_kinds():
        if savings_plan_rate(catalog, topology.region, res.instance_type, plan, term, payment):
            continue
        out.append(
            Missing(
                res.resource,
                f"{res.name}: {plan} Savings Plan {term} {PAYMENT_LABEL[payment]}",
                f"no Savings Plan rate for {res.instance_type} in {topology.region}",
            )
        )
    return out


def _sp_kinds() -> list[tuple[str, str, str]]:
    return [(p, t, y) for p in ("compute", "ec2_instance") for t in TERMS for y in PAYMENTS]


def savings_plan_options(
    catalog: PriceCatalog,
    topology: Topology,
    res: Resource,
    node_counts: dict[str, int] | None,
    od_monthly: Decimal,
) -> list[Option]:
    """A plan per kind with a rate, committing to the group's nodes at HPA minimum.

    The commitment is ``nodes at min x plan rate`` $/hour (the always-running baseline);
    the option's monthly figure is the group's lines plus the plan's commitment line.
    """
    if res.kind != "node_group" or res.min_instances == 0:
        return []
    out: list[Option] = []
    for plan_type, term, payment in _sp_kinds():
        row = savings_plan_rate(
            catalog, topology.region, res.instance_type, plan_type, term, payment
        )
        if row is None:
            continue
        commitment = row.usd * res.min_instances
        plan = SavingsPlan(
            type=plan_type,
            term=term,
            payment=payment,
            commitment_usd_per_hour=commitment,
            instance_family=res.instance_type.split(".")[0]
            if plan_type == "ec2_instance"
            else None,
        )
        only = with_purchase(topology, res, Purchase()).model_copy(
            update={"savings_plans": (plan,)}
        )
        try:
            report = price_topology(only, catalog, node_counts=node_counts)
        except PriceNotFoundError:
            continue
        names = {res.resource} | {
            ln.resource for ln in report.lines if ln.resource.startswith("savings-plan/")
        }
        monthly = sum(
            (
                ln.monthly_usd
                for ln in report.lines
                if ln.resource in names and ln.monthly_usd is not None
            ),
            ZERO,
        )
        fee = next((f for f in report.upfront_fees if f.resource.startswith("savings-plan/")), None)
        upfront = ZERO if fee is None else fee.upfront_usd
        amort = ZERO if fee is None or upfront is None else upfront / TERM_MONTHS[term]
        recurring = None if upfront is None else monthly - amort
        flow = (
            cash_flow(upfront, recurring) if upfront is not None and recurring is not None else []
        )
        purchase = {
            "type": "savings_plan",
            "plan": plan_type,
            "term": term,
            "payment": payment,
            "commitment_usd_per_hour": float(commitment),
        }
        out.append(
            Option(
                name=f"{res.name}: {plan_type} Savings Plan {term} {PAYMENT_LABEL[payment]} "
                f"{commitment}/h",
                resource=res.resource,
                purchase=purchase,
                upfront_usd=upfront,
                monthly_usd=monthly,
                recurring_monthly_usd=recurring,
                on_demand_monthly_usd=od_monthly,
                break_even_month=break_even(flow, od_monthly) if flow else None,
                risk=risk_level(Purchase(type="reserved", term=term, payment=payment)),
                monthly_usd_at_min=monthly,
                unused_commitment_monthly_usd_at_min=ZERO,
                cash_flow_usd=flow,
                source=row.provenance,
            )
        )
    return out


def sp_eligible(topology: Topology) -> list[NodeGroup]:
    """Node groups whose usage a Savings Plan would cover: on-demand (not spot, not reserved:
    reservations apply first)."""
    if topology.eks is None:
        return []
    return [
        g
        for g in topology.eks.node_groups
        if g.capacity_type is not CapacityType.SPOT
        and g.purchase.type in ("on_demand", "savings_plan")
    ]


def size_savings_plan(
    topology: Topology,
    catalog: PriceCatalog,
    hourly_profile: list[Decimal],
    quantile: Decimal = ZERO,
) -> SavingsPlanSizing:
    """A commitment from the modelled hourly on-demand EC2 spend (see ``quantile_rule``)."""
    ordered = sorted(hourly_profile)
    index = int((quantile * (len(ordered) - 1)).to_integral_value())
    od_eq = ordered[index]
    types = sorted({g.instance_type for g in sp_eligible(topology)})
    rule = (
        f"commit to the {quantile * 100:.0f}th percentile of the modelled hourly on-demand EC2 "
        f"spend ({len(ordered)} modelled hours: the schedule's week x capacity at HPA min, "
        "expected and max); at the 0th percentile the commitment is used in full every hour"
    )
    rates = [
        savings_plan_rate(catalog, topology.region, t, "compute", "1yr", "no_upfront")
        for t in types
    ]
    if od_eq and all(r is not None for r in rates):
        od_rates = [catalog.find("AmazonEC2", topology.region, f"instance/{t}") for t in types]
        ratio = min(r.usd / o.usd for r, o in zip(rates, od_rates, strict=True) if r and o)
        commitment: Decimal | None = od_eq * ratio
        note = "compute 1yr No Upfront rates from the catalog; the least-discounted type's ratio"
    else:
        commitment = None
        note = (
            "the commitment at plan rates is this on-demand-equivalent spend x (plan rate / "
            f"on-demand rate); Savings Plan rates are missing: fill them with `{FILL_COMMAND}`"
        )
    return SavingsPlanSizing(rule, od_eq, len(ordered), types, commitment, note)


def ec2_hourly_profile(
    topology: Topology, catalog: PriceCatalog, states: dict[str, dict[str, int]]
) -> list[Decimal]:
    """On-demand EC2 node spend in each modelled hour: 168 hours x each capacity state."""
    from planner.commitments.node_groups import off_hours_nodes
    from planner.commitments.schedules import week_profile

    if topology.eks is None:
        return []
    week = week_profile(topology.schedule)
    eligible = sp_eligible(topology)
    out: list[Decimal] = []
    for nodes in states.values():
        for on in week:
            spend = ZERO
            for g in topology.eks.node_groups:
                row = catalog.find("AmazonEC2", topology.region, f"instance/{g.instance_type}")
                if row is None or g not in eligible:
                    continue
                n = nodes.get(g.name, g.desired_size)
                running = n if on else off_hours_nodes(g, n, topology)
                spend += row.usd * running
            out.append(spend)
    return out
