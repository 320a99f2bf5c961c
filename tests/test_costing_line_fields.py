"""The fields of the lines the costing engine writes: units, components, notes and bases.

A cost line is what finance reads (and what the discount lines match on): its unit, the
name of its component, its quantity basis and its note are part of the figure. Prices are the
bundled catalog's (us-east-1): m5.large 1yr standard Partial Upfront 252 USD + 0.029 $/h
(AWS GetProducts record 2021-02-05, as in test_commitments_pricing), t3.medium 0.0416 $/h,
gp3 0.08 $/GB-Mo.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from planner.catalog import ON_DEMAND, PriceRow, Term, default_catalog
from planner.costing.discounts import parse_ref, term_from_label
from planner.costing.engine import CostReport, price_topology
from planner.topology import Topology

D = Decimal


def topo(**parts: object) -> Topology:
    base: dict[str, object] = {"name": "t", "region": "us-east-1", "as_of": dt.date(2025, 11, 11)}
    base.update(parts)
    return Topology.model_validate(base)


def eks(itype: str, nodes: int, **extra: object) -> dict[str, object]:
    group: dict[str, object] = {
        "name": "g",
        "instance_type": itype,
        "min_size": 1,
        "desired_size": nodes,
        "max_size": nodes * 2,
        "disk_gb": 20,
    }
    group.update(extra)
    return {
        "cluster_name": "c",
        "kubernetes_version": "1.31",
        "support": "standard",
        "node_groups": [group],
    }


def test_reserved_partial_upfront_lines_are_named_and_in_hours() -> None:
    purchase = {"type": "reserved", "payment": "partial_upfront"}
    report = price_topology(topo(eks=eks("m5.large", 2, purchase=purchase)), default_catalog())
    lines = {ln.component: ln for ln in report.lines if ln.resource == "eks-node-group/g"}
    # the short name: Reserved, the type, the term, "std" for standard, the payment's first word
    recurring = lines["Reserved m5.large 1yr std partial upfront: recurring"]
    # 2 reserved instances x 730 h = 1460 Hrs at 0.029 $/h = 42.34
    assert (recurring.quantity, recurring.unit) == (D(1460), "Hrs")
    assert (recurring.unit_price_usd, recurring.monthly_usd) == (D("0.029"), D("42.340"))
    assert recurring.purchase_option == "Reserved 1yr standard Partial Upfront"
    assert (recurring.quantity_basis, recurring.driver) == ("stated", "commitment")
    fee = lines["Reserved m5.large 1yr std partial upfront: upfront / 12 months"]
    # 252 USD over 8760 h, 730 h a month: 252 x 730 / 8760 = 21.00 per instance, 2 = 42.00
    assert (fee.quantity, fee.unit) == (D(2), "RIs")
    assert (fee.unit_price_usd, fee.monthly_usd) == (D(21), D(42))
    assert fee.quantity_note == "2 reserved instance(s)"
    # both lines trace to the recurring row (the fee row is named in the source)
    ref = "AmazonEC2/us-east-1/instance/m5.large [Reserved 1yr standard Partial Upfront]"
    assert recurring.price_ref == fee.price_ref == ref
    # the cash: 2 x 252 = 504 on day one, traced to the recurring row and its fee row
    (cash,) = report.upfront_fees
    assert (cash.instances, cash.upfront_usd) == (2, D(504))
    assert cash.component == "m5.large Reserved 1yr standard Partial Upfront"
    assert cash.source.startswith(ref + " ")
    assert "; upfront 252 from AmazonEC2/us-east-1/instance/m5.large/upfront [" in cash.source


def test_savings_plan_without_a_rate_is_a_flagged_line_of_stated_hours() -> None:
    # the snapshot has no Compute Savings Plan rate for m5.large (test_commitments_pricing)
    t = topo(
        eks=eks("m5.large", 2),
        savings_plans=[{"type": "compute", "commitment_usd_per_hour": "0.06"}],
    )
    report = price_topology(t, default_catalog(), allow_missing=True)
    (plan,) = [ln for ln in report.lines if ln.resource == "savings-plan/1-compute-1yr"]
    assert plan.missing and plan.monthly_usd is None and plan.unit_price_usd is None
    assert plan.component == "Savings Plan (compute, 1yr, No Upfront) commitment"
    # the commitment is billed every hour of the month: 730 Hrs, a stated quantity
    assert (plan.quantity, plan.unit, plan.quantity_basis) == (D(730), "Hrs", "stated")
    assert plan.quantity_note == "0.06 $/h committed; not applied: rate missing"
    # the reason names the plan, the instance type and the scenario's region
    assert plan.price_source.startswith(
        "MISSING: no compute Savings Plan 1yr No Upfront for m5.large rate in us-east-1 "
    )
    assert plan.driver == "commitment"


def test_node_and_root_volume_notes_say_the_counts() -> None:
    report = price_topology(topo(eks=eks("t3.medium", 2)), default_catalog())
    lines = {ln.component: ln for ln in report.lines if ln.resource == "eks-node-group/g"}
    node = lines["Instance usage (Linux, t3.medium, on-demand)"]
    # 2 nodes x 730 h = 1460 Hrs x 0.0416 = 60.736; the count is desired_size, stated
    assert (node.quantity, node.monthly_usd) == (D(1460), D("60.736"))
    assert node.quantity_note == "2 nodes (desired_size) x 730 h"
    assert node.quantity_basis == "stated"
    disk = lines["EBS root volume (gp3)"]
    # 2 nodes x 20 GB = 40 GB-Mo x 0.08 = 3.20; no note on disk_gb: nothing after "GB"
    assert (disk.quantity, disk.unit, disk.monthly_usd) == (D(40), "GB-Mo", D("3.20"))
    assert disk.quantity_note == "2 nodes x 20 GB"


def test_rds_storage_and_backup_are_gb_months() -> None:
    t = topo(
        rds=[
            {
                "name": "db",
                "engine": "PostgreSQL",
                "instance_class": "db.t3.medium",
                "storage_gb": 100,
                "backup_storage_gb": 30,
            }
        ]
    )
    report = price_topology(t, default_catalog())
    lines = {ln.component: ln for ln in report.lines if ln.resource == "rds/db"}
    storage = lines["Storage (gp3, Single-AZ)"]
    # 100 GB allocated x 0.115 $/GB-Mo (RDS gp3 Single-AZ, us-east-1) = 11.50
    assert (storage.quantity, storage.unit, storage.monthly_usd) == (D(100), "GB-Mo", D("11.5"))
    backup = lines["Backup storage beyond the free allowance (7 days retention)"]
    assert (backup.quantity, backup.unit) == (D(30), "GB-Mo")


# --- price references: how a discount line finds the row a line is priced from -----------

KINDS = st.sampled_from(["Reserved", "SavingsPlan"])
LEASES = st.sampled_from(["1yr", "3yr"])
OPTIONS = st.sampled_from(["No Upfront", "Partial Upfront", "All Upfront"])
CLASSES = st.sampled_from(["", "standard", "convertible", "compute", "ec2instance"])
PRODUCTS = st.sampled_from(
    ["instance/t3.medium", "db/db.t3.medium/PostgreSQL/Multi-AZ", "node/cache.m6g.large/redis"]
)


@given(KINDS, LEASES, OPTIONS, CLASSES)
def test_a_term_label_reads_back_as_its_term(
    kind: str, lease: str, option: str, offering: str
) -> None:
    # "Reserved 1yr standard No Upfront": kind, lease, class (when there is one), option
    term = Term(kind, lease, option, offering)
    assert term_from_label(term.label) == term


def test_term_labels_worked_by_hand() -> None:
    assert term_from_label("OnDemand") == ON_DEMAND
    assert term_from_label("Spot") == Term("Spot")
    assert term_from_label("Reserved 1yr standard No Upfront") == Term(
        "Reserved", "1yr", "No Upfront", "standard"
    )
    # RDS and ElastiCache reservations have no offering class: the option follows the lease
    assert term_from_label("Reserved 3yr Partial Upfront") == Term(
        "Reserved", "3yr", "Partial Upfront", ""
    )


@given(PRODUCTS, st.one_of(st.just(ON_DEMAND), st.builds(Term, KINDS, LEASES, OPTIONS, CLASSES)))
def test_a_price_ref_reads_back_as_its_row(product: str, term: Term) -> None:
    row = PriceRow(
        "AmazonEC2", "eu-west-1", product, "", term, "Hrs", D("0.1"), "list", "", "test", ""
    )
    assert parse_ref(row.ref) == ("AmazonEC2", "eu-west-1", product, term.label)


def test_price_refs_worked_by_hand() -> None:
    assert parse_ref(
        "AmazonEC2/us-east-1/instance/m5.large [Reserved 1yr standard No Upfront]"
    ) == (
        "AmazonEC2",
        "us-east-1",
        "instance/m5.large",
        "Reserved 1yr standard No Upfront",
    )
    # no bracket: the on-demand row
    assert parse_ref("AmazonRDS/us-east-1/storage/gp3/Single-AZ") == (
        "AmazonRDS",
        "us-east-1",
        "storage/gp3/Single-AZ",
        "OnDemand",
    )


# --- scenario Savings Plans: the commitment line, its note and its upfront fee -------------
# m5.large on-demand 0.096 $/h (the snapshot); the plans' rates are user rate cards (0.06 $/h).


def _plan(**extra: object) -> dict[str, object]:
    plan: dict[str, object] = {
        "type": "ec2_instance",
        "instance_family": "m5",
        "commitment_usd_per_hour": "0.09",
        "rate_card": {"m5.large": "0.06"},
        "rate_card_source": "hand-worked test rate",
    }
    plan.update(extra)
    return plan


def _group(name: str, itype: str) -> dict[str, object]:
    return {
        "name": name,
        "instance_type": itype,
        "min_size": 1,
        "desired_size": 2,
        "max_size": 4,
        "disk_gb": 0,
    }


def _two_groups(schedule: dict[str, object] | None = None, **plan: object) -> Topology:
    cluster = {"cluster_name": "c", "kubernetes_version": "1.31", "support": "standard"}
    groups = [_group("g", "m5.large"), _group("t3", "t3.medium")]
    parts: dict[str, object] = {
        "eks": {**cluster, "node_groups": groups},
        "savings_plans": [_plan(**plan)],
    }
    if schedule:
        parts["schedule"] = schedule
    return topo(**parts)


def _usd(report: CostReport, resource: str) -> Decimal:
    return sum((ln.monthly_usd or D(0) for ln in report.lines if ln.resource == resource), D(0))


def test_ec2_instance_plan_covers_its_family_only_and_bills_all_upfront() -> None:
    report = price_topology(_two_groups(payment="all_upfront"), default_catalog())
    (plan,) = [ln for ln in report.lines if ln.resource == "savings-plan/1-ec2_instance-1yr"]
    # the commitment, billed every hour: 730 h x 0.09 = 65.70
    assert (plan.quantity, plan.unit_price_usd, plan.monthly_usd) == (D(730), D("0.09"), D("65.70"))
    assert plan.component == "Savings Plan (ec2_instance, 1yr, All Upfront) commitment"
    assert plan.price_basis == "assumption"  # a user rate card, not a list rate
    # each hour 0.09 / 0.06 = 1.5 of the 2 m5.large are covered: 1.5 x 730 = 1095 instance-hours,
    # the commitment used in full
    assert plan.quantity_note == (
        "covers 1095.00 instance-hours a month; unused commitment lost: $0.00 a month"
    )
    # the 0.5 m5.large left: 0.5 x 730 x 0.096 = 35.04 on-demand
    assert _usd(report, "eks-node-group/g") == D("35.04")
    # the t3 group is not the plan's family: 2 x 730 x 0.0416 = 60.736 on-demand, untouched
    assert _usd(report, "eks-node-group/t3") == D("60.736")
    # All Upfront: the whole term's commitment in cash on day one, 0.09 x 8760 h = 788.40
    (fee,) = report.upfront_fees
    assert (fee.resource, fee.instances, fee.upfront_usd) == (
        "savings-plan/1-ec2_instance-1yr",
        1,
        D("788.40"),
    )
    assert fee.component == "ec2_instance Savings Plan 1yr All Upfront"
    assert fee.source == "0.09 $/h x 8760 h"
    assert report.upfront_usd == D("788.40")


def test_partial_upfront_plan_fee_is_listed_unknown_and_no_upfront_has_none() -> None:
    partial = price_topology(_two_groups(payment="partial_upfront"), default_catalog())
    (fee,) = partial.upfront_fees
    # the part paid up front is chosen at purchase: listed, not summed
    assert fee.upfront_usd is None and partial.upfront_usd == 0
    assert fee.note.startswith("Partial Upfront")
    assert price_topology(_two_groups(payment="no_upfront"), default_catalog()).upfront_fees == ()


def test_plan_unused_commitment_by_schedule_segment() -> None:
    """Under an office schedule the plan is applied in the on-hours and the off-hours apart:
    60 of 168 h a week are on (730 x 60 / 168 = 260.714 h a month), 108 off (469.286 h)."""
    schedule = {"hours_per_day": 12, "days_per_week": 5, "node_groups_off": "min"}
    report = price_topology(_two_groups(schedule), default_catalog())
    (plan,) = [ln for ln in report.lines if ln.resource == "savings-plan/1-ec2_instance-1yr"]
    on, off = D(60) * 730 / 168, D(108) * 730 / 168
    # on-hours: 1.5 of 2 covered, nothing unused; off-hours: min_size 1 node, 1 x 0.06 = 0.06
    # of the 0.09 used, 0.03 lost an hour.
    # covered: 1.5 x 260.714 + 1 x 469.286 = 860.357; lost: 0.03 x 469.286 = 14.079
    assert plan.quantity_note == (
        "covers 860.36 instance-hours a month; unused commitment lost: $14.08 a month"
    )
    assert abs((D("1.5") * on + off) - D("860.357")) < D("0.001")
    # on-demand: only the 0.5 m5.large of the on-hours, 0.5 x 260.714 x 0.096 = 12.514
    assert abs(_usd(report, "eks-node-group/g") - D("0.5") * on * D("0.096")) < D("1e-20")
