"""Hand-worked cost lines (tests/data/expected_lines.yaml) against the pricing engine.

Each case builds a minimal topology, prices it with the bundled snapshot, and checks one
line: its dollars to the cent, its quantity, the product it was priced from (``price_ref``),
and that its unit price is AWS's public price, written by hand in the case.

Deliberate breakages tried (each a one-line edit in planner/, applied one at a time by a
throwaway script, tests run, reverted with ``git checkout -- planner/``), and the tests
that caught each.
"[case]" = test_expected_line[case]; staging-products = test_staging_prices.py::
test_every_staging_line_is_priced_from_the_hand_written_product; *-from-capacity =
test_from_capacity.py. Goldens (written by the code) were left out of the "->" run;
test_catalog.py::test_rebuild_is_byte_identical was deselected (it needs files outside
this worktree, fixed on another branch).
  #  file               breakage
     -> independent tests that failed
     => first failure of the full suite (pytest -x -n 1 tests/)
  1  elb.py             NLB LCU-hours priced from the nlb/hours product
     -> [nlb-lcu-active-flows], [nlb-lcu-new-flows], [nlb-lcu-processed-bytes-x2],
        [nlb-lcu-staging], staging-products, test_compare_deltas
     => test_capacity_plan.py::test_golden[staging]
  2  compare.py         compare() hands the base's numbers for other
     -> test_compare_deltas
     => test_units.py::test_compare_deltas
  3  compare.py         compare() swaps base and other per service
     -> test_compare_deltas
     => test_units.py::test_compare_deltas
  4  elb.py             ALB new-connections divisor 25 -> 50
     -> [alb-lcu-new-connections]
     => test_expected_lines.py::test_expected_line[alb-lcu-new-connections]
  5  elb.py             NLB active-flows divisor 100,000 -> 3,000 (ALB's)
     -> [nlb-lcu-active-flows], [nlb-lcu-new-flows], [nlb-lcu-processed-bytes-x2]
     => test_expected_lines.py::test_expected_line[nlb-lcu-new-flows]
  6  elb.py             ALB rule-evaluations dimension dropped
     -> [alb-lcu-rule-evaluations], test_lcu_is_the_max_of_dimensions
     => test_expected_lines.py::test_expected_line[alb-lcu-rule-evaluations]
  7  data_transfer.py   first egress tier ends at 50 TB (one tier late)
     -> [transfer-out-15000gb-first-10tb], [transfer-out-15000gb-next-40tb],
        [transfer-out-60000gb-next-100tb], [transfer-out-60000gb-next-40tb]
     => test_expected_lines.py::test_expected_line[transfer-out-15000gb-first-10tb]
  8  data_transfer.py   tier TB = 1,000 GB instead of 1,024
     -> [transfer-out-15000gb-first-10tb], [transfer-out-15000gb-next-40tb],
        [transfer-out-60000gb-next-100tb], [transfer-out-60000gb-next-40tb]
     => test_expected_lines.py::test_expected_line[transfer-out-15000gb-first-10tb]
  9  data_transfer.py   inter-AZ billed one direction only
     -> [transfer-inter-az], test_compare_deltas
     => test_capacity_plan.py::test_golden[production]
 10  rds.py             Multi-AZ instance priced from the Single-AZ row
     -> [rds-mysql-multi-az-instance], [rds-postgres-multi-az-instance]
     => test_capacity_plan.py::test_golden[production]
 11  rds.py             backup free allowance ignored (+ storage GB)
     -> [rds-backup-beyond-allowance], [rds-backup-within-allowance], staging-products,
        test_compare_deltas
     => test_capacity_plan.py::test_golden[staging]
 12  ec2.py             spot discount applied twice
     -> [ec2-spot-m5.large-65pct], [ec2-spot-t3.large-70pct], cli-from-capacity[busier],
        cli-from-capacity[sizes-off], test_desired_mode_prices_desired_size,
        price_scenario-from-capacity[busier], price_scenario-from-capacity[sizes-off],
        staging-products, test_compare_deltas
     => test_capacity_plan.py::test_golden[staging]
 13  ec2.py             EBS root volume not multiplied by nodes
     -> [ebs-gp2-50gb], [ebs-gp3-default-20gb], cli-from-capacity[busier],
        cli-from-capacity[sizes-off], price_scenario-from-capacity[busier],
        price_scenario-from-capacity[sizes-off], staging-products, test_compare_deltas
     => test_capacity_plan.py::test_golden[staging]
 14  s3.py              S3 priced at the next-450-TB tier rate 0.022
     -> [s3-standard-10gb], [s3-standard-2000gb], staging-products, test_compare_deltas
     => test_capacity_plan.py::test_golden[staging]
 15  kms.py             KMS requests counted per 1,000 instead of 10,000
     -> [kms-requests]
     => test_expected_lines.py::test_expected_line[kms-requests]
 16  eks.py             extended-support rate used for standard
     -> [eks-standard-auto], [eks-standard], test_compare_deltas
     => test_capacity_plan.py::test_golden[production]
 17  msk.py             MSK storage per broker not x brokers
     -> [msk-m5.large-storage], [msk-t3.small-storage], staging-products,
        test_audit_top_three_from_the_snapshot, test_compare_deltas
     => test_capacity_plan.py::test_golden[staging]
 18  cloudwatch.py      Logs storage priced at the ingestion rate
     -> [cloudwatch-logs-storage], staging-products, test_compare_deltas
     => test_capacity_plan.py::test_golden[staging]
 19  nat.py             NAT GB processed multiplied by gateway count
     -> [nat-gb-processed], staging-products, test_compare_deltas
     => test_capacity_plan.py::test_golden[staging]
 20  elasticache.py     ElastiCache node count ignored
     -> [elasticache-m6g.large-redis-multi-az]
     => test_capacity_plan.py::test_golden[production]
 21  ecr.py             ECR priced from the MSK storage row (same $0.10)
     -> [ecr-storage], staging-products, test_compare_deltas
     => test_expected_lines.py::test_expected_line[ecr-storage]
 22  ec2.py             node groups ignore the capacity node counts
     -> cli-from-capacity[busier], cli-from-capacity[sizes-off],
        price_scenario-from-capacity[busier], price_scenario-from-capacity[sizes-off]
     => test_capacity_plan.py::test_golden[staging]
 23  pricing.py         price_scenario ignores from_capacity
     -> cli-from-capacity[busier], cli-from-capacity[sizes-off],
        price_scenario-from-capacity[busier], price_scenario-from-capacity[sizes-off]
     => test_from_capacity.py::test_price_scenario_uses_capacity_node_counts[busier]
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from snapshot_csv import on_demand_row

from planner.catalog import PriceCatalog, load_catalog
from planner.costing.engine import price_topology
from planner.costing.lines import CostLine
from planner.costing.registry import MODULES
from planner.money import cents
from planner.topology import Topology

DATA = Path(__file__).resolve().parent / "data" / "expected_lines.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(DATA.read_text(encoding="utf-8"))["cases"]
DEFAULT_AS_OF = dt.date(2025, 11, 11)


@pytest.fixture(scope="module")
def catalog() -> PriceCatalog:
    return load_catalog()


def case_topology(case: dict[str, Any]) -> Topology:
    document = {
        "name": case["id"],
        "region": "us-east-1",
        "as_of": case.get("as_of", DEFAULT_AS_OF),
        **case["topology"],
    }
    return Topology.model_validate(document)


def the_line(lines: tuple[CostLine, ...], resource: str, component: str) -> CostLine:
    found = [ln for ln in lines if ln.resource == resource and ln.component.startswith(component)]
    assert len(found) == 1, (
        f"{len(found)} lines for {resource} / {component!r}: "
        f"{[(ln.resource, ln.component) for ln in lines]}"
    )
    return found[0]


def test_cases_are_well_formed() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    required = {
        "id", "module", "topology", "line", "price_ref", "list_price_usd", "public_source",
        "snapshot_source", "quantity", "arithmetic", "expected_usd",
    }  # fmt: skip
    for case in CASES:
        assert required <= case.keys(), (case["id"], required - case.keys())
        # to the cent, as finance reads it
        assert Decimal(case["expected_usd"]).as_tuple().exponent == -2, case["id"]
        assert "https://aws.amazon.com/" in " ".join(case["public_source"]), case["id"]


def test_every_service_module_has_a_case() -> None:
    assert {c["module"] for c in CASES} == {m.name for m in MODULES}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_expected_line(case: dict[str, Any], catalog: PriceCatalog) -> None:
    report = price_topology(case_topology(case), catalog)
    assert not report.warnings
    line = the_line(report.lines, case["line"]["resource"], case["line"]["component"])
    assert not line.missing

    # the product, named by hand
    assert line.price_ref == case["price_ref"]
    # the snapshot row of that product (read from the CSV, not through the catalog) holds
    # AWS's public price and names its source
    row = on_demand_row(case["price_ref"])
    list_price = Decimal(case["list_price_usd"])
    assert Decimal(row["usd"]) == list_price, f"snapshot {row['usd']} != public {list_price}"
    assert row["source"] == case["snapshot_source"]
    assert row["source"] in line.price_source

    # the line's unit price: the public price (or the hand-derived one, e.g. spot)
    unit_price = Decimal(case.get("unit_price_usd", case["list_price_usd"]))
    assert line.unit_price_usd == unit_price
    assert line.quantity == Decimal(case["quantity"])
    assert line.monthly_usd is not None
    assert cents(line.monthly_usd) == Decimal(case["expected_usd"]), case["arithmetic"]


def test_spot_lines_are_marked_as_assumptions(catalog: PriceCatalog) -> None:
    case = next(c for c in CASES if c["id"] == "ec2-spot-t3.large-70pct")
    report = price_topology(case_topology(case), catalog)
    line = the_line(report.lines, "eks-node-group/compute", "Instance usage")
    assert line.purchase_option == "Spot"
    assert line.price_basis == "assumption"
    assert "70% off on-demand" in line.price_source
