"""The sweep's headroom at expected replicas: the spare share of allocatable CPU or memory,
whichever is smaller, worked by hand from the EKS AMI's allocatable rules.

Allocatable (planner/capacity/allocatable.py, the EKS AMI rules; ENIs and IPv4 addresses per
ENI from the EC2 instance-type table):
- t3.medium: 2 vCPU, 4,096 MiB; 3 ENIs x 6 IPv4: max pods 3 x 5 + 2 = 17; kube-reserved CPU
  60 + 10 = 70m -> 1,930m; memory 4,096 - (11 x 17 + 255 = 442) - 100 eviction = 3,554 MiB.
- t3.large: 2 vCPU, 8,192 MiB; 3 ENIs x 12 IPv4: max pods 3 x 11 + 2 = 35; 1,930m;
  memory 8,192 - (11 x 35 + 255 = 640) - 100 = 7,452 MiB.
Staging runs 2 general t3.medium + 1 compute t3.large at expected replicas: 5,790m and
2 x 3,554 + 7,452 = 14,560 MiB allocatable. Its DaemonSets request 25m + 100m a node, no memory.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.catalog import default_catalog
from planner.commitments.grid import load_grid
from planner.commitments.sweep import run_grid
from planner.scenario import Scenario, load_scenario

GRID = (
    "node_groups:\n  general: {instance_types: [t3.medium]}\n"
    "  compute: {instance_types: [t3.large]}\n"
)


def _headroom(scenario: Scenario, tmp_path: Path, *, feasible: bool = True) -> float:
    path = tmp_path / "g.yaml"
    path.write_text(GRID)
    result = run_grid(scenario, load_grid(path), default_catalog())
    assert result.count == 1 and bool(result.feasible[0]) is feasible
    return float(result.headroom_pct[0])


def test_staging_headroom_is_its_spare_cpu(tmp_path: Path) -> None:
    # 10 pods x 250m + 3 nodes x 125m = 2,875m of 5,790m (49.66%); memory 10 x 512 = 5,120 MiB
    # of 14,560 (35.16%): CPU binds, 100 x (1 - 2,875 / 5,790) = 50.35%
    assert _headroom(load_scenario("staging"), tmp_path) == pytest.approx(100 * (1 - 2875 / 5790))


def test_memory_binds_when_the_pods_ask_for_more_memory(tmp_path: Path) -> None:
    staging = load_scenario("staging")
    topology = staging.topology
    assert topology.eks is not None
    heavy = tuple(
        w.model_copy(update={"memory_request": 1024 * 2**20}) for w in topology.eks.workloads
    )
    eks = topology.eks.model_copy(update={"workloads": heavy})
    scenario = type(staging)(
        topology=topology.model_copy(update={"eks": eks}), path=staging.path, chain=staging.chain
    )
    # 1 GiB a pod: 3 fit a t3.medium (3,072 of 3,554 MiB). First fit, workloads by name, the
    # two replicas of each on two nodes (anti-affinity), general's nodes first: api-gateway,
    # emr-service, handover-service fill general 1 and 2; sync-service 0 goes to compute 1,
    # sync-service 1 cannot (its sibling is there) and opens general 3; task-service fills
    # compute 1 and general 3. 3 general + 1 compute: 3 x 3,554 + 7,452 = 18,114 MiB;
    # memory 10,240 of 18,114 (56.53%) binds over CPU (10 x 250 + 4 x 125 = 3,000m of
    # 7,720m, 38.86%): 100 x (1 - 10,240 / 18,114) = 43.47%
    # (at max replicas the 26 GiB exceed the groups' maxima and the 16Gi quota: the variant is
    # marked infeasible, its headroom at expected is still reported)
    headroom = _headroom(scenario, tmp_path, feasible=False)
    assert headroom == pytest.approx(100 * (1 - 10240 / 18114))


def test_a_variant_with_no_nodes_has_no_headroom(tmp_path: Path) -> None:
    """No workloads and node groups that may scale to zero: no node runs at expected, so there
    is no allocatable CPU or memory to be spare: 0% headroom (not a division by zero)."""
    staging = load_scenario("staging")
    topology = staging.topology
    assert topology.eks is not None
    groups = tuple(
        g.model_copy(update={"min_size": 0, "desired_size": 0}) for g in topology.eks.node_groups
    )
    eks = topology.eks.model_copy(update={"workloads": (), "node_groups": groups})
    empty = type(staging)(
        topology=topology.model_copy(update={"eks": eks}), path=staging.path, chain=staging.chain
    )
    assert _headroom(empty, tmp_path) == 0.0


def test_the_sweep_json_names_an_infeasible_combination(tmp_path: Path) -> None:
    from planner.commitments.sweep_report import sweep_json

    path = tmp_path / "g.yaml"
    path.write_text(
        "node_groups:\n  general: {instance_types: [t3.micro]}\n"
        "  compute: {instance_types: [t3.micro]}\n"
    )
    result = run_grid(load_scenario("staging"), load_grid(path), default_catalog())
    data = sweep_json(result, 5)
    # t3.micro everywhere cannot hold staging's pods: the combination is named type by type
    assert list(data["infeasible_combinations"]) == ["t3.micro / t3.micro"]
    assert data["variants"] == 1 and data["feasible"] == 0
    assert data["cheapest"] == []  # only feasible variants are listed


def test_an_infeasible_combination_says_which_pods_do_not_fit(tmp_path: Path) -> None:
    """One workload asking 3,000m a pod: no t3.medium or t3.large has that (1,930m each, see
    above), so none of its pods is placed; the reason names the first two states' counts
    (1 replica at min, 2 expected), then the first quota broken."""
    staging = load_scenario("staging")
    topology = staging.topology
    assert topology.eks is not None
    big = topology.eks.workloads[0].model_copy(
        update={
            "name": "big",
            "cpu_request": "3000m",
            "cpu_limit": "3000m",
            "replicas_min": 1,
            "replicas_expected": 2,
            "replicas_max": 3,
        }
    )
    eks = topology.eks.model_copy(update={"workloads": (big,)})
    scenario = type(staging)(
        topology=topology.model_copy(update={"eks": eks}), path=staging.path, chain=staging.chain
    )
    path = tmp_path / "g.yaml"
    path.write_text(GRID)
    result = run_grid(scenario, load_grid(path), default_catalog())
    assert not result.feasible[0]
    parts = result.reasons[0].split("; ")
    assert parts[:2] == ["1 big pods unplaced at min", "2 big pods unplaced at expected"]
    # then the first quota the variant breaks: staging's 8 CPU of requests, at max replicas
    # 3 x 3,000m = 9,000m, 112.5% -> 112% (rounded half even); nothing about max replicas'
    # unplaced pods (two states are named at most)
    assert "at max replicas: " in parts[2] and parts[2].endswith("(112%)")
    assert parts[3:] == ["the quota rejects pods beyond it"]
