"""Read the JSON of ``terraform show -json PLANFILE`` (or of a state: ``terraform show -json``).

The format is HashiCorp's "JSON Output Format" (format_version 0.x and 1.x): the planned
values (``planned_values.root_module``, its ``resources`` and ``child_modules``), what changes
(``resource_changes[].change.actions``, ``after_unknown`` for values known only after
apply), and the configuration (``configuration.root_module``: expressions and the resources
they refer to, ``provider_config`` for the region). A resource being destroyed is not in the
planned values, so it is not in the scenario.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.terraform.resources import (
    AWS_PROVIDER,
    Resource,
    TerraformError,
    flatten,
    read_text,
    strip_indexes,
)

MAX_PLAN_BYTES = 512 * 1024 * 1024  # a plan of tens of thousands of resources stays far below
PLAN_HINT = "expected the output of `terraform show -json PLANFILE`"
KNOWN_AFTER_APPLY = "known only after apply"
_NOT_RESOURCE_TYPES = {"var", "local", "module", "data", "each", "count", "path", "terraform"}


@dataclass(frozen=True)
class TerraformInput:
    """What one plan or ``.tf`` folder describes, before it is mapped to a scenario."""

    path: Path
    kind: str  # "plan", "state" or "hcl"
    resources: tuple[Resource, ...]
    region: str | None
    region_from: str
    date: dt.date | None = None
    terraform_version: str = ""
    data_sources: int = 0
    notes: tuple[str, ...] = ()


def read_plan(path: Path) -> TerraformInput:
    """The resources a plan creates or keeps, with unknown values and references named."""
    doc = _load_json(path)
    where = str(path)
    version = str(doc.get("format_version", ""))
    major = version.split(".", 1)[0]
    if major not in ("0", "1"):
        raise TerraformError(
            f"{where}: format_version {version!r} is not one this planner reads (0.x or 1.x); "
            + PLAN_HINT
        )
    if isinstance(doc.get("planned_values"), dict):
        kind, root = "plan", doc["planned_values"].get("root_module") or {}
    elif isinstance(doc.get("values"), dict):
        kind, root = "state", doc["values"].get("root_module") or {}
    else:
        raise TerraformError(
            f"{where}: format_version {version} but neither planned_values nor values; " + PLAN_HINT
        )
    changes = {
        rc.get("address"): rc
        for rc in _list(doc.get("resource_changes"), where, "resource_changes")
        if isinstance(rc, dict)
    }
    config = _config_expressions(doc.get("configuration") or {})
    found: list[Resource] = []
    data_sources = 0
    for module, raw in _walk(root, "", where):
        if raw.get("mode", "managed") != "managed":
            data_sources += 1
            continue
        found.append(_resource(module, raw, changes.get(raw.get("address")), where))
    resources = tuple(_with_refs(r, config, found) for r in found)
    region, region_from = _region(doc)
    return TerraformInput(
        path=path,
        kind=kind,
        resources=resources,
        region=region,
        region_from=region_from,
        date=_date(doc.get("timestamp")),
        terraform_version=str(doc.get("terraform_version", "")),
        data_sources=data_sources,
    )


def _load_json(path: Path) -> dict[str, Any]:
    where = str(path)
    text = read_text(path, MAX_PLAN_BYTES, PLAN_HINT)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        # the text ran out: at its end, or inside a string that never closes
        ended = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        why = "the file ends early (truncated?)" if ended else exc.msg
        raise TerraformError(
            f"{where}: not valid JSON at line {exc.lineno}, column {exc.colno}: {why}; " + PLAN_HINT
        ) from None
    except RecursionError:
        raise TerraformError(f"{where}: JSON nested too deeply to read; {PLAN_HINT}") from None
    if not isinstance(doc, dict) or "format_version" not in doc:
        raise TerraformError(f"{where}: JSON without a format_version; {PLAN_HINT}")
    return doc


def _list(value: Any, where: str, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise TerraformError(f"{where}: {field} is a {type(value).__name__}, not a list")
    return value


def _walk(module: dict[str, Any], address: str, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for raw in _list(module.get("resources"), where, f"{address or 'root_module'}.resources"):
        if not isinstance(raw, dict) or "address" not in raw or "type" not in raw:
            raise TerraformError(
                f"{where}: a resource in {address or 'root_module'} has no address or type"
            )
        yield address, raw
    for child in _list(module.get("child_modules"), where, "child_modules"):
        if isinstance(child, dict):
            yield from _walk(child, str(child.get("address", "")), where)


def _resource(
    module: str, raw: dict[str, Any], change: dict[str, Any] | None, where: str
) -> Resource:
    values = raw.get("values")
    if not isinstance(values, dict):
        values = {}
    unknown: dict[str, str] = {}
    action = ""
    if change is not None:
        body = change.get("change") or {}
        actions = [str(a) for a in body.get("actions") or []]
        action = "replace" if sorted(actions) == ["create", "delete"] else "+".join(actions)
        after_unknown = body.get("after_unknown")
        if after_unknown is True:
            unknown[""] = KNOWN_AFTER_APPLY
        for key, flag in flatten(after_unknown or {}).items():
            if flag is True:
                unknown[key] = KNOWN_AFTER_APPLY
    return Resource(
        address=str(raw["address"]),
        type=str(raw["type"]),
        name=str(raw.get("name", "")),
        module=module,
        index=raw.get("index"),
        provider=str(raw.get("provider_name", AWS_PROVIDER)),
        values=values,
        unknown=unknown,
        action=action,
    )


def _config_expressions(configuration: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(module path without indexes, ``type.name``) -> the resource's expressions."""
    out: dict[tuple[str, str], dict[str, Any]] = {}

    def walk(module: dict[str, Any], path: str) -> None:
        for res in module.get("resources") or []:
            if isinstance(res, dict) and res.get("mode", "managed") == "managed":
                key = f"{res.get('type')}.{res.get('name')}"
                out[(path, key)] = res.get("expressions") or {}
        for name, call in (module.get("module_calls") or {}).items():
            if isinstance(call, dict) and isinstance(call.get("module"), dict):
                walk(call["module"], f"{path}.module.{name}" if path else f"module.{name}")

    walk(configuration.get("root_module") or {}, "")
    return out


def expression_refs(expressions: Any, prefix: str = "") -> dict[str, list[str]]:
    """Attribute path -> the references of its expression (nested blocks followed)."""
    out: dict[str, list[str]] = {}
    if isinstance(expressions, dict):
        if isinstance(expressions.get("references"), list) and prefix:
            out[prefix] = [str(r) for r in expressions["references"]]
            return out
        for key, value in expressions.items():
            if key == "constant_value":
                continue
            out.update(expression_refs(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(expressions, list):
        for i, value in enumerate(expressions):
            out.update(expression_refs(value, f"{prefix}.{i}" if prefix else str(i)))
    return out


def resource_ref(reference: str) -> str | None:
    """``aws_launch_template.general.id`` -> ``aws_launch_template.general`` (None: not one)."""
    parts = reference.split(".")
    if len(parts) < 2 or parts[0] in _NOT_RESOURCE_TYPES or "_" not in parts[0]:
        return None
    return f"{parts[0]}.{parts[1].split('[', 1)[0]}"


def resolve_refs(resource: Resource, refs: dict[str, list[str]], pool: list[Resource]) -> Resource:
    """The resource with each reference resolved to the instances it names (same module)."""
    resolved: dict[str, tuple[str, ...]] = {}
    for path, references in refs.items():
        targets: list[str] = []
        for reference in references:
            key = resource_ref(reference)
            if key is None:
                continue
            rtype, name = key.split(".", 1)
            same = [
                r
                for r in pool
                if r.module == resource.module and r.type == rtype and r.name == name
            ]
            if len(same) > 1:
                same = [r for r in same if r.index == resource.index] or same
            targets.extend(r.address for r in same)
        if targets:
            resolved[path] = tuple(dict.fromkeys(targets))
    if not resolved:
        return resource
    from dataclasses import replace

    return replace(resource, refs={**resource.refs, **resolved})


def _with_refs(
    resource: Resource, config: dict[tuple[str, str], dict[str, Any]], pool: list[Resource]
) -> Resource:
    expressions = config.get((strip_indexes(resource.module), f"{resource.type}.{resource.name}"))
    if not expressions:
        return resource
    return resolve_refs(resource, expression_refs(expressions), pool)


def _region(doc: dict[str, Any]) -> tuple[str | None, str]:
    providers = (doc.get("configuration") or {}).get("provider_config") or {}
    for key in sorted(providers, key=lambda k: (":" in k, k)):  # the root module's first
        config = providers[key]
        if not isinstance(config, dict) or config.get("name") != "aws" or config.get("alias"):
            continue
        region = (config.get("expressions") or {}).get("region") or {}
        if isinstance(region.get("constant_value"), str):
            return region["constant_value"], f"provider {key} region"
        for reference in region.get("references") or []:
            if str(reference).startswith("var."):
                name = str(reference)[4:]
                value = ((doc.get("variables") or {}).get(name) or {}).get("value")
                if isinstance(value, str):
                    return value, f"provider {key} region = {reference}"
    return None, ""


def _date(timestamp: Any) -> dt.date | None:
    if not isinstance(timestamp, str):
        return None
    try:
        return dt.datetime.fromisoformat(timestamp.replace("Z", "+00:00")).date()
    except ValueError:
        return None
