"""Max pods, kube-reserved and allocatable at their boundaries, and the instance spec tables.

Rules (planner/capacity/allocatable.py's sources):

- VPC CNI secondary-IP mode: max pods = ENIs x (IPv4 per ENI - 1) + 2; prefix delegation
  puts a /28 (16 addresses) in each secondary slot: ENIs x (IPv4 per ENI - 1) x 16 + 2.
- amazon-eks-ami max-pods-calculator.sh caps the result at 110 below 30 vCPU, else 250.
- kube-reserved CPU: 6 % of core 1, 1 % of core 2, 0.5 % of cores 3 and 4, 0.25 % of each
  core above 4, in whole millicores rounded down; memory 11 MiB x max pods + 255 MiB.
- allocatable = capacity - kube-reserved - system-reserved - eviction threshold, never
  below 0.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from planner.capacity.allocatable import (
    eni_max_pods,
    kube_reserved_cpu_millicores,
    max_pods,
    node_allocatable,
)
from planner.capacity.instances import (
    InstanceSpec,
    eni_max_pods_table,
    instance_catalog,
    instance_spec,
)


def _spec(vcpu: int, enis: int, ips: int, memory_mib: int = 65536) -> InstanceSpec:
    return InstanceSpec(
        instance_type=f"test.{vcpu}x{enis}x{ips}",
        vcpu=vcpu,
        memory_mib=memory_mib,
        architecture="x86_64",
        max_enis=enis,
        ipv4_per_eni=ips,
        max_pods_eni=0,
        burstable=False,
        baseline_cpu_pct_per_vcpu=None,
        kpt_alloc_cpu_millicores=None,
        kpt_alloc_memory_mib=None,
    )


def test_eni_formula_small_and_prefix_delegation() -> None:
    # t3.nano: 2 ENIs x 2 IPv4: 2 x (2 - 1) + 2 = 4 (eni-max-pods.txt says 4)
    assert eni_max_pods(2, 2) == 4
    assert eni_max_pods_table()["t3.nano"] == 4
    # prefix delegation: 2 x (2 - 1) x 16 + 2 = 34
    assert eni_max_pods(2, 2, prefix_delegation=True) == 34
    # one ENI of one IPv4: no secondary IP, only the 2 host-network pods
    assert eni_max_pods(1, 1) == 2
    assert eni_max_pods(1, 1, prefix_delegation=True) == 2


@pytest.mark.parametrize(
    ("vcpu", "cap"),
    [(29, 110), (30, 250), (31, 250), (1, 110)],
)
def test_pod_cap_switches_at_30_vcpu(vcpu: int, cap: int) -> None:
    # 8 ENIs x 30 IPv4: 8 x 29 + 2 = 234 pods uncapped, 8 x 29 x 16 + 2 = 3,714 with prefixes;
    # max-pods-calculator.sh: fewer than 30 vCPU -> 110, else 250
    spec = _spec(vcpu, 8, 30)
    assert max_pods(spec, prefix_delegation=True) == cap
    assert max_pods(spec) == min(234, cap)  # 110 below 30 vCPU; 234 (< 250) from 30 up


def test_formula_below_the_cap_is_kept() -> None:
    # 3 ENIs x 10 IPv4 at 64 vCPU: 3 x 9 + 2 = 29, under the 250 cap
    assert max_pods(_spec(64, 3, 10)) == 29
    # a custom max pods wins over both the formula and the cap
    assert max_pods(_spec(64, 3, 10), custom=300) == 300
    assert max_pods(_spec(2, 3, 10), custom=1) == 1


@pytest.mark.parametrize(
    ("vcpu", "millicores"),
    [
        (0, 0),
        (1, 60),  # 6 % of 1,000m
        (2, 70),  # + 1 % of core 2 = 10m
        (3, 75),  # + 0.5 % of core 3 = 5m
        (4, 80),  # + 0.5 % of core 4 = 5m
        (5, 82),  # + 0.25 % of core 5 = 2.5m: 82.5m, down to 82
        (6, 85),  # + 2.5m: 85.0
        (7, 87),  # 87.5 -> 87
        (16, 110),  # 80 + 12 x 2.5 = 110
    ],
)
def test_kube_reserved_cpu_each_step(vcpu: int, millicores: int) -> None:
    assert kube_reserved_cpu_millicores(vcpu) == millicores


def test_node_allocatable_every_field_with_system_reserved() -> None:
    """m5.large: 2 vCPU, 8,192 MiB, 3 ENIs x 10 IPv4 -> 29 pods. kube-reserved 70m and
    11 x 29 + 255 = 574 MiB. With system-reserved 100m / 200 MiB and an eviction threshold of
    50 MiB: CPU 2,000 - 70 - 100 = 1,830m; memory 8,192 - 574 - 200 - 50 = 7,368 MiB."""
    alloc = node_allocatable(
        instance_spec("m5.large"),
        system_reserved_cpu_millicores=100,
        system_reserved_memory_mib=200,
        eviction_memory_mib=50,
    )
    assert alloc.instance_type == "m5.large"
    assert (alloc.capacity_cpu_millicores, alloc.capacity_memory_mib) == (2000, 8192)
    assert alloc.max_pods == 29
    assert (alloc.kube_reserved_cpu_millicores, alloc.kube_reserved_memory_mib) == (70, 574)
    assert (alloc.system_reserved_cpu_millicores, alloc.system_reserved_memory_mib) == (100, 200)
    assert alloc.eviction_memory_mib == 50
    assert (alloc.cpu_millicores, alloc.memory_mib) == (1830, 7368)


def test_node_allocatable_defaults() -> None:
    """No system-reserved by default (the EKS AMI sets none), eviction 100 MiB:
    m5.large 2,000 - 70 = 1,930m; 8,192 - 574 - 100 = 7,518 MiB."""
    alloc = node_allocatable(instance_spec("m5.large"))
    assert (alloc.system_reserved_cpu_millicores, alloc.system_reserved_memory_mib) == (0, 0)
    assert alloc.eviction_memory_mib == 100
    assert (alloc.cpu_millicores, alloc.memory_mib) == (1930, 7518)


@pytest.mark.parametrize(
    ("sys_cpu", "sys_mem", "cpu", "mem"),
    [
        # m5.large leaves 1,930m and 7,518 MiB before system-reserved
        (1929, 7517, 1, 1),  # one millicore and one MiB left
        (1930, 7518, 0, 0),  # exactly nothing left
        (2000, 8192, 0, 0),  # reservations above capacity: 0, never negative
    ],
)
def test_allocatable_never_below_zero(sys_cpu: int, sys_mem: int, cpu: int, mem: int) -> None:
    alloc = node_allocatable(
        instance_spec("m5.large"),
        system_reserved_cpu_millicores=sys_cpu,
        system_reserved_memory_mib=sys_mem,
    )
    assert (alloc.cpu_millicores, alloc.memory_mib) == (cpu, mem)


def test_prefix_delegation_and_custom_pods_in_allocatable() -> None:
    """m5.large with prefix delegation: 3 x 9 x 16 + 2 = 434, capped at 110 (2 vCPU): memory
    reserved 11 x 110 + 255 = 1,465 MiB; allocatable 8,192 - 1,465 - 100 = 6,627 MiB. A custom
    max pods (20) overrides prefix delegation: 11 x 20 + 255 = 475 -> 7,617 MiB."""
    pd = node_allocatable(instance_spec("m5.large"), prefix_delegation=True)
    assert (pd.max_pods, pd.kube_reserved_memory_mib, pd.memory_mib) == (110, 1465, 6627)
    custom = node_allocatable(instance_spec("m5.large"), prefix_delegation=True, custom_max_pods=20)
    assert (custom.max_pods, custom.kube_reserved_memory_mib, custom.memory_mib) == (20, 475, 7617)


def test_instance_catalog_rows_read_from_the_csv() -> None:
    """The catalog read afresh (``__wrapped__``: the cached copy is made once per process).

    t3.medium in ec2_instance_types.csv: 2 vCPU, 4,096 MiB, x86_64, 3 ENIs x 6 IPv4, 17 pods,
    burstable with a 20 % baseline per vCPU (EC2 user guide credit table); Karpenter's
    allocatable 1,930m / 3,246 MiB. m6g.large: arm64, not burstable, no baseline. A metal type
    without vCPU or memory data (c5a.metal) is left out."""
    catalog = instance_catalog.__wrapped__()
    t3 = catalog["t3.medium"]
    assert t3 == InstanceSpec(
        instance_type="t3.medium",
        vcpu=2,
        memory_mib=4096,
        architecture="x86_64",
        max_enis=3,
        ipv4_per_eni=6,
        max_pods_eni=17,
        burstable=True,
        baseline_cpu_pct_per_vcpu=Decimal("20"),
        kpt_alloc_cpu_millicores=1930,
        kpt_alloc_memory_mib=3246,
    )
    graviton = catalog["m6g.large"]
    assert (graviton.architecture, graviton.burstable) == ("arm64", False)
    assert graviton.baseline_cpu_pct_per_vcpu is None
    assert "c5a.metal" not in catalog
    assert len(catalog) > 1300


def test_eni_max_pods_table_read_afresh() -> None:
    """eni-max-pods.txt: comment lines (#) and blank lines skipped; m5.large 29 (3 x 9 + 2),
    t3.medium 17 (3 x 5 + 2), m5.24xlarge 737 (15 x 49 + 2, the uncapped figure)."""
    table = eni_max_pods_table.__wrapped__()
    assert (table["m5.large"], table["t3.medium"], table["m5.24xlarge"]) == (29, 17, 737)
    assert not any(name.startswith("#") or not name for name in table)
    assert len(table) > 1100


def test_an_unknown_type_with_no_close_name_gets_no_hint() -> None:
    from planner.errors import CapacityInputError

    with pytest.raises(CapacityInputError) as info:
        instance_spec("qqqqqqqq")
    assert str(info.value) == (
        "instance type 'qqqqqqqq' has no vCPU/memory/ENI data in the bundled instance specs"
    )
