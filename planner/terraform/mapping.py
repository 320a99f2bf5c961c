"""Terraform resources into a scenario document, every value naming the address it came from.

One function per modelled resource type (:mod:`planner.terraform.services`); this module
sorts the resources, names the scenario items, adds usage from the usage file, and lists what
the planner does not model. Resources with no charge of their own (a VPC, a subnet, an IAM
role, ...) are listed apart from the ones that may cost money but are not modelled (an
Elastic IP, an SQS queue ...): none is dropped silently.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from planner.terraform.reading import Notes, listed
from planner.terraform.resources import (
    Resource,
    TerraformError,
    instance_address,
    strip_indexes,
)
from planner.terraform.usage_file import UsageFile
from planner.topology import Amount, Basis

# AWS bills nothing for these themselves (VPC pricing page: "There is no additional charge for
# using a VPC"; IAM, security groups, route tables, subnet and parameter groups, launch
# templates, target groups and listeners are free; what runs in or through them is billed).
NO_CHARGE = frozenset(
    {
        "aws_vpc",
        "aws_subnet",
        "aws_route_table",
        "aws_route_table_association",
        "aws_route",
        "aws_internet_gateway",
        "aws_security_group",
        "aws_security_group_rule",
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
        "aws_iam_role",
        "aws_iam_policy",
        "aws_iam_role_policy",
        "aws_iam_role_policy_attachment",
        "aws_iam_instance_profile",
        "aws_iam_openid_connect_provider",
        "aws_db_subnet_group",
        "aws_db_parameter_group",
        "aws_elasticache_subnet_group",
        "aws_elasticache_parameter_group",
        "aws_msk_configuration",
        "aws_kms_alias",
        "aws_launch_template",
        "aws_lb_target_group",
        "aws_lb_listener",
        "aws_lb_target_group_attachment",
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_policy",
        "aws_ecr_lifecycle_policy",
        "aws_ecr_repository_policy",
        "aws_eks_addon",
    }
)
GENERIC_NAMES = frozenset({"this", "main", "default"})
_NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class Mapped:
    """The scenario document and everything the import says about it."""

    document: dict[str, Any]
    notes: Notes
    mapped: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    no_charge: list[str] = field(default_factory=list)


@dataclass
class Context:
    """What every resource mapper reads from and writes to."""

    where: str
    usage: UsageFile
    notes: Notes
    pool: dict[str, Resource]
    mapped: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    no_charge: list[str] = field(default_factory=list)
    taken: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def item_name(self, resource: Resource, section: str) -> str:
        """The scenario item's name: the resource's name (its module's for ``this``/``main``),
        with the instance key; unique within ``section``."""
        base = resource.name
        modules = [m for m in strip_indexes(resource.module).split(".") if m and m != "module"]
        if base in GENERIC_NAMES and modules:
            base = modules[-1]
        if resource.index is not None:
            base = f"{base}-{resource.index}"
        name = _NAME_CHARS.sub("-", base).strip("-._")[:100] or resource.type
        if name in self.taken[section]:
            name = _NAME_CHARS.sub("-", "-".join([*modules, base])).strip("-._")[:100]
        suffix = 2
        unique = name
        while unique in self.taken[section]:
            unique = f"{name[:95]}-{suffix}"
            suffix += 1
        self.taken[section].add(unique)
        return unique

    def usage_amount(self, resources: list[Resource], key: str, what: str) -> Amount:
        """The usage quantity ``key`` summed over ``resources``, each from the usage file or
        an assumption of 0 that says it was not given (and is listed)."""
        given: list[tuple[str, Amount]] = []
        missing: list[str] = []
        for resource in resources:
            base = instance_address(resource.module, resource.type, resource.name, None)
            entry = self.usage.for_address(resource.address, base)
            amount = getattr(entry[1], key) if entry is not None else None
            if entry is None or amount is None:
                missing.append(resource.address)
                self.notes.usage_missing.append(f"{resource.address} {key}")
            else:
                given.append((entry[0], amount))
        return combine(given, missing, key, what, self.usage.path)


def combine(
    given: list[tuple[str, Amount]], missing: list[str], key: str, what: str, usage_path: str
) -> Amount:
    total = sum((a.value for _, a in given), Decimal(0))
    bases = {a.basis for _, a in given}
    if missing or Basis.ASSUMPTION in bases:
        basis = Basis.ASSUMPTION
    elif Basis.MEASURED in bases:
        basis = Basis.MEASURED
    else:
        basis = Basis.STATED
    counts: dict[str, int] = defaultdict(int)
    for k, _ in given:
        counts[k] += 1
    parts: list[str] = []
    for k, a in dict(given).items():
        each = f" ({a.value} each x {counts[k]})" if counts[k] > 1 else ""
        parts.append(
            f"{k}{each}: {a.note}" if a.note else f"{k}{each}: {a.value} ({a.basis.value})"
        )
    if len(given) == 1 and not missing:
        parts = [given[0][1].note] if given[0][1].note else []
    if missing:
        parts.append(
            f"usage not given: no {key} ({what}) for {listed(missing)} in the usage file; "
            "0 until given there or measured (planner usage pull)"
        )
    keys = listed(list(counts)).replace(", ", " + ")
    origin = f"usage file {usage_path}: {keys}" if given else listed(missing)
    if len(given) == 1 and given[0][1].source:
        origin = given[0][1].source
    note = "; ".join(parts)
    if len(note) > 9_000:
        note = note[:8_990] + " (cut)"
    return Amount(value=total, basis=basis, note=note, source=origin)


Mapper = Callable[[list[Resource], Context, dict[str, Any]], None]


def map_resources(
    resources: tuple[Resource, ...],
    mappers: dict[str, Mapper],
    consumed_by: dict[str, str],
    where: str,
    usage: UsageFile,
) -> Mapped:
    """Run each type's mapper over its resources (types in ``mappers`` order)."""
    notes = Notes()
    ctx = Context(where, usage, notes, {r.address: r for r in resources})
    by_type: dict[str, list[Resource]] = defaultdict(list)
    for resource in resources:
        if not resource.is_aws:
            ctx.unsupported.append(f"{resource.address} (provider {resource.provider})")
        elif resource.type in mappers:
            by_type[resource.type].append(resource)
        elif resource.type in consumed_by:
            by_type[resource.type].append(resource)  # read by the resource that uses it
        elif resource.type in NO_CHARGE:
            ctx.no_charge.append(resource.address)
        else:
            ctx.unsupported.append(resource.address)
    document: dict[str, Any] = {}
    for rtype, mapper in mappers.items():
        if by_type.get(rtype):
            try:
                mapper(by_type[rtype], ctx, document)
            except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
                # a backstop: each attribute the mappers read is checked where it is read;
                # a value of a shape no check foresaw is still the one user error, named
                addresses = ", ".join(r.address for r in by_type[rtype][:3])
                raise TerraformError(
                    f"{where}: {addresses}: an attribute holds a value of an unexpected type "
                    f"({type(exc).__name__}: {exc}); check the {rtype} values in the plan"
                ) from None
    used = set(ctx.mapped)
    for rtype in consumed_by:
        for resource in by_type.get(rtype, []):
            if resource.address not in used:
                ctx.no_charge.append(resource.address)
    return Mapped(document, notes, ctx.mapped, ctx.unsupported, ctx.no_charge)
