"""Read a folder of ``.tf`` files (python-hcl2) when no plan can be run.

Literal values are resolved: variables (their ``default``, then ``terraform.tfvars`` and
``*.auto.tfvars``, then a module call's arguments), locals, ``count`` / ``for_each`` over
literal lists and maps, string templates over those, and ``toset``/``tolist``. Anything else
(a data source, a resource attribute, a function, arithmetic) is left unknown with the
expression named: the mapping then says which value it needed and why. References between
resources (a node group's launch template) are kept, as in a plan's configuration.
Local modules (``source = "./modules/eks"``) are read; a registry module is read from its
``terraform init`` copy (``.terraform/modules/modules.json``) when there is one, else named.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from planner.terraform.plan import TerraformInput, resolve_refs
from planner.terraform.resources import (
    Resource,
    TerraformError,
    instance_address,
    read_text,
)

MAX_TF_BYTES = 20 * 1024 * 1024
MAX_MODULE_DEPTH = 10
_REF = re.compile(r"[A-Za-z_][\w-]*(?:\.[\w-]+|\[[^\[\]]+\])*")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_CALL = re.compile(r"(toset|tolist|tostring|tonumber)\((.*)\)", re.S)


@dataclass(frozen=True)
class Unknown:
    """A value the planner cannot resolve without running Terraform, and why."""

    why: str
    refs: tuple[str, ...] = ()


@dataclass
class _Scope:
    """What expressions in one module instance can see."""

    variables: dict[str, Any]
    locals_raw: dict[str, Any]
    where: str
    locals_done: dict[str, Any] = field(default_factory=dict)
    each: tuple[Any, Any] | None = None
    count_index: int | None = None
    resolving: set[str] = field(default_factory=set)


def read_hcl(folder: Path, priced_types: frozenset[str] = frozenset()) -> TerraformInput:
    """The resources of ``folder`` and its modules; ``priced_types`` are the resource types
    whose instances must be counted (a count the planner cannot resolve is an error for them,
    a note for any other type)."""
    notes: list[str] = []
    resources: list[Resource] = []
    data_sources = 0
    region: str | None = None
    region_from = ""
    modules_json = _modules_json(folder)

    def read_module(path: Path, address: str, inputs: dict[str, Any], key: str, depth: int) -> None:
        nonlocal data_sources, region, region_from
        blocks = _parse_folder(path)
        variables = _variables(blocks, path, inputs if address else None)
        scope = _Scope(variables, _locals(blocks), str(path))
        if not address:
            for provider in blocks.get("provider", []):
                for name, body in provider.items():
                    if name == "aws" and isinstance(body, dict) and "alias" not in body:
                        value = evaluate(body.get("region"), scope)
                        if isinstance(value, str):
                            region, region_from = value, "provider aws region"
        data_sources += sum(len(v) for block in blocks.get("data", []) for v in block.values())
        pending: list[Resource] = []
        for rtype, name, body in _resources(blocks.get("resource", [])):
            try:
                pending.extend(_instances(rtype, name, body, address, scope))
            except TerraformError as exc:
                if rtype in priced_types:
                    raise
                notes.append(f"not counted: {str(exc).removeprefix(f'{path}: ')}")
        resources.extend(resolve_refs(r, _refs_of(r), pending) for r in pending)
        for name, body in _named(blocks.get("module", [])):
            child_address = f"{address}.module.{name}" if address else f"module.{name}"
            child_key = f"{key}.{name}" if key else name
            if "count" in body or "for_each" in body:
                notes.append(
                    f"{child_address}: count/for_each on a module is not read; its resources "
                    "are not counted (import a plan instead)"
                )
                continue
            source = evaluate(body.get("source"), scope)
            child = _module_dir(path, source, child_key, folder, modules_json)
            if child is None:
                notes.append(
                    f"{child_address}: source {source!r} is not a local folder and has no "
                    "`terraform init` copy (.terraform/modules); its resources are not read"
                )
                continue
            if depth >= MAX_MODULE_DEPTH:
                raise TerraformError(f"{path}: modules nest more than {MAX_MODULE_DEPTH} deep")
            args = {
                k: evaluate(v, scope)
                for k, v in body.items()
                if k not in ("source", "version", "providers", "depends_on", "__is_block__")
            }
            read_module(child, child_address, args, child_key, depth + 1)

    read_module(folder, "", {}, "", 0)
    return TerraformInput(
        path=folder,
        kind="hcl",
        resources=tuple(resources),
        region=region,
        region_from=region_from,
        data_sources=data_sources,
        notes=tuple(notes),
    )


def _parse_folder(path: Path) -> dict[str, list[Any]]:
    files = sorted(path.glob("*.tf"))
    if not files:
        raise TerraformError(f"{path}: no .tf files; give a plan JSON or a Terraform folder")
    merged: dict[str, list[Any]] = {}
    for file in files:
        for kind, blocks in _parse_file(file).items():
            merged.setdefault(kind, []).extend(blocks if isinstance(blocks, list) else [blocks])
    return merged


def _parse_file(file: Path) -> dict[str, Any]:
    import hcl2
    from hcl2 import SerializationOptions
    from lark.exceptions import LarkError

    text = read_text(file, MAX_TF_BYTES)
    options = SerializationOptions(with_comments=False, strip_string_quotes=True)
    try:
        parsed = hcl2.loads(text, serialization_options=options)
    except LarkError as exc:
        line, column = getattr(exc, "line", None), getattr(exc, "column", None)
        at = f"line {line}, column {column}" if line else "an unknown place"
        token = getattr(exc, "token", None)
        if token is not None:
            shown = str(token).split("\n", 1)[0].strip()
            what = f"unexpected {shown[:40]!r}" if shown else "unexpected end of line"
        else:
            what = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]
        raise TerraformError(f"{file}: HCL syntax error at {at}: {what}") from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise TerraformError(f"{file}: cannot read as HCL: {str(exc)[:160]}") from None
    return dict(parsed)


def _named(blocks: list[Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """``module "x" {...}``, ``variable "x" {...}`` -> (x, body)."""
    for block in blocks:
        if isinstance(block, dict):
            for label, body in block.items():
                if label != "__is_block__" and isinstance(body, dict):
                    yield str(label), body


def _resources(blocks: list[Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``resource "type" "name" {...}`` -> (type, name, body)."""
    for rtype, inner in _named(blocks):
        for name, body in _named([inner]):
            yield rtype, name, body


def _variables(
    blocks: dict[str, list[Any]], path: Path, inputs: dict[str, Any] | None
) -> dict[str, Any]:
    variables: dict[str, Any] = {}
    for name, body in _named(blocks.get("variable", [])):
        variables[str(name)] = (
            body.get("default") if "default" in body else Unknown(f"var.{name} has no default")
        )
    if inputs is None:  # the root module: tfvars files
        for tfvars in [path / "terraform.tfvars", *sorted(path.glob("*.auto.tfvars"))]:
            if tfvars.is_file():
                for key, value in _parse_file(tfvars).items():
                    variables[key] = value
    else:
        variables.update(inputs)
    return variables


def _locals(blocks: dict[str, list[Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for block in blocks.get("locals", []):
        if isinstance(block, dict):
            out.update({k: v for k, v in block.items() if k != "__is_block__"})
    return out


def _instances(
    rtype: str, name: str, body: dict[str, Any], module: str, scope: _Scope
) -> list[Resource]:
    if "count" in body:
        count = evaluate(body["count"], scope)
        if isinstance(count, Unknown) or not isinstance(count, int) or isinstance(count, bool):
            why = count.why if isinstance(count, Unknown) else f"{count!r} is not a whole number"
            raise TerraformError(
                f"{scope.where}: {instance_address(module, rtype, name, None)}: count: {why}; "
                "the planner needs a literal count (or import a plan)"
            )
        return [
            _resource(rtype, name, body, module, replace(scope, count_index=i), i)
            for i in range(count)
        ]
    if "for_each" in body:
        each = evaluate(body["for_each"], scope)
        if isinstance(each, list):
            each = {str(v): v for v in each}
        if not isinstance(each, dict):
            why = each.why if isinstance(each, Unknown) else f"{each!r} is not a map or set"
            raise TerraformError(
                f"{scope.where}: {instance_address(module, rtype, name, None)}: for_each: {why}; "
                "the planner needs literal keys (or import a plan)"
            )
        return [
            _resource(rtype, name, body, module, replace(scope, each=(k, v)), str(k))
            for k, v in each.items()
        ]
    return [_resource(rtype, name, body, module, scope, None)]


def _resource(
    rtype: str,
    name: str,
    body: dict[str, Any],
    module: str,
    scope: _Scope,
    index: int | str | None,
) -> Resource:
    unknown: dict[str, str] = {}
    refs: dict[str, tuple[str, ...]] = {}

    def walk(value: Any, path: str) -> Any:
        if isinstance(value, dict):
            return {
                k: walk(v, f"{path}.{k}" if path else k)
                for k, v in value.items()
                if k not in ("__is_block__", "dynamic", "lifecycle", "count", "for_each")
            }
        if isinstance(value, list):
            return [walk(v, f"{path}.{i}") for i, v in enumerate(value)]
        result = evaluate(value, scope)
        if isinstance(result, Unknown):
            unknown[path] = result.why
            if result.refs:
                refs[path] = result.refs
            return None
        return result

    values = walk(body, "")
    return Resource(
        address=instance_address(module, rtype, name, index),
        type=rtype,
        name=name,
        module=module,
        index=index,
        values=values,
        unknown=unknown,
        refs=refs,
    )


def _refs_of(resource: Resource) -> dict[str, list[str]]:
    return {path: list(targets) for path, targets in resource.refs.items()}


def evaluate(value: Any, scope: _Scope) -> Any:
    """A literal, or a string template / ``${expr}`` resolved as far as literals go."""
    if isinstance(value, list):
        items = [evaluate(v, scope) for v in value]
        bad = next((i for i in items if isinstance(i, Unknown)), None)
        return bad if bad is not None else items
    if isinstance(value, dict):
        out = {k: evaluate(v, scope) for k, v in value.items() if k != "__is_block__"}
        bad = next((v for v in out.values() if isinstance(v, Unknown)), None)
        return bad if bad is not None else out
    if not isinstance(value, str) or "${" not in value:
        return value
    whole = re.fullmatch(r"\$\{(.*)\}", value, re.S)
    if whole and "${" not in whole.group(1):
        return _expression(whole.group(1).strip(), scope)
    parts: list[str] = []
    pos = 0
    for match in re.finditer(r"\$\{([^{}]*)\}", value):
        parts.append(value[pos : match.start()])
        result = _expression(match.group(1).strip(), scope)
        if isinstance(result, Unknown):
            return result
        if isinstance(result, dict | list):
            return Unknown(f"`{match.group(1).strip()}` is not text, in template {value!r}")
        parts.append(_text(result))
        pos = match.end()
    parts.append(value[pos:])
    joined = "".join(parts)
    return joined if "${" not in joined else Unknown(f"template {value!r} is not literal")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _expression(expr: str, scope: _Scope) -> Any:
    if expr in ("true", "false"):
        return expr == "true"
    if expr == "null":
        return None
    if _NUMBER.fullmatch(expr):
        return float(expr) if "." in expr else int(expr)
    if expr.startswith('"') and expr.endswith('"'):
        try:
            return json.loads(expr)
        except ValueError:
            return Unknown(f"`{expr}` is not a literal")
    if expr.startswith("[") and expr.endswith("]"):
        items = [_expression(p, scope) for p in _split_top(expr[1:-1])]
        bad = next((i for i in items if isinstance(i, Unknown)), None)
        return bad if bad is not None else items
    call = _CALL.fullmatch(expr)
    if call:
        inner = _expression(call.group(2).strip(), scope)
        if isinstance(inner, Unknown):
            return inner
        if call.group(1) == "toset" and isinstance(inner, list):
            return list(dict.fromkeys(inner))
        return inner
    if _REF.fullmatch(expr):
        return _reference(expr, scope)
    return Unknown(
        f"`{expr}` is not a literal (the planner resolves literal variables and locals only)"
    )


def _split_top(text: str) -> list[str]:
    parts, depth, current, quoted = [], 0, "", False
    for char in text:
        if char == '"':
            quoted = not quoted
        if not quoted and char in "[({":
            depth += 1
        elif not quoted and char in "])}":
            depth -= 1
        if char == "," and depth == 0 and not quoted:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current.strip())
    return parts


def _reference(expr: str, scope: _Scope) -> Any:
    steps = re.findall(r"[A-Za-z_][\w-]*|\[[^\[\]]+\]", expr)
    head = steps[0]
    rest = steps[1:]
    if head == "var" and rest:
        name = rest[0]
        if name not in scope.variables:
            return Unknown(f"var.{name} is not declared")
        return _index(scope.variables[name], rest[1:], expr)
    if head == "local" and rest:
        return _index(_local(rest[0], scope), rest[1:], expr)
    if head == "each" and rest and scope.each is not None:
        value = scope.each[0] if rest[0] == "key" else scope.each[1]
        return _index(value, rest[1:], expr)
    if head == "count" and rest == ["index"] and scope.count_index is not None:
        return scope.count_index
    if head == "module":
        return Unknown(f"`{expr}` is a module output, known only when Terraform runs")
    if head == "data":
        return Unknown(f"`{expr}` is read from a data source when Terraform runs")
    if "_" in head and rest:
        return Unknown(f"`{expr}` is known only after apply", (expr,))
    return Unknown(f"`{expr}` is not a literal")


def _local(name: str, scope: _Scope) -> Any:
    if name in scope.locals_done:
        return scope.locals_done[name]
    if name not in scope.locals_raw:
        return Unknown(f"local.{name} is not defined")
    if name in scope.resolving:
        return Unknown(f"local.{name} refers to itself")
    scope.resolving.add(name)
    value = evaluate(scope.locals_raw[name], scope)
    scope.resolving.discard(name)
    scope.locals_done[name] = value
    return value


def _index(value: Any, steps: list[str], expr: str) -> Any:
    for step in steps:
        if isinstance(value, Unknown):
            return value
        key: Any = step[1:-1].strip('"') if step.startswith("[") else step
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and str(key).isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return Unknown(f"`{expr}` names nothing in a literal value")
    return value


def _modules_json(folder: Path) -> dict[str, str]:
    index = folder / ".terraform" / "modules" / "modules.json"
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {
        str(m.get("Key")): str(m.get("Dir"))
        for m in data.get("Modules", [])
        if isinstance(m, dict) and m.get("Key")
    }


def _module_dir(
    parent: Path, source: Any, key: str, root: Path, modules_json: dict[str, str]
) -> Path | None:
    if isinstance(source, str) and source.startswith(("./", "../")):
        local = (parent / source).resolve()
        return local if local.is_dir() else None
    if key in modules_json:
        copy = (root / modules_json[key]).resolve()
        return copy if copy.is_dir() else None
    return None
