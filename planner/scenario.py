"""Load scenario YAML into a validated :class:`~planner.topology.Topology`.

A scenario may ``extends: other.yaml`` (a path relative to itself) or ``extends: staging`` (a
bundled scenario's name, from anywhere) and override fields:
mappings merge key by key, lists of named items merge by ``name`` (an item with
``remove: true`` drops that name), an empty list clears the base's list, and any other value
replaces the base's.

Every problem becomes one :class:`~planner.errors.ScenarioError` naming the file, the line,
the field path and the value, and what would be valid.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from planner import catalog_names
from planner.errors import ScenarioError
from planner.safe_yaml import MAX_TEXT_CHARS, YamlProblem, item_key, load_documents
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
    if bundled.is_file():
        return bundled
    raise ScenarioError(
        str(name_or_path),
        "",
        "no such file and no bundled scenario of that name; bundled: "
        + ", ".join(bundled_scenario_names()),
    )


def bundled_scenario_names() -> list[str]:
    """Names that ``load_scenario`` accepts for the bundled scenarios and what-ifs."""
    root = bundled_scenarios_dir()
    return sorted(
        p.relative_to(root).with_suffix("").as_posix()
        for pattern in ("*.yaml", "whatif/*.yaml")
        for p in root.glob(pattern)
    )


def load_scenario(
    name_or_path: str | Path | None = None, *, allow_paths: Sequence[str | Path] = ()
) -> Scenario:
    """Load, merge ``extends:`` overlays and validate a scenario.

    ``extends:`` and ``workloads_from:`` may name files only inside the scenario's own
    folder tree, the bundled scenarios, or a folder in ``allow_paths`` (``--allow-path``).
    """
    path = resolve_scenario_path(name_or_path)
    roots = _roots(path, allow_paths)
    source = _Source()
    chain: list[Path] = []
    document = _load_with_extends(path, source, chain, (), roots)
    return _validated(document, source, path, tuple(chain), roots)


def _validated(
    document: dict[str, Any],
    source: _Source,
    path: Path,
    chain: tuple[Path, ...],
    roots: Sequence[Path],
) -> Scenario:
    document.pop("extends", None)
    _attach_rate_card(document, source, path, roots)
    try:
        topology = Topology.model_validate(document)
    except ValidationError as exc:
        raise _first_error(exc, document, source, path) from None
    _check_names(topology, document, source, path)
    _check_workloads_from(topology, source, path, roots)
    return Scenario(topology=topology, path=path, chain=chain)


def load_text(text: str, path: Path, *, allow_paths: Sequence[str | Path] = ()) -> Scenario:
    """A scenario given as YAML text, validated as if it were saved at ``path`` (nothing is
    read or written there): what :func:`load_scenario` returns for the same file. A generated
    scenario (``planner import terraform``) is loaded this way before it is written."""
    roots = _roots(path, allow_paths)
    data, lines = _parse_yaml(text, str(path))
    if "extends" in data:
        raise ScenarioError(str(path), "extends", "a scenario given as text cannot extend one")
    source = _Source({key: (path, line) for key, line in lines.items()})
    return _validated(data, source, path, (path,), roots)


def load_stacked(
    name_or_path: str | Path | None,
    overlays: Sequence[str | Path],
    *,
    allow_paths: Sequence[str | Path] = (),
) -> Scenario:
    """The scenario, then each overlay merged over it in the order given.

    An overlay's own ``extends:`` is ignored: it applies to what stands before it in the list
    (``planner commitments staging a.yaml b.yaml``).
    """
    if not overlays:
        return load_scenario(name_or_path, allow_paths=allow_paths)
    path = resolve_scenario_path(name_or_path)
    roots = _roots(path, allow_paths)
    source = _Source()
    chain: list[Path] = []
    document = _load_with_extends(path, source, chain, (), roots)
    for overlay in overlays:
        over_path = resolve_scenario_path(overlay)
        data, lines = _read_yaml(over_path)
        data.pop("extends", None)
        for key, line in lines.items():
            source.lines[key] = (over_path, line)
        document = _merge(document, data, str(over_path), ())
        chain.append(over_path)
    return _validated(document, source, path, tuple(chain), roots)


def load_overlay(
    overlay: dict[str, Any], path: Path, *, allow_paths: Sequence[str | Path] = ()
) -> Scenario:
    """An overlay given as data, as if it were saved at ``path`` (nothing is written).

    ``overlay["extends"]`` is resolved relative to ``path``'s folder, exactly as in a file; the
    result is what :func:`load_scenario` returns for the same YAML saved there, with the same
    folder confinement.
    """
    roots = _roots(path, allow_paths)
    base_ref = overlay.get("extends")
    if not isinstance(base_ref, str) or not base_ref.strip():
        raise ScenarioError(str(path), "extends", f"{base_ref!r} is not a path to a base scenario")
    base_path = _base_of(path, base_ref, roots, "extends")
    source = _Source()
    chain: list[Path] = []
    merged = _load_with_extends(base_path, source, chain, (_resolved(path),), roots)
    document = _merge(merged, overlay, str(path), ())
    return _validated(document, source, path, (*chain, path), roots)


def overlay_item(items: list[dict[str, Any]], name: str) -> dict[str, Any]:
    """The entry for ``name`` in an overlay's list of named items, appended on first use (an
    overlay merges such lists by ``name``)."""
    for item in items:
        if item["name"] == name:
            return item
    item = {"name": name}
    items.append(item)
    return item


def _roots(path: Path, allow_paths: Sequence[str | Path]) -> tuple[Path, ...]:
    roots = [_resolved(path.parent), _resolved(bundled_scenarios_dir())]
    for extra in allow_paths:
        folder = _resolved(Path(extra))
        if not folder.is_dir():
            raise ScenarioError(str(extra), "--allow-path", "is not a folder")
        roots.append(folder)
    return tuple(roots)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ScenarioError(str(path), "", f"cannot resolve the path: {reason}") from None


def _inside(path: Path, roots: Sequence[Path]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def _base_of(path: Path, ref: str, roots: Sequence[Path], at: str) -> Path:
    """The file ``extends: ref`` names: a path relative to ``path``, or a bundled name."""
    names = bundled_scenario_names()
    if Path(ref).suffix not in (".yaml", ".yml") and ref.strip() in names:
        return _resolved(bundled_scenarios_dir() / f"{ref.strip()}.yaml")
    base_path = _resolved(path.parent / ref)
    if not _inside(base_path, roots):
        message = _outside_message("extends", ref, base_path, roots)
        raise ScenarioError(str(path), at, message + _bundled_hint(ref, names))
    if base_path.suffix not in (".yaml", ".yml"):
        close = difflib.get_close_matches(ref.strip(), names, n=1)
        hint = f"; did you mean the bundled {close[0]!r}?" if close else ""
        raise ScenarioError(
            str(path),
            at,
            f"{ref!r} is not a scenario file (.yaml or .yml) nor a bundled scenario name"
            f"{hint} (bundled: {', '.join(names)})",
        )
    if not base_path.is_file():
        raise ScenarioError(
            str(path),
            at,
            f"{ref!r}: base scenario not found at {base_path}"
            + (
                _bundled_hint(ref, names)
                or f" (bundled scenarios, named without a path: {', '.join(names)})"
            ),
        )
    return base_path


def _bundled_hint(ref: str, names: Sequence[str]) -> str:
    """When a path ends in a bundled scenario's file: how to name it from anywhere."""
    parts = Path(ref).with_suffix("").parts
    for size in (2, 1):
        name = "/".join(parts[-size:])
        if name in names:
            return f"; a bundled scenario is named without a path: extends: {name}"
    return ""


def _outside_message(what: str, ref: str, resolved: Path, roots: Sequence[Path]) -> str:
    return (
        f"{ref!r} resolves to {resolved}, outside the scenario's folder ({roots[0]}) and "
        f"the bundled scenarios; {what} may only name files there (pass --allow-path DIR "
        "to allow another folder)"
    )


def _read_yaml(path: Path) -> tuple[dict[str, Any], dict[PathKey, int]]:
    from planner.output import note_input

    where = str(path)
    note_input(path)  # no output of this command may replace a scenario it reads
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_TEXT_CHARS + 1)
    except FileNotFoundError:
        raise ScenarioError(where, "", "file not found") from None
    except IsADirectoryError:
        raise ScenarioError(where, "", "is a directory, not a scenario file") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ScenarioError(where, "", f"cannot read file: {reason}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            where, "", f"is not UTF-8 text (bad byte at offset {exc.start}); expected UTF-8 YAML"
        ) from None
    return _parse_yaml(text, where)


def _parse_yaml(text: str, where: str) -> tuple[dict[str, Any], dict[PathKey, int]]:
    try:
        documents = load_documents(text)
    except YamlProblem as exc:
        line = f"line {exc.line}" if exc.line else ""
        field_text = exc.field()
        loc = f"{line}: {field_text}" if line and field_text else line or field_text
        raise ScenarioError(where, loc, exc.message) from None
    data = documents[0].data
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise ScenarioError(where, "", f"the document is {kind}; expected a mapping of fields")
    return data, documents[0].lines


def _load_with_extends(
    path: Path,
    source: _Source,
    chain: list[Path],
    stack: tuple[Path, ...],
    roots: Sequence[Path],
) -> dict[str, Any]:
    resolved = _resolved(path)
    if resolved in stack:
        cycle = " -> ".join(p.name for p in (*stack[stack.index(resolved) :], resolved))
        raise ScenarioError(str(path), "extends", f"extends itself through a cycle: {cycle}")
    if len(stack) > MAX_EXTENDS_DEPTH:
        raise ScenarioError(str(path), "extends", f"more than {MAX_EXTENDS_DEPTH} levels deep")
    data, lines = _read_yaml(path)
    base_ref = data.get("extends")
    merged: dict[str, Any]
    if base_ref is None:
        merged = {}
    else:
        at = _at(lines, ("extends",)) + "extends"
        if not isinstance(base_ref, str) or not base_ref.strip():
            shown = _show(base_ref) or f"a {type(base_ref).__name__}"
            raise ScenarioError(
                str(path),
                at,
                f"{shown} is not a path; expected a scenario file relative to this one",
            )
        base_path = _base_of(path, base_ref, roots, at)
        merged = _load_with_extends(base_path, source, chain, (*stack, resolved), roots)
    chain.append(path)
    for key, line in lines.items():
        source.lines[key] = (path, line)
    result: dict[str, Any] = _merge(merged, data, str(path), ())
    return result


def _check_workloads_from(
    topology: Topology, source: _Source, path: Path, roots: Sequence[Path]
) -> None:
    eks = topology.eks
    if eks is None or eks.workloads_from is None:
        return
    target = _resolved(path.parent / eks.workloads_from)
    if not _inside(target, roots):
        where = source.locate(("eks", "workloads_from"))
        file_name, line = (str(where[0]), f"line {where[1]}: ") if where else (str(path), "")
        raise ScenarioError(
            file_name,
            line + "eks.workloads_from",
            _outside_message("workloads_from", eks.workloads_from, target, roots),
        )


def _attach_rate_card(
    document: dict[str, Any], source: _Source, path: Path, roots: Sequence[Path]
) -> None:
    """``discounts.rate_card``: read the CSV (relative to the file that names it, inside the
    scenario's folders) and add its rows to ``discounts.private_rates``."""
    from planner.rate_card import read_rate_card

    discounts = document.get("discounts")
    if not isinstance(discounts, dict) or not isinstance(discounts.get("rate_card"), str):
        return
    ref = discounts["rate_card"]
    where = source.locate(("discounts", "rate_card"))
    file_name, line = (where[0], f"line {where[1]}: ") if where else (path, "")
    target = _resolved(Path(file_name).parent / ref)
    if not _inside(target, roots):
        raise ScenarioError(
            str(file_name),
            line + "discounts.rate_card",
            _outside_message("rate_card", ref, target, roots),
        )
    inline = discounts.get("private_rates") or []
    if not isinstance(inline, list):
        return  # the model reports it
    document["discounts"] = {**discounts, "private_rates": [*inline, *read_rate_card(target)]}


def _merge(base: Any, over: Any, where: str, key: PathKey) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = _merge(base[k], v, where, (*key, str(k))) if k in base else v
        return out
    if isinstance(base, list) and isinstance(over, list) and over and _named(base) and _named(over):
        out_list = [dict(item) for item in base]
        index = {item["name"]: i for i, item in enumerate(out_list)}
        given: set[str] = set()
        for item in over:
            name = item["name"]
            if name in given:
                raise ScenarioError(
                    where,
                    ".".join(key) + f"[{name}]",
                    f"{'.'.join(key)} has two entries named {name!r}; names must be unique",
                )
            given.add(name)
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
    return all(isinstance(i, dict) and isinstance(i.get("name"), str) for i in items)


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
            label = item_key(item, part)
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
        if shown is not None and kind != "assertion_error" and shown not in message:
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
