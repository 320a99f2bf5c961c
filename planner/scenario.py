"""Load scenario YAML into a validated :class:`~planner.topology.Topology`.

A scenario may ``extends: other.yaml`` (a path relative to itself) and override fields:
mappings merge key by key, lists of named items merge by ``name`` (an item with
``remove: true`` drops that name), an empty list clears the base's list, and any other value
replaces the base's.

Every problem becomes one :class:`~planner.errors.ScenarioError` naming the file, the line,
the field path and the value, and what would be valid.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from planner import catalog_names
from planner.errors import ScenarioError
from planner.topology import Topology

PathKey = tuple[str, ...]
MAX_EXTENDS_DEPTH = 10


@dataclass(frozen=True)
class Scenario:
    """A validated topology and the files it came from (base first)."""

    topology: Topology
    path: Path
    chain: tuple[Path, ...]

    @property
    def name(self) -> str:
        return self.topology.name


@dataclass
class _Source:
    """Where each value of the merged document was written: path key -> (file, line)."""

    lines: dict[PathKey, tuple[Path, int]] = field(default_factory=dict)

    def locate(self, key: PathKey) -> tuple[Path, int] | None:
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return None


def bundled_scenarios_dir() -> Path:
    """The bundled scenarios: the repository's ``scenarios/``, or the copy in the wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "scenarios", here / "_scenarios"):
        if (candidate / "staging.yaml").is_file():
            return candidate
    raise ScenarioError(str(here), "", "the bundled scenarios are missing from this install")


def resolve_scenario_path(name_or_path: str | Path | None) -> Path:
    """A path as given, or a bundled scenario's name (``staging``, ``whatif/staging-graviton``)."""
    if name_or_path is None:
        return bundled_scenarios_dir() / "staging.yaml"
    path = Path(name_or_path)
    if path.exists() or path.suffix in (".yaml", ".yml") or len(path.parts) > 2:
        return path
    bundled = bundled_scenarios_dir() / f"{name_or_path}.yaml"
    return bundled if bundled.is_file() else path


def load_scenario(name_or_path: str | Path | None = None) -> Scenario:
    path = resolve_scenario_path(name_or_path)
    source = _Source()
    chain: list[Path] = []
    document = _load_with_extends(path, source, chain, depth=0)
    document.pop("extends", None)
    try:
        topology = Topology.model_validate(document)
    except ValidationError as exc:
        raise _first_error(exc, document, source, path) from None
    _check_names(topology, document, source, path)
    return Scenario(topology=topology, path=path, chain=tuple(chain))


_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> tuple[dict[str, Any], dict[PathKey, int]]:
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(where, "", "file not found") from None
    except IsADirectoryError:
        raise ScenarioError(where, "", "is a directory, not a scenario file") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ScenarioError(where, "", f"cannot read file: {reason}") from None
    try:
        # parsed once (libyaml's C parser when present), the values built from the same nodes
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.constructor.SafeConstructor().construct_document(node) if node else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"line {mark.line + 1}" if mark else ""
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise ScenarioError(where, line, f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(where, "", f"YAML error: {exc}") from None
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise ScenarioError(where, "", f"the document is {kind}; expected a mapping of fields")
    lines: dict[PathKey, int] = {}
    if node is not None:
        _index_lines(node, (), lines)
    return data, lines


def _index_lines(node: yaml.Node, key: PathKey, lines: dict[PathKey, int]) -> None:
    lines[key] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            name = str(k.value)
            lines[(*key, name)] = k.start_mark.line + 1
            _index_lines(v, (*key, name), lines)
            lines[(*key, name)] = k.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index_lines(item, (*key, _item_key(item, i)), lines)


def _item_key(item: Any, index: int) -> str:
    """A list item's key: ``[name]`` for named items, else ``[index]``."""
    if isinstance(item, yaml.MappingNode):
        for k, v in item.value:
            if k.value == "name" and isinstance(v, yaml.ScalarNode):
                return f"[{v.value}]"
    elif isinstance(item, dict) and isinstance(item.get("name"), str | int):
        return f"[{item['name']}]"
    return f"[{index}]"


def _load_with_extends(
    path: Path, source: _Source, chain: list[Path], depth: int
) -> dict[str, Any]:
    if depth > MAX_EXTENDS_DEPTH:
        raise ScenarioError(str(path), "extends", f"more than {MAX_EXTENDS_DEPTH} levels deep")
    resolved = path.resolve()
    if resolved in [p.resolve() for p in chain]:
        raise ScenarioError(str(path), "extends", "extends itself through a cycle")
    data, lines = _read_yaml(path)
    base_ref = data.get("extends")
    merged: dict[str, Any]
    if base_ref is None:
        merged = {}
    else:
        if not isinstance(base_ref, str) or not base_ref.strip():
            raise ScenarioError(
                str(path),
                _at(lines, ("extends",)) + "extends",
                f"{base_ref!r} is not a path; expected a scenario file relative to this one",
            )
        base_path = (path.parent / base_ref).resolve()
        if not base_path.is_file():
            raise ScenarioError(
                str(path),
                _at(lines, ("extends",)) + "extends",
                f"{base_ref!r}: base scenario not found at {base_path}",
            )
        merged = _load_with_extends(base_path, source, chain, depth + 1)
    chain.append(path)
    for key, line in lines.items():
        source.lines[key] = (path, line)
    result: dict[str, Any] = _merge(merged, data, str(path), ())
    return result


def _merge(base: Any, over: Any, where: str, key: PathKey) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = _merge(base[k], v, where, (*key, str(k))) if k in base else v
        return out
    if isinstance(base, list) and isinstance(over, list) and over and _named(base) and _named(over):
        out_list = [dict(item) for item in base]
        index = {item["name"]: i for i, item in enumerate(out_list)}
        for item in over:
            name = item["name"]
            if item.get("remove") is True:
                if name not in index:
                    raise ScenarioError(
                        where, ".".join(key) + f"[{name}]", "remove names no item of the base"
                    )
                out_list[index[name]] = {}
                continue
            if name in index:
                out_list[index[name]] = _merge(out_list[index[name]], item, where, key)
            else:
                index[name] = len(out_list)
                out_list.append(item)
        return [item for item in out_list if item]
    return over


def _named(items: list[Any]) -> bool:
    return all(isinstance(i, dict) and "name" in i for i in items)


def _at(lines: dict[PathKey, int], key: PathKey) -> str:
    line = lines.get(key)
    return f"line {line}: " if line else ""


def _render(loc: tuple[int | str, ...], document: Any) -> tuple[PathKey, str]:
    """Turn a pydantic location into a path key and a readable ``a.b[name].c``."""
    key: list[str] = []
    text = ""
    node = document
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            label = _item_key(item, part)
            key.append(label)
            text += label
            node = item
        else:
            # pydantic names union/validator branches (e.g. "function-after"); skip them
            branch = part.startswith(("function-", "constrained-")) or "[" in part
            if isinstance(node, dict) and part not in node and key and branch:
                continue
            key.append(part)
            text += ("." if text else "") + part
            node = node.get(part) if isinstance(node, dict) else None
    return tuple(key), text


def _first_error(
    exc: ValidationError, document: dict[str, Any], source: _Source, path: Path
) -> ScenarioError:
    errors = exc.errors(include_url=False)
    # A misspelt key shows up twice: as an unknown field and as the required field it was
    # meant to be. The unknown field (with its "did you mean") is the one to report.
    error = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p in _BRANCHES))
    key, field_text = _render(loc, document)
    value = error.get("input")
    kind = error["type"]
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
        valid = sorted(parent.model_fields) if parent is not None else []
        guess = difflib.get_close_matches(str(loc[-1]), valid, n=1)
        hint = f"; did you mean {guess[0]!r}?" if guess else ""
        message = f"unknown field {loc[-1]!r}{hint} Valid fields: {', '.join(valid)}"
    elif kind == "missing":
        message = "required field is missing"
    else:
        shown = _show(value)
        if shown is not None and kind != "assertion_error":
            message = f"{message} (got {shown})"
    where = source.locate(key)
    file_name, line = (str(where[0]), f"line {where[1]}: ") if where else (str(path), "")
    return ScenarioError(file_name, line + (field_text or "(top level)"), message)


_BRANCHES = {"function-after", "function-before", "function-wrap", "tagged-union"}


def _show(value: Any) -> str | None:
    if isinstance(value, dict | list):
        return None
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _model_at(loc: tuple[int | str, ...]) -> type[Any] | None:
    """The pydantic model class found by following ``loc`` from :class:`Topology`."""
    import typing

    from pydantic import BaseModel

    current: Any = Topology
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _unwrap(info.annotation, typing)
    return current if isinstance(current, type) else None


def _unwrap(annotation: Any, typing: Any) -> Any:
    from pydantic import BaseModel

    for arg in (annotation, *typing.get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        for inner in typing.get_args(arg):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return annotation


def _check_names(topology: Topology, document: dict[str, Any], source: _Source, path: Path) -> None:
    """Region, instance types and EKS version exist; named with file, line and field."""

    def fail(loc: tuple[int | str, ...], message: str) -> ScenarioError:
        key, text = _render(loc, document)
        where = source.locate(key)
        file_name, line = (str(where[0]), f"line {where[1]}: ") if where else (str(path), "")
        return ScenarioError(file_name, line + text, message)

    problem = catalog_names.check_region(topology.region)
    if problem:
        raise fail(("region",), problem)
    if topology.eks is not None:
        problem = catalog_names.check_eks_version(topology.eks, topology.as_of)
        if problem:
            raise fail(("eks", "kubernetes_version"), problem)
        for i, group in enumerate(topology.eks.node_groups):
            problem = catalog_names.check_name("ec2", group.instance_type)
            if problem:
                raise fail(("eks", "node_groups", i, "instance_type"), problem)
    for i, db in enumerate(topology.rds):
        problem = catalog_names.check_name("rds", db.instance_class)
        if problem:
            raise fail(("rds", i, "instance_class"), problem)
    for i, cache in enumerate(topology.elasticache):
        problem = catalog_names.check_name("elasticache", cache.node_type)
        if problem:
            raise fail(("elasticache", i, "node_type"), problem)
    for i, cluster in enumerate(topology.msk):
        problem = catalog_names.check_name("msk", cluster.broker_type)
        if problem:
            raise fail(("msk", i, "broker_type"), problem)
