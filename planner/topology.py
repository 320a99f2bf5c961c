"""The typed topology of one environment: what runs, how big, and how much it is used.

Usage quantities sit next to the resource they belong to (``NATGateways.data_processed_gb``)
and carry their basis: *stated* by the source document, an *assumption* with a reason,
*measured* (CloudWatch), or *terraform* (read from a plan or .tf files by ``planner import
terraform``, with the resource address as ``source``). A plain number in YAML is a stated
quantity. Resources carry an optional ``source`` too: where they were described (a report
section, a Terraform address).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from planner.alert_settings import AlertsConfig
from planner.discount_terms import Discounts
from planner.money import to_decimal
from planner.quantities import QuantityError, parse_cpu_millicores, parse_memory_bytes

# No usage quantity comes near a trillion (GB, hours, keys ...); larger is a typo, and an
# unbounded Decimal like 1e999999 would take minutes to format.
MAX_AMOUNT = Decimal(10**12)
# AWS tag keys and values: Unicode letters, digits, spaces and _ . : / = + - @
_TAG_TEXT = re.compile(r"[\w .:/=+\-@]+")


class Model(BaseModel):
    """Base for every topology model: unknown fields are errors, values are immutable."""

    # No free text in a scenario (description, note, source ...) needs more than 10,000
    # characters.
    model_config = ConfigDict(extra="forbid", frozen=True, str_max_length=10_000)


class Basis(StrEnum):
    STATED = "stated"
    ASSUMPTION = "assumption"
    MEASURED = "measured"
    TERRAFORM = "terraform"  # read from a Terraform plan or .tf files; ``source`` is the address
    DISCOVERED = "discovered"  # read from a live account or cluster (planner discover)


class Amount(Model):
    """A non-negative quantity with where it came from.

    YAML accepts ``100`` (stated) or ``{value: 100, basis: assumption, note: "why"}``. A
    ``discovered`` quantity names the API call and resource ARN in ``source`` and the time it
    was read in ``note``.
    """

    value: Decimal = Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)
    basis: Basis = Basis.STATED
    note: str = ""
    source: str = ""

    @model_validator(mode="before")
    @classmethod
    def _from_number(cls, data: Any) -> Any:
        if isinstance(data, bool):
            raise ValueError("a boolean is not a quantity")
        if isinstance(data, int | float | str | Decimal):
            return {"value": data}
        return data

    @field_validator("value", mode="before")
    @classmethod
    def _exact(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("a boolean is not a quantity")
        if isinstance(value, float | int):
            return to_decimal(value)
        return value

    @model_validator(mode="after")
    def _assumption_has_reason(self) -> Amount:
        if self.basis is Basis.ASSUMPTION and not self.note.strip():
            raise ValueError("an assumption needs a note that gives the reason")
        return self


def stated(value: int | str) -> Amount:
    return Amount(value=Decimal(value))


def _at_most(limit: int, why: str) -> AfterValidator:
    """An upper bound on an :class:`Amount`, with the reason for it in the error."""

    def check(amount: Amount) -> Amount:
        if amount.value > limit:
            raise ValueError(f"{amount.value} is above the upper bound {limit:,} ({why})")
        return amount

    return AfterValidator(check)


def _no_bool(value: Any) -> Any:
    # YAML ``true`` is not 1: pydantic's lax int would take it as 1, silently.
    if isinstance(value, bool):
        raise ValueError(f"a boolean ({value}) is not a number")
    return value


# Realistic upper bounds (docs/scenarios.md "Input limits"): above them a value is a typo, and the
# capacity model stays fast within them.
MAX_NODES_PER_GROUP = 5_000  # Kubernetes' largest supported cluster: 5,000 nodes
MAX_PODS_PER_CLUSTER = 150_000  # Kubernetes' largest supported cluster: 150,000 pods
MAX_EBS_GB = 16_384  # an EBS gp2/gp3 volume: 16 TiB
MAX_RDS_STORAGE_GB = 65_536  # RDS PostgreSQL/MySQL/MariaDB: 64 TiB
MAX_MSK_BROKER_GB = 16_384  # MSK storage per broker: 16 TiB
MAX_MONTHLY_GB = 10**9  # a month's traffic or log volume: 1 EB


def _check_cpu(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"CPU {value!r} is not a Kubernetes quantity (e.g. 250m, 0.5)")
    try:
        parse_cpu_millicores(value)
    except QuantityError as exc:
        raise ValueError(str(exc)) from None
    return str(value)


def _check_memory(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"memory {value!r} is not a Kubernetes quantity (e.g. 512Mi, 1Gi)")
    try:
        parse_memory_bytes(value)
    except QuantityError as exc:
        raise ValueError(str(exc)) from None
    return str(value)


CpuQuantity = Annotated[str, BeforeValidator(_check_cpu)]
MemoryQuantity = Annotated[str, BeforeValidator(_check_memory)]
# Counts (nodes, replicas, brokers, GB of RDS storage) stay far below a million; a bound keeps
# a typo like 10**30 from overflowing the 28-digit Decimal context when priced.
MAX_COUNT = 1_000_000
Count = Annotated[int, BeforeValidator(_no_bool), Field(ge=0, le=MAX_COUNT)]
PositiveCount = Annotated[int, BeforeValidator(_no_bool), Field(ge=1, le=MAX_COUNT)]
NodeCount = Annotated[int, BeforeValidator(_no_bool), Field(ge=0, le=MAX_NODES_PER_GROUP)]
PositiveNodeCount = Annotated[int, BeforeValidator(_no_bool), Field(ge=1, le=MAX_NODES_PER_GROUP)]
Replicas = Annotated[int, BeforeValidator(_no_bool), Field(ge=1, le=MAX_PODS_PER_CLUSTER)]
MonthlyGB = Annotated[Amount, _at_most(MAX_MONTHLY_GB, "1 EB a month")]
# Where a resource is described: a report section, or the Terraform address(es) it was read from
ResourceSource = Annotated[str, Field(description="where this resource is described")]
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


class CapacityType(StrEnum):
    ON_DEMAND = "ON_DEMAND"
    SPOT = "SPOT"


class RateCard(Model):
    """A rate the user supplies because the catalog has none: marked as a user rate card.

    Give ``effective_hourly_usd`` (upfront spread over the term plus the recurring rate), or
    ``recurring_hourly_usd`` with ``upfront_usd`` (per instance, for the whole term). The
    ``source`` says where the figure comes from (a quote, an AWS console screenshot ...).
    """

    source: str = Field(min_length=1)
    effective_hourly_usd: Decimal | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    recurring_hourly_usd: Decimal | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    upfront_usd: Decimal | None = Field(default=None, ge=0, le=MAX_AMOUNT)

    @model_validator(mode="after")
    def _some_rate(self) -> RateCard:
        if self.effective_hourly_usd is None and self.recurring_hourly_usd is None:
            raise ValueError("a rate card needs effective_hourly_usd or recurring_hourly_usd")
        return self


class Purchase(Model):
    """How a resource is bought: ``purchase: {type: reserved, term: 1yr, ...}``.

    ``coverage_pct`` (share of the resource's instances) or ``count`` (instances) says how
    much is bought that way; the rest runs on-demand. Without either, all of it.
    """

    type: Literal["on_demand", "spot", "reserved", "savings_plan"] = "on_demand"
    term: Literal["1yr", "3yr"] = "1yr"
    payment: Literal["no_upfront", "partial_upfront", "all_upfront"] = "no_upfront"
    offering_class: Literal["standard", "convertible"] = "standard"
    coverage_pct: Decimal | None = Field(default=None, ge=0, le=100)
    count: Count | None = None
    start: dt.date | None = Field(
        default=None, description="commitment start (forecast); default: the scenario's as_of"
    )
    rate_card: RateCard | None = None

    @model_validator(mode="after")
    def _one_size(self) -> Purchase:
        if self.coverage_pct is not None and self.count is not None:
            raise ValueError("give coverage_pct or count, not both")
        return self


class Schedule(Model):
    """Off-hours scaling: resources run ``hours_per_day`` on ``days_per_week`` (from Monday).

    Outside those hours node groups drop to their ``min_size`` (or zero) and an RDS instance
    may be stopped (AWS restarts a stopped instance after 7 days; storage is still billed).
    The EKS control plane, NAT gateways, load balancers, MSK and ElastiCache bill every hour.
    """

    name: str = "off-hours"
    hours_per_day: Annotated[int, Field(ge=1, le=24)] = 24
    days_per_week: Annotated[int, Field(ge=1, le=7)] = 7
    start_hour: Annotated[int, Field(ge=0, le=23)] = 8
    node_groups_off: Literal["min", "zero"] = "min"
    rds_off: Literal["running", "stopped"] = "running"

    @model_validator(mode="after")
    def _fits_day(self) -> Schedule:
        if self.hours_per_day < 24 and self.start_hour + self.hours_per_day > 24:
            raise ValueError(
                f"start_hour {self.start_hour} + hours_per_day {self.hours_per_day} runs past "
                "midnight; shift start_hour"
            )
        return self

    @property
    def always_on(self) -> bool:
        return self.hours_per_day == 24 and self.days_per_week == 7


class SavingsPlan(Model):
    """A scenario-level Savings Plan: a commitment in $/hour at Savings Plan rates."""

    type: Literal["compute", "ec2_instance"]
    term: Literal["1yr", "3yr"] = "1yr"
    payment: Literal["no_upfront", "partial_upfront", "all_upfront"] = "no_upfront"
    commitment_usd_per_hour: Decimal = Field(gt=0, le=MAX_AMOUNT)
    instance_family: str | None = Field(
        default=None, description="EC2 Instance plans cover one family (e.g. m5) in the region"
    )
    start: dt.date | None = None
    rate_card: dict[str, Decimal] = Field(
        default_factory=dict,
        description="user rate card: Savings Plan $/hour per instance type, when the catalog "
        "has none (marked as a user rate card)",
    )
    rate_card_source: str = ""

    @model_validator(mode="after")
    def _family(self) -> SavingsPlan:
        for instance, rate in self.rate_card.items():
            if not rate.is_finite() or not 0 < rate <= MAX_AMOUNT:
                raise ValueError(
                    f"rate_card {instance}: {rate} $/hour must be a finite number above 0"
                )
        if self.type == "ec2_instance" and not self.instance_family:
            raise ValueError("an ec2_instance Savings Plan needs instance_family (e.g. m5)")
        if self.rate_card and not self.rate_card_source.strip():
            raise ValueError("a rate_card needs rate_card_source (where the rates come from)")
        return self


class Taint(Model):
    key: str
    value: str = ""
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"] = "NoSchedule"


class Toleration(Model):
    key: str
    value: str = ""
    operator: Literal["Equal", "Exists"] = "Equal"
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute", ""] = ""


class NodeGroup(Model):
    name: Name
    instance_type: str
    capacity_type: CapacityType = CapacityType.ON_DEMAND
    min_size: NodeCount
    desired_size: NodeCount
    max_size: PositiveNodeCount
    disk_gb: Annotated[Amount, _at_most(MAX_EBS_GB, "an EBS volume holds at most 16 TiB")] = Field(
        default_factory=lambda: Amount(
            value=Decimal(20),
            basis=Basis.ASSUMPTION,
            note="EKS managed node group default root volume (20 GiB)",
        )
    )
    disk_type: Literal["gp3", "gp2"] = "gp3"
    spot_discount_pct: Amount | None = None
    labels: dict[str, str] = Field(default_factory=dict, max_length=100)
    taints: tuple[Taint, ...] = Field(default=(), max_length=50)
    zones: tuple[str, ...] = Field(default=(), max_length=10)
    max_pods: Annotated[int, BeforeValidator(_no_bool), Field(ge=1, le=737)] | None = None
    prefix_delegation: bool = False
    asg_name: str | None = Field(
        default=None,
        description="the node group's Auto Scaling group, for measured node CPU "
        "(AWS/EC2 CPUUtilization by AutoScalingGroupName); planner usage pull reads it",
    )
    purchase: Purchase = Field(default_factory=Purchase)
    source: ResourceSource = ""

    @model_validator(mode="after")
    def _sizes_ordered(self) -> NodeGroup:
        if not self.min_size <= self.desired_size <= self.max_size:
            raise ValueError(
                f"needs min_size <= desired_size <= max_size, got {self.min_size} <= "
                f"{self.desired_size} <= {self.max_size}"
            )
        if self.capacity_type is CapacityType.SPOT and self.spot_discount_pct is None:
            raise ValueError(
                "a SPOT node group needs spot_discount_pct (percent off on-demand), "
                "because the snapshot has no current spot price for most types"
            )
        if self.spot_discount_pct is not None and self.spot_discount_pct.value >= 100:
            raise ValueError(
                f"spot_discount_pct must be below 100, got {self.spot_discount_pct.value}"
            )
        if self.purchase.count is not None and self.purchase.count > self.max_size:
            raise ValueError(
                f"purchase.count {self.purchase.count} reserves more nodes than the group can "
                f"ever run (max_size {self.max_size}); a count is bounded by what it covers"
            )
        if self.capacity_type is CapacityType.SPOT and self.purchase.type not in (
            "on_demand",
            "spot",
        ):
            raise ValueError(
                f"capacity_type SPOT conflicts with purchase type {self.purchase.type!r}; "
                "use capacity_type ON_DEMAND with a purchase block"
            )
        return self


class Workload(Model):
    """A Deployment with an HPA range and per-container-sum requests and limits."""

    name: Name
    replicas_min: Replicas
    replicas_max: Replicas
    replicas_expected: Replicas | None = None
    cpu_request: CpuQuantity
    memory_request: MemoryQuantity
    cpu_limit: CpuQuantity | None = None
    memory_limit: MemoryQuantity | None = None
    anti_affinity: bool = False
    spread_zones: bool = False
    node_selector: dict[str, str] = Field(default_factory=dict, max_length=100)
    tolerations: tuple[Toleration, ...] = Field(default=(), max_length=50)
    source: str = ""

    @model_validator(mode="after")
    def _replicas_ordered(self) -> Workload:
        if self.replicas_min > self.replicas_max:
            raise ValueError(
                f"needs replicas_min <= replicas_max, got {self.replicas_min} > {self.replicas_max}"
            )
        expected = self.replicas_expected
        if expected is not None and not self.replicas_min <= expected <= self.replicas_max:
            raise ValueError(
                f"replicas_expected {expected} is outside {self.replicas_min}..{self.replicas_max}"
            )
        if self.cpu_limit is not None and self.cpu_limit_m < self.cpu_request_m:
            raise ValueError(f"cpu_limit {self.cpu_limit} is below cpu_request {self.cpu_request}")
        if self.memory_limit is not None and self.memory_limit_bytes < self.memory_request_bytes:
            raise ValueError(
                f"memory_limit {self.memory_limit} is below memory_request {self.memory_request}"
            )
        return self

    @property
    def cpu_request_m(self) -> int:
        return parse_cpu_millicores(self.cpu_request)

    @property
    def memory_request_bytes(self) -> int:
        return parse_memory_bytes(self.memory_request)

    @property
    def cpu_limit_m(self) -> int:
        return parse_cpu_millicores(self.cpu_limit) if self.cpu_limit else self.cpu_request_m

    @property
    def memory_limit_bytes(self) -> int:
        if self.memory_limit:
            return parse_memory_bytes(self.memory_limit)
        return self.memory_request_bytes

    @property
    def expected_replicas(self) -> int:
        """Expected replicas: stated, else the HPA minimum (an idle staging environment)."""
        return self.replicas_expected if self.replicas_expected is not None else self.replicas_min


class DaemonSet(Model):
    """Per-node overhead: one pod on every node (aws-node, kube-proxy, ...)."""

    name: Name
    cpu_request: CpuQuantity
    # None: the DaemonSet states no memory request (e.g. aws-node in the VPC CNI manifest)
    memory_request: MemoryQuantity | None = None
    source: str = ""

    @property
    def cpu_request_m(self) -> int:
        return parse_cpu_millicores(self.cpu_request)

    @property
    def memory_request_bytes(self) -> int:
        return parse_memory_bytes(self.memory_request) if self.memory_request else 0


class ResourceQuota(Model):
    """Namespace ResourceQuota on requests (and optionally limits)."""

    requests_cpu: CpuQuantity
    requests_memory: MemoryQuantity
    limits_cpu: CpuQuantity | None = None
    limits_memory: MemoryQuantity | None = None


class LimitRange(Model):
    """Per-container bounds from the namespace LimitRange."""

    min_cpu: CpuQuantity
    max_cpu: CpuQuantity
    min_memory: MemoryQuantity
    max_memory: MemoryQuantity


class EKSCluster(Model):
    cluster_name: str
    kubernetes_version: Annotated[str, Field(pattern=r"^1\.[0-9]{2}$")]
    support: Literal["auto", "standard", "extended"] = "auto"
    node_count: Literal["desired", "from_capacity"] = "desired"
    node_groups: Annotated[tuple[NodeGroup, ...], Field(min_length=1, max_length=100)]
    daemonsets: tuple[DaemonSet, ...] = Field(default=(), max_length=100)
    workloads: tuple[Workload, ...] = Field(default=(), max_length=10_000)
    workloads_from: str | None = None
    namespace: str = "default"
    resource_quota: ResourceQuota | None = None
    limit_range: LimitRange | None = None
    source: ResourceSource = ""

    @model_validator(mode="after")
    def _unique_names(self) -> EKSCluster:
        _unique("node_groups", [g.name for g in self.node_groups])
        _unique("workloads", [w.name for w in self.workloads])
        _unique("daemonsets", [d.name for d in self.daemonsets])
        check_total_pods(self.workloads)
        return self


def check_total_pods(workloads: tuple[Workload, ...]) -> None:
    """The pods at maximum replicas stay within one Kubernetes cluster's limit."""
    total = sum(w.replicas_max for w in workloads)
    if total > MAX_PODS_PER_CLUSTER:
        raise ValueError(
            f"the workloads' replicas_max add up to {total:,} pods, above the upper bound "
            f"{MAX_PODS_PER_CLUSTER:,} (the largest cluster Kubernetes supports)"
        )


class RDSInstance(Model):
    name: Name
    engine: Literal["PostgreSQL", "MySQL", "MariaDB"]
    engine_version: str = ""
    instance_class: str
    multi_az: bool = False
    storage_type: Literal["gp3", "gp2", "io1"] = "gp3"
    storage_gb: Annotated[Amount, _at_most(MAX_RDS_STORAGE_GB, "RDS storage is at most 64 TiB")]
    max_storage_gb: (
        Annotated[int, BeforeValidator(_no_bool), Field(ge=1, le=MAX_RDS_STORAGE_GB)] | None
    ) = None
    backup_retention_days: Annotated[int, BeforeValidator(_no_bool), Field(ge=0, le=35)] = 7
    backup_storage_gb: Annotated[
        Amount, _at_most(35 * MAX_RDS_STORAGE_GB, "35 days of backups of a 64 TiB instance")
    ] = Field(
        default_factory=lambda: Amount(
            value=Decimal(0),
            basis=Basis.ASSUMPTION,
            note="backups fit in the free allowance (backup storage up to the provisioned "
            "storage is not billed)",
        )
    )
    db_instance_identifier: str | None = Field(
        default=None, description="DBInstanceIdentifier for CloudWatch (default: name)"
    )
    purchase: Purchase = Field(default_factory=Purchase)
    source: ResourceSource = ""

    @model_validator(mode="after")
    def _purchase_kind(self) -> RDSInstance:
        _no_spot_or_sp("an RDS instance", self.purchase)
        if self.purchase.count is not None and self.purchase.count > 1:
            raise ValueError(
                f"purchase.count {self.purchase.count}: one RDS instance takes one reservation "
                "(Multi-AZ is part of it); a count is bounded by what it covers"
            )
        return self

    @model_validator(mode="after")
    def _storage_bounds(self) -> RDSInstance:
        if self.max_storage_gb is not None and self.max_storage_gb < self.storage_gb.value:
            raise ValueError(
                f"max_storage_gb {self.max_storage_gb} is below storage_gb {self.storage_gb.value}"
            )
        return self


class CacheCluster(Model):
    name: Name
    engine: Literal["Redis", "Memcached"] = "Redis"
    engine_version: str = ""
    node_type: str
    nodes: Annotated[int, BeforeValidator(_no_bool), Field(ge=1, le=500)]  # ElastiCache: 500
    multi_az: bool = False
    cache_cluster_id: str | None = Field(
        default=None, description="CacheClusterId for CloudWatch (default: name)"
    )
    purchase: Purchase = Field(default_factory=Purchase)
    source: ResourceSource = ""

    @model_validator(mode="after")
    def _purchase_kind(self) -> CacheCluster:
        _no_spot_or_sp("an ElastiCache cluster", self.purchase)
        if self.purchase.count is not None and self.purchase.count > self.nodes:
            raise ValueError(
                f"purchase.count {self.purchase.count} reserves more nodes than the cluster has "
                f"({self.nodes}); a count is bounded by what it covers"
            )
        return self

    @model_validator(mode="after")
    def _multi_az_needs_replica(self) -> CacheCluster:
        if self.multi_az and self.nodes < 2:
            raise ValueError("multi_az needs at least 2 nodes (a primary and a replica)")
        return self


class MSKCluster(Model):
    name: Name
    kafka_version: str = ""
    broker_type: str
    brokers: Annotated[int, BeforeValidator(_no_bool), Field(ge=1, le=1_000)]
    storage_gb_per_broker: Annotated[
        Amount, _at_most(MAX_MSK_BROKER_GB, "an MSK broker stores at most 16 TiB")
    ]
    cluster_name: str | None = Field(
        default=None, description="MSK 'Cluster Name' dimension for CloudWatch (default: name)"
    )
    source: ResourceSource = ""


class NATGateways(Model):
    count: Annotated[int, BeforeValidator(_no_bool), Field(ge=0, le=1_000)]
    data_processed_gb: MonthlyGB = Field(
        description="GB processed per month, all gateways together"
    )
    gateway_ids: tuple[str, ...] = Field(
        default=(), description="NatGatewayId values to read from CloudWatch"
    )
    source: ResourceSource = ""


class LoadBalancer(Model):
    """An NLB or ALB; LCU usage dimensions are monthly averages."""

    name: Name
    type: Literal["network", "application"]
    count: Annotated[int, BeforeValidator(_no_bool), Field(ge=1, le=1_000)] = 1
    new_connections_per_second: Amount = Field(default_factory=lambda: stated(0))
    active_connections_per_minute: Amount = Field(default_factory=lambda: stated(0))
    processed_gb_per_hour: Amount = Field(default_factory=lambda: stated(0))
    rule_evaluations_per_second: Amount = Field(default_factory=lambda: stated(0))
    arn_suffix: str | None = Field(
        default=None,
        description="the LoadBalancer dimension, e.g. net/my-nlb/50dc6c495c0c9188",
    )
    source: ResourceSource = ""

    @model_validator(mode="after")
    def _rules_only_on_alb(self) -> LoadBalancer:
        if self.type == "network" and self.rule_evaluations_per_second.value > 0:
            raise ValueError("rule_evaluations_per_second applies to application load balancers")
        return self


class DataTransfer(Model):
    internet_egress_gb: MonthlyGB
    inter_az_gb: MonthlyGB = Field(default_factory=lambda: stated(0))


class CloudWatchLogs(Model):
    ingestion_gb: MonthlyGB
    storage_gb: Annotated[Amount, _at_most(10 * MAX_MONTHLY_GB, "10 EB of stored logs")]
    log_group_names: tuple[str, ...] = Field(
        default=(), description="log groups whose IncomingBytes planner usage pull reads"
    )
    source: ResourceSource = ""


class S3Storage(Model):
    storage_gb: Amount
    source: ResourceSource = ""


class KMSKeys(Model):
    keys: Annotated[Amount, _at_most(100_000, "KMS allows 100,000 keys per account and region")]
    requests_10k: Annotated[Amount, _at_most(10**9, "10^13 requests a month")] = Field(
        default_factory=lambda: stated(0)
    )
    source: ResourceSource = ""


class ECRStorage(Model):
    storage_gb: Annotated[Amount, _at_most(10**8, "100 PB of container images")]
    source: ResourceSource = ""


class DiscoveredFrom(Model):
    """Where the values of one resource came from: the API call, the resource's ARN (or the
    Kubernetes object) and the time it was read. ``fields`` lists the values it gave."""

    path: str = Field(min_length=1, description="the scenario field, e.g. rds[postgres]")
    fields: tuple[str, ...] = ()
    call: str = Field(min_length=1, description="e.g. rds:DescribeDBInstances")
    arn: str = ""
    at: dt.datetime


class MissingPart(Model):
    """A part of the account that could not be read (the scenario lacks it)."""

    part: str
    action: str
    reason: str


class Discovery(Model):
    """How a scenario was discovered (``planner discover``): what was read, when, what not.

    Values that the APIs cannot tell are ``basis: assumption`` quantities with a note."""

    at: dt.datetime
    region: str = ""
    tags: dict[str, str] = Field(default_factory=dict)
    kubernetes: str = Field(default="", description="where workloads were read, if anywhere")
    api_calls: Annotated[int, Field(ge=0)] = 0
    values: tuple[DiscoveredFrom, ...] = Field(default=(), max_length=100_000)
    missing: tuple[MissingPart, ...] = Field(default=(), max_length=1_000)
    assumptions: tuple[str, ...] = Field(
        default=(), max_length=100_000, description="fields written as assumptions, and why"
    )


SeedFigure = Literal["§9.1", "§9.2", "§9.4"]
"""A section of the seed report with figures of its own for the environment it describes:
§9.1 the hand cost estimate, §9.2 the savings claims, §9.4 the billing-alert levels."""


class Topology(Model):
    """One environment. ``extends`` is resolved by the scenario loader before validation."""

    name: Name
    description: str = ""
    source: str = ""
    seed_figures: tuple[SeedFigure, ...] = Field(
        default=(),
        max_length=3,
        description="the seed report's own figures for this environment, set beside the model "
        "on the report pages: §9.1 its hand estimate, §9.2 its savings claims, §9.4 its alert "
        "levels; only for the environment that report describes (staging), empty elsewhere",
    )
    region: str
    as_of: dt.date
    eks: EKSCluster | None = None
    rds: tuple[RDSInstance, ...] = Field(default=(), max_length=1_000)
    elasticache: tuple[CacheCluster, ...] = Field(default=(), max_length=1_000)
    msk: tuple[MSKCluster, ...] = Field(default=(), max_length=1_000)
    nat_gateways: NATGateways | None = None
    load_balancers: tuple[LoadBalancer, ...] = Field(default=(), max_length=1_000)
    data_transfer: DataTransfer | None = None
    cloudwatch_logs: CloudWatchLogs | None = None
    s3: S3Storage | None = None
    kms: KMSKeys | None = None
    ecr: ECRStorage | None = None
    savings_plans: tuple[SavingsPlan, ...] = ()
    schedule: Schedule | None = None
    cost_allocation_tags: dict[
        Annotated[str, Field(min_length=1, max_length=128)],
        Annotated[str, Field(max_length=256)],
    ] = Field(
        default_factory=dict,
        max_length=50,
        description="AWS cost allocation tags on the environment's resources, e.g. "
        "{Environment: staging}; billing alerts and actuals filter by them",
    )
    alerts: AlertsConfig = Field(
        default_factory=AlertsConfig,
        description="billing-alert thresholds (the alerts command); defaults follow the plan",
    )
    discounts: Discounts | None = Field(
        default=None,
        description="enterprise discount, private rates, credits: priced as their own lines "
        "(planner.discount_terms)",
    )
    discovery: Discovery | None = Field(
        default=None,
        description="set by planner discover: where each value came from and what is missing",
    )

    @field_validator("cost_allocation_tags")
    @classmethod
    def _aws_tag_format(cls, tags: dict[str, str]) -> dict[str, str]:
        for key, value in tags.items():
            if key.lower().startswith("aws:") or not _TAG_TEXT.fullmatch(key):
                raise ValueError(
                    f"tag key {key!r} is not a user tag key: AWS allows letters, digits, "
                    "spaces and _ . : / = + - @ (not starting with 'aws:')"
                )
            if not _TAG_TEXT.fullmatch(value) and value:
                raise ValueError(
                    f"tag value {value!r} for {key!r}: AWS allows letters, digits, spaces "
                    "and _ . : / = + - @"
                )
        return tags

    @model_validator(mode="after")
    def _savings_plans_exist(self) -> Topology:
        groups = self.eks.node_groups if self.eks is not None else ()
        for group in groups:
            if group.purchase.type == "savings_plan" and not self.savings_plans:
                raise ValueError(
                    f"node group {group.name!r} has purchase type savings_plan but the scenario "
                    "has no savings_plans: [...] block"
                )
        return self

    @model_validator(mode="after")
    def _unique_names(self) -> Topology:
        _unique("rds", [r.name for r in self.rds])
        _unique("elasticache", [c.name for c in self.elasticache])
        _unique("msk", [m.name for m in self.msk])
        _unique("load_balancers", [lb.name for lb in self.load_balancers])
        return self


def _no_spot_or_sp(what: str, purchase: Purchase) -> None:
    if purchase.type in ("spot", "savings_plan"):
        raise ValueError(
            f"{what} can be bought on_demand or reserved, not {purchase.type} "
            "(spot and EC2 Savings Plans cover EC2 only)"
        )


def _unique(field: str, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"{field} has two entries named {name!r}; names must be unique")
        seen.add(name)
