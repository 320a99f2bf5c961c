"""Instance classes as right-sizing sees them: vCPU, memory, architecture, CPU baseline.

RDS, ElastiCache and MSK specs come from the bundled ``planner/data/instance_specs`` CSVs
(see their SOURCES.md); the burstable CPU baseline of a ``db.t3``/``cache.t3``/``kafka.t3``
class is the one of its EC2 equivalent (EC2 user guide credit table, in the EC2 CSV).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from planner.capacity.instances import instance_catalog
from planner.catalog_names import SPECS_DIR

# Current-generation families considered; previous generations (t2, m4, r4 ...) are left out
# because AWS steers new instances away from them.
FAMILIES: dict[str, tuple[str, ...]] = {
    "rds": ("db.t3", "db.t4g", "db.m5", "db.m6g", "db.m6i", "db.m7g", "db.r5", "db.r6g"),
    "elasticache": ("cache.t3", "cache.t4g", "cache.m5", "cache.m6g", "cache.r5", "cache.r6g"),
    "msk": ("kafka.t3", "kafka.m5", "kafka.m7g"),
    "node_group": (
        "t3",
        "t3a",
        "t4g",
        "m5",
        "m6i",
        "m6a",
        "m6g",
        "m7g",
        "c5",
        "c6i",
        "c6g",
        "r5",
        "r6i",
        "r6g",
    ),
}
NODE_SIZES = ("medium", "large", "xlarge", "2xlarge")


@dataclass(frozen=True, slots=True)
class ClassSpec:
    name: str
    family: str
    vcpu: int
    memory_gib: Decimal
    architecture: str
    baseline_pct_per_vcpu: Decimal | None  # burstable: sustained CPU % per vCPU

    @property
    def burstable(self) -> bool:
        return self.baseline_pct_per_vcpu is not None

    @property
    def baseline_vcpu(self) -> Decimal | None:
        if self.baseline_pct_per_vcpu is None:
            return None
        return self.vcpu * self.baseline_pct_per_vcpu / 100


def _baseline(ec2_type: str) -> Decimal | None:
    spec = instance_catalog().get(ec2_type)
    return spec.baseline_cpu_pct_per_vcpu if spec is not None else None


def _read(file_name: str, name_col: str, memory_col: str, kind: str) -> dict[str, ClassSpec]:
    out: dict[str, ClassSpec] = {}
    with (SPECS_DIR / file_name).open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row[name_col]
            family = name.rsplit(".", 1)[0]
            if family not in FAMILIES[kind] or not row["vcpu"] or not row.get(memory_col):
                continue
            out[name] = ClassSpec(
                name=name,
                family=family,
                vcpu=int(row["vcpu"]),
                memory_gib=Decimal(row[memory_col]),
                architecture=row.get("architecture") or "x86_64",
                baseline_pct_per_vcpu=_baseline(row.get("ec2_equivalent", "")),
            )
    return out


@cache
def class_specs(kind: str) -> dict[str, ClassSpec]:
    """Candidate classes of one kind (rds, elasticache, msk, node_group)."""
    if kind == "rds":
        return _read("rds_instance_classes.csv", "db_instance_class", "memory_gib", kind)
    if kind == "elasticache":
        # usable Redis memory is maxmemory, not the node's RAM
        return _read("elasticache_node_types.csv", "cache_node_type", "redis_maxmemory_gib", kind)
    if kind == "msk":
        return _read("msk_broker_types.csv", "broker_type", "memory_gib", kind)
    out: dict[str, ClassSpec] = {}
    for name, spec in instance_catalog().items():
        family, _, size = name.partition(".")
        if family in FAMILIES["node_group"] and size in NODE_SIZES:
            out[name] = ClassSpec(
                name=name,
                family=family,
                vcpu=spec.vcpu,
                memory_gib=Decimal(spec.memory_mib) / 1024,
                architecture=spec.architecture,
                baseline_pct_per_vcpu=spec.baseline_cpu_pct_per_vcpu,
            )
    return out


def spec_of(kind: str, name: str) -> ClassSpec | None:
    return class_specs(kind).get(name)
