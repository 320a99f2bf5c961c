"""``planner import terraform``: a plan or a ``.tf`` folder into a validated scenario.

The scenario is built as a document, written as YAML, and loaded back through the one
scenario loader (:func:`planner.scenario.load_text`) before anything is written: what the
import prints is exactly what ``planner price`` will read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.errors import ScenarioError
from planner.scenario import Scenario, load_text
from planner.terraform.emit import to_yaml
from planner.terraform.mapping import Mapped, map_resources
from planner.terraform.plan import TerraformInput, read_plan
from planner.terraform.resources import TerraformError
from planner.terraform.services import CONSUMED, MAPPERS
from planner.terraform.usage_file import UsageFile, empty_usage, read_usage_file

SECTION_ORDER = (
    "eks",
    "rds",
    "elasticache",
    "msk",
    "nat_gateways",
    "load_balancers",
    "cloudwatch_logs",
    "s3",
    "kms",
    "ecr",
)


@dataclass(frozen=True)
class Imported:
    """The scenario, its YAML text, and what the import has to say about it."""

    source: TerraformInput
    mapped: Mapped
    text: str
    scenario: Scenario
    usage_path: str

    def summary(self) -> list[str]:
        """The lines the command prints on stderr (each list named and counted)."""
        m, src = self.mapped, self.source
        out = [
            f"imported {len(m.mapped)} of {len(src.resources)} resources from {src.path} "
            f"({src.kind}) into scenario {self.scenario.name}"
        ]
        out += _listed("not supported (not priced)", m.unsupported)
        out += _listed("with no charge of their own", m.no_charge)
        out += _listed(
            "usage quantities not given (assumed 0, labelled as assumptions)",
            m.notes.usage_missing,
        )
        out += _listed("values known only after apply (not needed to price)", m.notes.after_apply)
        out += _listed("provider defaults used", m.notes.defaults)
        out += list(src.notes)
        return out


def _listed(what: str, items: list[str]) -> list[str]:
    if not items:
        return []
    return [f"{len(items)} {what}: {', '.join(items)}"]


def read_input(path: Path) -> TerraformInput:
    if path.is_dir():
        from planner.terraform.hcl import read_hcl

        return read_hcl(path, frozenset({*MAPPERS, *CONSUMED}))
    return read_plan(path)


def import_terraform(
    path: Path,
    *,
    usage_path: Path | None = None,
    name: str | None = None,
    as_of: dt.date | None = None,
    region: str | None = None,
    out_path: Path | None = None,
) -> Imported:
    source = read_input(path)
    usage = read_usage_file(usage_path) if usage_path is not None else empty_usage()
    aws = [r for r in source.resources if r.is_aws]
    if not aws:
        providers = sorted({r.provider for r in source.resources}) or ["none"]
        raise TerraformError(
            f"{path}: no AWS resources ({len(source.resources)} resources of "
            f"{', '.join(providers)}); planner reads configurations of the hashicorp/aws provider"
        )
    mapped = map_resources(source.resources, MAPPERS, CONSUMED, str(path), usage)
    region = region or source.region
    if not region:
        raise TerraformError(
            f"{path}: the aws provider's region is not a literal value; pass --region"
        )
    day = as_of or source.date or dt.datetime.now(dt.UTC).date()
    scenario_name = name or _name_from(path)
    document = _document(source, mapped, usage, scenario_name, region, day, as_of)
    header = _header(source, mapped, usage, day, as_of)
    comments = dict(mapped.notes.comments)
    comments[("region",)] = source.region_from if region == source.region else "--region"
    comments[("as_of",)] = (
        "--as-of"
        if as_of
        else "the plan's timestamp"
        if source.date
        else "the import's date (UTC): give --as-of to pin it"
    )
    text = to_yaml(document, comments, header)
    target = out_path or path.parent / f"{scenario_name}.yaml"
    try:
        scenario = load_text(text, target)
    except ScenarioError as exc:
        field = re.sub(r"^line \d+: ", "", exc.field)  # a line of the generated text
        raise TerraformError(
            f"{path}: the imported scenario is not valid: {field}: {exc.detail}"
        ) from None
    return Imported(source, mapped, text, scenario, usage.path)


def _name_from(path: Path) -> str:
    stem = path.name if path.is_dir() else path.stem
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._")
    return name[:100] or "terraform"


def _document(
    source: TerraformInput,
    mapped: Mapped,
    usage: UsageFile,
    name: str,
    region: str,
    day: dt.date,
    as_of: dt.date | None,
) -> dict[str, Any]:
    extra = dict(usage.scenario)
    document: dict[str, Any] = {
        "name": name,
        "description": extra.pop(
            "description", f"imported from Terraform ({source.kind} {source.path.name})"
        ),
        "source": extra.pop("source", f"terraform {source.kind} {source.path}"),
        "region": region,
        "as_of": day,
    }
    for section in SECTION_ORDER:
        if section in mapped.document:
            document[section] = mapped.document[section]
    eks_extra = extra.pop("eks", None)
    if eks_extra:
        if "eks" not in document:
            raise TerraformError(
                f"{usage.path}: scenario.eks: {source.path} has no aws_eks_cluster to add it to"
            )
        document["eks"] = {**document["eks"], **eks_extra}
    document.update(extra)
    return document


def _header(
    source: TerraformInput,
    mapped: Mapped,
    usage: UsageFile,
    day: dt.date,
    as_of: dt.date | None,
) -> list[str]:
    version = f", terraform {source.terraform_version}" if source.terraform_version else ""
    lines = [
        f"Imported by `planner import terraform` from {source.path} ({source.kind}{version}).",
        "Every field read from Terraform names its address: `source:` on each resource, "
        "`basis: terraform` with the address on quantities, the attribute in a comment.",
        f"Usage: {usage.path or 'no usage file'}; a quantity it does not give is an "
        "assumption of 0 that says so (planner price --usage replaces it with measured usage).",
    ]
    for what, items in (
        ("Not supported, not priced", mapped.unsupported),
        ("No charge of their own", mapped.no_charge),
        ("Usage not given", mapped.notes.usage_missing),
        ("Known only after apply, not needed to price", mapped.notes.after_apply),
    ):
        if items:
            lines.append(f"{what} ({len(items)}): {', '.join(items)}")
    lines.extend(source.notes)
    return lines
