"""Parse YAML once, strictly, with bounded work: scenarios and Kubernetes manifests.

* Scalars follow YAML 1.2 (core schema) for booleans: only ``true``/``false`` are booleans,
  so ``on``, ``yes`` or ``no`` stay text. Numbers whose meaning differs between YAML 1.1 and
  1.2 (``010``: octal 8 or decimal 10? ``1:30``: 90 or text? ``0b11``, ``1_000``) are
  errors that name the field and ask for an unambiguous spelling. Dates are not parsed by
  YAML (the models parse ``as_of`` and say what is wrong with ``2025-13-45``).
* A key given twice in one mapping is an error (YAML says keys are unique; PyYAML would
  silently keep the last one).
* Aliases are followed by a budget: a document whose expansion exceeds
  :data:`MAX_EXPANDED_NODES` nodes (an "alias bomb") or refers to itself is refused before
  anything walks the expanded tree, in time proportional to the text, not to its expansion.
* The line index records where each field is written and never follows an alias twice.

The C parser (``yaml.CSafeLoader``) is used when PyYAML was built with libyaml, else the
pure-Python one; the results are the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PathKey = tuple[str, ...]

# The bundled production scenario expands to about 700 nodes; a Kubernetes manifest folder
# rarely to more than a few thousand. 200,000 leaves room for generated files while keeping
# construction and validation well under a second and a few tens of MB.
MAX_EXPANDED_NODES = 200_000
# Text size bound: 10 MB of YAML is far beyond any scenario or manifest folder file.
MAX_TEXT_CHARS = 10_000_000

AMBIGUOUS_TAG = "tag:planner,2026:yaml11-number"

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StrictLoader(_Base):  # type: ignore[misc]
    """Safe loader with YAML 1.2 booleans and numbers; YAML 1.1-only numbers flagged."""


def _resolvers() -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    dropped = {
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:timestamp",
    }
    table: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}
    for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items():
        kept = [(tag, regexp) for tag, regexp in entries if tag not in dropped]
        if kept:
            table[first] = kept
    return table


StrictLoader.yaml_implicit_resolvers = _resolvers()
_IMPLICIT: list[tuple[str, str, str]] = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    # YAML 1.2 core integers, except a leading zero (see the ambiguous numbers below)
    (
        "tag:yaml.org,2002:int",
        r"^(?:[-+]?(?:0|[1-9][0-9]*)|0o[0-7]+|0x[0-9a-fA-F]+)$",
        "-+0123456789",
    ),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+.0123456789",
    ),
    # Read differently by YAML 1.1 and 1.2 (or by PyYAML and other tools): leading zeros
    # (octal in 1.1), sexagesimal 1:30, binary 0b.., digit separators 1_000.
    (
        AMBIGUOUS_TAG,
        r"^(?:[-+]?0[0-9_]+(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"
        r"|[-+]?0b[0-1_]+"
        r"|[-+]?0x[0-9a-fA-F_]*_[0-9a-fA-F_]*"
        r"|[-+]?(?:[0-9][0-9_]*_[0-9_]*|_[0-9_]+)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?)$",
        "-+0123456789_",
    ),
]
for _tag, _pattern, _first in _IMPLICIT:
    StrictLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def _construct_ambiguous(loader: Any, node: yaml.ScalarNode) -> str:
    # Never reached for a checked document (the checker refuses it first); kept as text.
    return str(node.value)


StrictLoader.add_constructor(AMBIGUOUS_TAG, _construct_ambiguous)


class YamlProblem(Exception):
    """A problem in one YAML text: the message, the 1-based line and the field path."""

    def __init__(self, message: str, line: int | None, key: PathKey = ()) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.key = key

    def field(self) -> str:
        return render_key(self.key)


def render_key(key: PathKey) -> str:
    text = ""
    for part in key:
        text += part if part.startswith("[") else ("." if text else "") + part
    return text


@dataclass(frozen=True)
class Document:
    data: Any
    lines: dict[PathKey, int]


def load_documents(text: str, *, multi: bool = False) -> list[Document]:
    """Parse ``text`` once: every document checked, constructed and line-indexed."""
    if len(text) > MAX_TEXT_CHARS:
        raise YamlProblem(f"the file is larger than {MAX_TEXT_CHARS:,} characters", None)
    loader = StrictLoader(text)
    out: list[Document] = []
    try:
        try:
            if multi:
                while loader.check_node():
                    out.append(_document(loader, loader.get_node()))
            else:
                node = loader.get_single_node()
                out.append(_document(loader, node) if node is not None else Document(None, {}))
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise YamlProblem(
            f"YAML syntax error: {problem}", mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML error: {' '.join(str(exc).split())}", None) from None
    except RecursionError:
        raise YamlProblem("YAML nesting is too deep", None) from None
    return out


def _document(loader: Any, node: yaml.Node) -> Document:
    lines: dict[PathKey, int] = {}
    _Checker(lines).check(node)
    return Document(loader.construct_document(node), lines)


class _Checker:
    """One pass over the node graph: sizes with aliases expanded (memoised, so a bomb is
    measured without being expanded), cycles, duplicate keys, ambiguous numbers, lines."""

    def __init__(self, lines: dict[PathKey, int]) -> None:
        self.lines = lines
        self.sizes: dict[int, int] = {}
        self.active: set[int] = set()

    def check(self, root: yaml.Node) -> None:
        total = self._size(root, (), index=True)
        if total > MAX_EXPANDED_NODES:
            raise YamlProblem(
                f"aliases expand the document to {total:,} nodes, more than the "
                f"{MAX_EXPANDED_NODES:,} allowed (an alias bomb?)",
                root.start_mark.line + 1,
            )

    def _size(self, node: yaml.Node, key: PathKey, *, index: bool) -> int:
        ident = id(node)
        known = self.sizes.get(ident)
        if known is not None:
            return known  # an alias of a node already measured (and indexed)
        if ident in self.active:
            raise YamlProblem(
                "an alias refers to the mapping or list that contains it (a recursive structure)",
                node.start_mark.line + 1,
                key,
            )
        if index:
            self.lines.setdefault(key, node.start_mark.line + 1)
        self.active.add(ident)
        size = 1
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for k, v in node.value:
                name = str(k.value) if isinstance(k, yaml.ScalarNode) else "?"
                line = k.start_mark.line + 1
                if isinstance(k, yaml.ScalarNode) and k.tag != "tag:yaml.org,2002:merge":
                    if name in seen:
                        raise YamlProblem(
                            f"key {name!r} is given twice (lines {seen[name]} and {line}); "
                            "YAML keys must be unique",
                            line,
                            (*key, name),
                        )
                    seen[name] = line
                child = (*key, name)
                if index:
                    self.lines[child] = line
                size += self._size(k, child, index=False)
                size += self._size(v, child, index=index)
                if index:
                    self.lines[child] = line
                if size > MAX_EXPANDED_NODES:
                    break
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                size += self._size(item, (*key, item_key(item, i)), index=index)
                if size > MAX_EXPANDED_NODES:
                    break
        elif node.tag == AMBIGUOUS_TAG:
            raise YamlProblem(
                f"{node.value!r} is read differently by YAML 1.1 and 1.2 (octal, "
                "base-60, binary or digit separators); write a plain decimal number "
                f"(e.g. {_plain_hint(str(node.value))}), or quote it if text is meant",
                node.start_mark.line + 1,
                key,
            )
        self.active.discard(ident)
        self.sizes[ident] = size
        return size


def _plain_hint(text: str) -> str:
    """What YAML 1.1 (PyYAML) would have read, as a plain decimal."""
    digits = text.replace("_", "")
    sign, body = (
        ("-", digits[1:]) if digits[:1] in "+-" and digits[:1] == "-" else ("", digits.lstrip("+"))
    )
    try:
        if ":" in body:
            whole, _, frac = body.partition(".")
            value = 0
            for part in whole.split(":"):
                value = value * 60 + int(part)
            return sign + str(value) + ("." + frac if frac else "")
        if body.startswith("0b"):
            return sign + str(int(body[2:], 2))
        if body.startswith("0x"):
            return sign + str(int(body[2:], 16))
    except ValueError:
        return "10"
    stripped = body.lstrip("0") or "0"
    return sign + ("0" + stripped if stripped.startswith(".") else stripped)


def item_key(item: Any, index: int) -> str:
    """A list item's key: ``[name]`` for named items, else ``[index]``."""
    if isinstance(item, yaml.MappingNode):
        for k, v in item.value:
            if (
                isinstance(k, yaml.ScalarNode)
                and k.value == "name"
                and isinstance(v, yaml.ScalarNode)
            ):
                return f"[{v.value}]"
    elif isinstance(item, dict) and isinstance(item.get("name"), str | int):
        return f"[{item['name']}]"
    return f"[{index}]"


def read_utf8(path: Path, error: Callable[[str], Exception], hint: str = "") -> str:
    """The text of a YAML file a command reads (recorded as an input no output may replace):
    at most :data:`MAX_TEXT_CHARS` read, UTF-8 required; ``error(message)`` makes the one-line
    error (the caller's exception type). The size limit itself is load_documents'."""
    from planner.output import note_input

    note_input(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_TEXT_CHARS + 1)
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: is not UTF-8 text (bad byte at offset {exc.start}){hint}") from None
