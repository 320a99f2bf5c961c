"""EC2 instance specs for capacity: vCPU, memory, architecture, ENIs, burstable baseline.

Data: ``planner/data/instance_specs/ec2_instance_types.csv`` and ``eni-max-pods.txt``
(see that folder's SOURCES.md: Karpenter's generated instance-type docs, the VPC CNI's
ENI limit table, the EKS AMI's eni-max-pods.txt, the EC2 user guide's credit table).
Loaded once, on first use.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from planner.catalog_names import SPECS_DIR, suggest
from planner.errors import CapacityInputError

EC2_CSV = SPECS_DIR / "ec2_instance_types.csv"
ENI_MAX_PODS_TXT = SPECS_DIR / "eni-max-pods.txt"


@dataclass(frozen=True, slots=True)
class InstanceSpec:
    """One EC2 instance type as the capacity model needs it."""

    instance_type: str
    vcpu: int
    memory_mib: int
    architecture: str
    max_enis: int
    ipv4_per_eni: int
    max_pods_eni: int
    burstable: bool
    baseline_cpu_pct_per_vcpu: Decimal | None
    kpt_alloc_cpu_millicores: int | None
    kpt_alloc_memory_mib: int | None


def _int(text: str) -> int | None:
    return int(text) if text.strip() else None


@cache
def instance_catalog() -> dict[str, InstanceSpec]:
    """Every EC2 type with vCPU, memory and ENI data (types lacking any are left out)."""
    specs: dict[str, InstanceSpec] = {}
    with EC2_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            vcpu, memory = _int(row["vcpu"]), _int(row["memory_mib"])
            enis, ips = _int(row["max_enis"]), _int(row["ipv4_per_eni"])
            max_pods = _int(row["max_pods_eni"])
            if vcpu is None or memory is None or enis is None or ips is None or max_pods is None:
                continue
            baseline = row["baseline_cpu_pct_per_vcpu"].strip()
            specs[row["instance_type"]] = InstanceSpec(
                instance_type=row["instance_type"],
                vcpu=vcpu,
                memory_mib=memory,
                architecture=row["architecture"],
                max_enis=enis,
                ipv4_per_eni=ips,
                max_pods_eni=max_pods,
                burstable=row["burstable"] == "true",
                baseline_cpu_pct_per_vcpu=Decimal(baseline) if baseline else None,
                kpt_alloc_cpu_millicores=_int(row["kpt_alloc_cpu_millicores"]),
                kpt_alloc_memory_mib=_int(row["kpt_alloc_memory_mib"]),
            )
    return specs


def instance_spec(instance_type: str) -> InstanceSpec:
    """The spec of one type; an unknown type or one without vCPU/memory data is an error."""
    catalog = instance_catalog()
    spec = catalog.get(instance_type)
    if spec is None:
        close = suggest(instance_type, frozenset(catalog))
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise CapacityInputError(
            f"instance type {instance_type!r} has no vCPU/memory/ENI data in the bundled "
            f"instance specs{hint}"
        )
    return spec


@cache
def eni_max_pods_table() -> dict[str, int]:
    """The EKS AMI's eni-max-pods.txt as published: instance type -> max pods."""
    table: dict[str, int] = {}
    for line in ENI_MAX_PODS_TXT.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, value = line.split()
        table[name] = int(value)
    return table
