"""The usage file: what Terraform cannot know, per resource address, each with its basis.

```yaml
version: 1
resource_usage:                      # keyed by Terraform address
  module.vpc.aws_nat_gateway.this:   # no [index]: every instance, each this much
    data_processed_gb: {value: 50, basis: assumption, note: "half the egress of each AZ"}
  aws_lb.api_gateway:
    processed_gb_per_hour: 0.137     # a plain number is stated
  aws_eks_node_group.compute:
    spot_discount_pct: {value: 70, basis: assumption, note: "the report's claim"}
  aws_db_instance.postgres:
    purchase: {type: reserved, term: 1yr, payment: all_upfront}
scenario:                            # what Terraform does not describe at all
  data_transfer: {internet_egress_gb: 100}
  eks: {workloads: [...], daemonsets: [...]}
```

A quantity the file does not give is written into the scenario as an assumption of 0 whose
note says so, and is listed by the import: never a silent zero. Measured usage
(``planner usage pull``) replaces these at pricing time (``planner price --usage``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from planner.errors import InputError
from planner.safe_yaml import MAX_TEXT_CHARS, YamlProblem, load_documents
from planner.topology import Amount, Purchase

# Scenario fields that Terraform does not describe: the only ones ``scenario:`` may set.
SCENARIO_KEYS = frozenset(
    {
        "description",
        "source",
        "data_transfer",
        "schedule",
        "savings_plans",
        "cost_allocation_tags",
        "alerts",
        "eks",
    }
)
EKS_KEYS = frozenset(
    {
        "daemonsets",
        "workloads",
        "namespace",
        "resource_quota",
        "limit_range",
        "node_count",
        "support",
    }
)


class ResourceUsage(BaseModel):
    """Usage of one resource (or of each instance of it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    data_processed_gb: Amount | None = None
    new_connections_per_second: Amount | None = None
    active_connections_per_minute: Amount | None = None
    processed_gb_per_hour: Amount | None = None
    rule_evaluations_per_second: Amount | None = None
    ingestion_gb: Amount | None = None
    storage_gb: Amount | None = None
    requests_10k: Amount | None = None
    backup_storage_gb: Amount | None = None
    spot_discount_pct: Amount | None = None
    purchase: Purchase | None = None


class UsageFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = 1
    resource_usage: dict[str, ResourceUsage] = Field(default_factory=dict)
    scenario: dict[str, Any] = Field(default_factory=dict)
    path: str = ""

    def for_address(self, address: str, base: str) -> tuple[str, ResourceUsage] | None:
        """The entry for an instance: its own address, else ``base[*]`` or ``base``."""
        for key in (address, f"{base}[*]", base):
            if key in self.resource_usage:
                return key, self.resource_usage[key]
        return None


def empty_usage() -> UsageFile:
    return UsageFile()


def read_usage_file(path: Path) -> UsageFile:
    """Load and check a usage file; any problem is one line naming the file and the field."""
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{where}: usage file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{where}: cannot read the usage file: {exc}") from None
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"{where}: larger than {MAX_TEXT_CHARS:,} characters")
    try:
        data = load_documents(text)[0].data
    except YamlProblem as exc:
        raise InputError(f"{where}: line {exc.line}: {exc.message}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected a mapping with resource_usage: and scenario:")
    _check_scenario_keys(data.get("scenario"), where)
    try:
        usage = UsageFile.model_validate({**data, "path": where})
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            valid = sorted(ResourceUsage.model_fields)
            if len(error["loc"]) == 1:
                valid = ["version", "resource_usage", "scenario"]
            message = f"unknown field; valid fields: {', '.join(valid)}"
        raise InputError(f"{where}: {loc}: {message}") from None
    return usage


def _check_scenario_keys(block: Any, where: str) -> None:
    _allowed(block, SCENARIO_KEYS, where, "scenario")
    if isinstance(block, dict):
        _allowed(block.get("eks"), EKS_KEYS, where, "scenario.eks")


def _allowed(block: Any, keys: frozenset[str], where: str, at: str) -> None:
    """Only ``keys`` in ``block``: the rest is Terraform's to describe (or not a field)."""
    if block is None:
        return
    if not isinstance(block, dict):
        raise InputError(f"{where}: {at}: expected a mapping of scenario fields")
    for key in block:
        if key not in keys:
            raise InputError(
                f"{where}: {at}.{key}: Terraform describes this (or it is not a field there); "
                f"{at} may set only {', '.join(sorted(keys))}"
            )
