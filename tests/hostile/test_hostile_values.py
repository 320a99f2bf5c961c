"""Hostile values: impossible dates, odd overlays, duplicate names, values past their bounds."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hostile.hostile_cases import REPO, Case, ids, overlay, run_case, staging_with
from planner.scenario import load_scenario

WORKLOAD = """  - name: {name}
    replicas_min: 1
    replicas_max: {replicas}
    cpu_request: 100m
    memory_request: 128Mi
"""

CASES = [
    Case(
        "impossible-date",
        staging_with("as_of: 2025-11-11", "as_of: 2025-13-45"),
        2,
        "line 10: as_of: Input should be a valid date or datetime, month value is outside",
    ),
    Case(
        "february-30",
        staging_with("as_of: 2025-11-11", "as_of: 2025-02-30"),
        2,
        "as_of: Input should be a valid date",
    ),
    Case("overlay-name-mapping", overlay("name: {a: 1}\n"), 2, "line 2: name: Input should be"),
    Case(
        "overlay-list-item-name-mapping",
        overlay("rds:\n  - name: {a: 1}\n"),
        2,
        "rds[0].name: Input should be a valid string",
    ),
    Case(
        "overlay-list-not-a-list",
        overlay("rds: {name: postgres}\n"),
        2,
        "rds: Input should be a valid tuple",
    ),
    Case(
        "overlay-remove-unknown",
        overlay("msk:\n  - name: nope\n    remove: true\n"),
        2,
        "msk[nope]: remove names no item of the base",
    ),
    # duplicate names in every named list
    Case(
        "duplicate-node-group",
        staging_with("    - name: compute ", "    - name: general "),
        2,
        "node_groups has two entries named 'general'",
    ),
    Case(
        "duplicate-workload",
        staging_with("    - name: emr-service", "    - name: api-gateway"),
        2,
        "workloads has two entries named 'api-gateway'",
    ),
    Case(
        "duplicate-daemonset",
        staging_with("    - name: kube-proxy", "    - name: aws-node"),
        2,
        "daemonsets has two entries named 'aws-node'",
    ),
    Case(
        "duplicate-rds",
        overlay(
            "rds:\n  - name: replica\n    engine: PostgreSQL\n    instance_class: db.t3.medium\n"
            "    storage_gb: 10\n  - name: replica\n    engine: PostgreSQL\n"
            "    instance_class: db.t3.medium\n    storage_gb: 10\n"
        ),
        2,
        "rds has two entries named 'replica'",
    ),
    Case(
        "duplicate-cache",
        overlay(
            "elasticache:\n  - {name: c2, node_type: cache.t3.micro, nodes: 1}\n"
            "  - {name: c2, node_type: cache.t3.micro, nodes: 1}\n"
        ),
        2,
        "elasticache has two entries named 'c2'",
    ),
    Case(
        "duplicate-msk",
        overlay(
            "msk:\n  - {name: k2, broker_type: kafka.t3.small, brokers: 2, "
            "storage_gb_per_broker: 1}\n  - {name: k2, broker_type: kafka.t3.small, "
            "brokers: 2, storage_gb_per_broker: 1}\n"
        ),
        2,
        "msk has two entries named 'k2'",
    ),
    Case(
        "duplicate-load-balancer",
        overlay(
            "load_balancers:\n  - {name: lb2, type: application}\n"
            "  - {name: lb2, type: application}\n"
        ),
        2,
        "load_balancers has two entries named 'lb2'",
    ),
    # upper bounds
    Case(
        "replicas-max-million",
        overlay("eks:\n  workloads:\n" + WORKLOAD.format(name="big", replicas=1_000_000)),
        2,
        "eks.workloads[big].replicas_max: Input should be less than or equal to 150000",
    ),
    Case(
        "total-pods-over-cluster-limit",
        overlay(
            "eks:\n  workloads:\n"
            + WORKLOAD.format(name="big1", replicas=100_000)
            + WORKLOAD.format(name="big2", replicas=100_000)
        ),
        2,
        "add up to 200,026 pods, above the upper bound 150,000",
    ),
    Case(
        "node-group-max-size",
        staging_with("max_size: 4", "max_size: 1000000"),
        2,
        "max_size: Input should be less than or equal to 5000",
    ),
    Case(
        "rds-storage-bound",
        staging_with("storage_gb: 100   ", "storage_gb: 100000"),
        2,
        "rds[postgres].storage_gb: 100000 is above the upper bound 65,536",
    ),
    Case(
        "msk-broker-storage-bound",
        staging_with("storage_gb_per_broker: 100", "storage_gb_per_broker: 20000"),
        2,
        "above the upper bound 16,384",
    ),
    Case(
        "egress-bound",
        staging_with("internet_egress_gb: 100", "internet_egress_gb: 1e10"),
        2,
        "data_transfer.internet_egress_gb: 10000000000.0 is above the upper bound 1,000,000,000",
    ),
    Case(
        "amount-bound-1e999999",
        staging_with("storage_gb: 10 ", "storage_gb: 1e999999 "),
        2,
        "s3.storage_gb",
    ),
    Case(
        "description-too-long",
        staging_with("description: EMRTask", "description: " + "x" * 20_000 + " EMRTask"),
        2,
        "description: String should have at most 10000 characters",
    ),
    Case(
        "too-many-zones",
        staging_with(
            "      max_size: 3\n",
            "      max_size: 3\n      zones: [" + ", ".join(f"z{i}" for i in range(11)) + "]\n",
        ),
        2,
        "zones: Tuple should have at most 10 items",
    ),
    # options checked in every output format, not only where they are used
    Case(
        "alerts-table-bad-email",
        lambda tmp: ["alerts", "staging", "--email", "notanemail"],
        2,
        "--email 'notanemail' is not an e-mail address",
    ),
    Case(
        "alerts-table-bad-account",
        lambda tmp: ["alerts", "staging", "--account-id", "12"],
        2,
        "--account-id '12' is not a 12-digit AWS account id",
    ),
    Case(
        "variance-negative-top",
        lambda tmp: [
            "variance",
            "staging",
            "--actuals",
            str(REPO / "scenarios" / "actuals" / "cur2"),
            "--top",
            "-1",
        ],
        2,
        "argument --top: -1: give a number of at least 1",
    ),
]


@pytest.mark.parametrize("case", ids(CASES))
def test_hostile_values(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_case(case, tmp_path, capsys)


def test_largest_allowed_workload_prices_without_hanging(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """At the bound (150,000 pods in total) price returns; the speed is benchmarked in
    benchmarks/pack_scale.py, here only that it finishes and warns about what does not fit."""
    path = tmp_path / "big.yaml"
    staging = Path(__file__).resolve().parents[2] / "scenarios" / "staging.yaml"
    path.write_text(
        f"extends: {staging}\neks:\n  workloads:\n" + WORKLOAD.format(name="big", replicas=20_000),
        encoding="utf-8",
    )
    assert load_scenario(path).topology.eks is not None
    case = Case("big", lambda tmp: ["price", str(path), "--format", "json"], 0, "")
    start = time.perf_counter()
    _, err = run_case(case, tmp_path, capsys)
    assert time.perf_counter() - start < 120  # a hang guard, not a benchmark
    assert "big pod(s) cannot be placed at max replicas" in err
