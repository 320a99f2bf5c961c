"""EKS max pods and allocatable formulas against the AWS tables."""

from __future__ import annotations

import pytest

from planner.capacity.allocatable import (
    eni_max_pods,
    kube_reserved_cpu_millicores,
    kube_reserved_memory_mib,
    max_pods,
    node_allocatable,
)
from planner.capacity.instances import eni_max_pods_table, instance_catalog, instance_spec
from planner.errors import CapacityInputError
from planner.scenario import load_scenario


@pytest.mark.parametrize(("name", "pods"), [("t3.medium", 17), ("t3.large", 35), ("m5.large", 29)])
def test_max_pods_spot_checks(name: str, pods: int) -> None:
    spec = instance_spec(name)
    assert max_pods(spec) == pods
    assert eni_max_pods_table()[name] == pods


def test_formula_matches_every_row_of_eni_max_pods_txt() -> None:
    catalog, table = instance_catalog(), eni_max_pods_table()
    checked = 0
    for name, pods in table.items():
        spec = catalog.get(name)
        if spec is None:
            continue
        assert eni_max_pods(spec.max_enis, spec.ipv4_per_eni) == pods, name
        checked += 1
    assert checked > 1100


def test_kube_reserved_cpu_matches_karpenter_allocatable_for_every_type() -> None:
    checked = 0
    for spec in instance_catalog().values():
        if spec.kpt_alloc_cpu_millicores is None:
            continue
        allocatable = spec.vcpu * 1000 - kube_reserved_cpu_millicores(spec.vcpu)
        assert allocatable == spec.kpt_alloc_cpu_millicores, spec.instance_type
        checked += 1
    assert checked > 1300


def test_kube_reserved_steps() -> None:
    assert kube_reserved_cpu_millicores(1) == 60
    assert kube_reserved_cpu_millicores(2) == 70
    assert kube_reserved_cpu_millicores(4) == 80
    assert kube_reserved_cpu_millicores(8) == 90
    assert kube_reserved_cpu_millicores(96) == 310
    assert kube_reserved_memory_mib(17) == 442


def test_allocatable_t3_medium() -> None:
    alloc = node_allocatable(instance_spec("t3.medium"))
    assert (alloc.cpu_millicores, alloc.memory_mib, alloc.max_pods) == (1930, 3554, 17)
    # 4096 - (11 x 17 + 255) - 100 eviction
    assert alloc.memory_mib == 4096 - 442 - 100


def test_prefix_delegation_and_cap() -> None:
    small, large = instance_spec("m5.large"), instance_spec("m5.24xlarge")
    assert eni_max_pods(3, 10, prefix_delegation=True) == 3 * 9 * 16 + 2
    assert max_pods(small, prefix_delegation=True) == 110  # under 30 vCPU
    assert max_pods(large, prefix_delegation=True) == 250
    assert max_pods(large) == 250  # 737 in eni-max-pods.txt, capped per DESIGN.md
    pd = node_allocatable(small, prefix_delegation=True)
    assert pd.kube_reserved_memory_mib == 11 * 110 + 255


def test_custom_max_pods_drives_memory_reservation() -> None:
    alloc = node_allocatable(instance_spec("m5.large"), custom_max_pods=58)
    assert alloc.max_pods == 58
    assert alloc.memory_mib == 8192 - (11 * 58 + 255) - 100


def test_unknown_type_is_a_clear_error() -> None:
    with pytest.raises(CapacityInputError, match=r"'m5.lrage'.*did you mean m5.large"):
        instance_spec("m5.lrage")


def test_ceil_div_rounds_up() -> None:
    from planner.capacity.resources import ceil_div

    # 7 pods at 2 a node need 4 nodes; 8 need 4; 1 needs 1; none need none
    assert [ceil_div(7, 2), ceil_div(8, 2), ceil_div(1, 3), ceil_div(0, 5)] == [4, 4, 1, 0]


def test_quota_on_limits_sums_limits_times_replicas() -> None:
    """ResourceQuota limits.cpu / limits.memory: the sum of limit x replicas per workload.

    Staging's five workloads each limit 1 CPU and 1Gi; at min replicas 2 each = 10 pods,
    10 CPU and 10Gi; at max api-gateway 6 + 4 x 5 = 26 pods, 26 CPU and 26Gi. Against a
    quota of 12 CPU and 20Gi: min uses 10/12 = 83% and 10/20 = 50% (within); max uses
    26/12 = 217% and 26/20 = 130% (rejected)."""
    from planner.capacity.quota import quota_checks
    from planner.topology import ResourceQuota

    topology = load_scenario("staging").topology
    assert topology.eks is not None
    quota = ResourceQuota(
        requests_cpu="100", requests_memory="100Gi", limits_cpu="12", limits_memory="20Gi"
    )
    checks = {
        (c.state, c.field): c
        for c in quota_checks(topology.eks.workloads, quota, None)
        if c.field.startswith("limits.")
    }
    assert sorted(checks) == sorted(
        (state, field)
        for state in ("min", "expected", "max")
        for field in ("limits.cpu", "limits.memory")
    )
    assert checks[("min", "limits.cpu")].ok and "(83%)" in checks[("min", "limits.cpu")].message
    assert checks[("min", "limits.memory")].ok
    assert "(50%)" in checks[("min", "limits.memory")].message
    assert not checks[("max", "limits.cpu")].ok
    assert "(217%)" in checks[("max", "limits.cpu")].message
    assert not checks[("max", "limits.memory")].ok
    assert "(130%)" in checks[("max", "limits.memory")].message
