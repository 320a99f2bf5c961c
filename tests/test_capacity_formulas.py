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
