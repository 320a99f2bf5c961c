"""``node_counts`` (the node counts ``node_count: from_capacity`` prices) for a scenario whose
``workloads_from`` is a folder relative to its own scenario file, not to the bundled scenarios.

Staging's node groups, worked by hand in tests/test_from_capacity.py: a t3.medium node has
1,930m allocatable CPU, less the DaemonSets' 125m (aws-node 25m + kube-proxy 100m) = 1,805m
for workloads, 3,554 MiB and 15 pod slots; the t3.large (compute, SPOT) node also 1,805m.
The groups open at min_size: general 2 (t3.medium, max 4), compute 1 (t3.large).

The manifest folder here holds one Deployment of 1000m / 1Gi pods, no anti-affinity. Two such
pods need 2,000m > 1,805m: one pod per node. Its replicas:

- 3: one on each open node (general 2, compute 1): general 2, compute 1;
- 4: the fourth needs a new node, opened in the first group with room (general, max 4):
  general 3, compute 1.

Staging's ResourceQuota (8 CPU, 16Gi of requests) and LimitRange (100m-4 CPU, 128Mi-8Gi per
container) allow 4 x 1000m = 4 CPU and 4 x 1Gi.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.capacity.plan import node_counts
from planner.errors import CapacityInputError
from planner.scenario import load_scenario

MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
  namespace: emrtask-staging
spec:
  replicas: {replicas}
  template:
    spec:
      containers:
        - name: worker
          resources:
            requests:
              cpu: 1000m
              memory: 1Gi
"""


def _staging_reading(folder: str):
    topo = load_scenario("staging").topology
    eks = topo.eks
    assert eks is not None
    eks = eks.model_copy(update={"workloads": (), "workloads_from": folder})
    return topo.model_copy(update={"eks": eks})


@pytest.mark.parametrize(("replicas", "general"), [(3, 2), (4, 3)])
def test_node_counts_read_manifests_relative_to_the_scenario_folder(
    tmp_path: Path, replicas: int, general: int
) -> None:
    # a folder name the bundled scenarios folder does not have: only base_dir finds it
    (tmp_path / "k8s-worker").mkdir()
    (tmp_path / "k8s-worker" / "worker.yaml").write_text(
        MANIFEST.format(replicas=replicas), encoding="utf-8"
    )
    topo = _staging_reading("k8s-worker")
    for state in ("min", "expected", "max"):  # no HPA: every state runs `replicas`
        assert node_counts(topo, state, base_dir=tmp_path) == {
            "general": general,
            "compute": 1,
        }, state


def test_node_counts_without_the_folder_say_where_they_looked(tmp_path: Path) -> None:
    topo = _staging_reading("k8s-worker")
    with pytest.raises(CapacityInputError) as info:
        node_counts(topo, "expected", base_dir=tmp_path)
    assert str(tmp_path / "k8s-worker") in str(info.value)
