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
from planner.costing.engine import price_topology
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
