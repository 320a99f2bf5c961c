"""One Terraform resource instance as the planner reads it, from a plan or from ``.tf`` files.

Attribute paths are dotted, with list positions as numbers: ``scaling_config.0.min_size``
(a nested block is a list of one object in both the plan JSON and python-hcl2's output).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.errors import InputError

AWS_PROVIDER = "registry.terraform.io/hashicorp/aws"


class TerraformError(InputError):
    """A plan or ``.tf`` folder the planner cannot read (one line: file, address, field)."""


@dataclass(frozen=True)
class Resource:
    """A managed resource instance: ``module.eks.aws_eks_node_group.general["a"]``."""

    address: str
    type: str
    name: str
    module: str = ""
    """The module instance path, ``module.eks`` ("" in the root module)."""
    index: int | str | None = None
    provider: str = AWS_PROVIDER
    values: dict[str, Any] = field(default_factory=dict)
    unknown: dict[str, str] = field(default_factory=dict)
    """Attribute path -> why its value is not known (``known after apply``, ``var.x ...``)."""
    refs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Attribute path -> addresses of the resources its expression refers to."""
    action: str = ""
    """What the plan does to it: create, update, replace, no-op ("" for ``.tf`` files)."""

    @property
    def is_aws(self) -> bool:
        return self.provider == AWS_PROVIDER or self.provider.endswith("/hashicorp/aws")

    def unknown_why(self, path: str) -> str | None:
        """Why ``path`` (or a block above it) is not known; None when it is known."""
        parts = path.split(".")
        for end in range(len(parts), 0, -1):
            why = self.unknown.get(".".join(parts[:end]))
            if why is not None:
                return why
        return None

    def get(self, path: str) -> Any:
        """The value at ``path``; None when absent, null or unknown."""
        node: Any = self.values
        for part in path.split("."):
            if isinstance(node, dict):
                node = node.get(part)
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        return node

    def ref(self, path: str) -> tuple[str, ...]:
        """The resources the expression at ``path`` refers to (a block's refs included)."""
        found = list(self.refs.get(path, ()))
        for key, targets in self.refs.items():
            if key.startswith(path + "."):
                found.extend(targets)
        return tuple(dict.fromkeys(found))


def read_text(path: Path, max_bytes: int, hint: str = "") -> str:
    """A UTF-8 text file of at most ``max_bytes``; any problem is one line naming it."""
    tail = f"; {hint}" if hint else ""
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise TerraformError(f"{path}: file not found{tail}") from None
    except IsADirectoryError:
        raise TerraformError(f"{path}: is a folder, not a file{tail}") from None
    except OSError as exc:
        raise TerraformError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > max_bytes:
        raise TerraformError(f"{path}: larger than {max_bytes // 2**20} MB{tail}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TerraformError(f"{path}: not UTF-8 (bad byte at offset {exc.start}){tail}") from None


def flatten(tree: Any, prefix: str = "") -> dict[str, Any]:
    """``{"a": [{"b": true}]}`` -> ``{"a.0.b": True}``: the leaves of a nested structure."""
    out: dict[str, Any] = {}
    if isinstance(tree, dict):
        for key, value in tree.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(tree, list):
        for i, value in enumerate(tree):
            out.update(flatten(value, f"{prefix}.{i}" if prefix else str(i)))
    elif prefix:
        out[prefix] = tree
    return out


def instance_address(module: str, rtype: str, name: str, index: int | str | None) -> str:
    base = f"{module}.{rtype}.{name}" if module else f"{rtype}.{name}"
    if index is None:
        return base
    if isinstance(index, int):
        return f"{base}[{index}]"
    return f'{base}["{index}"]'


def strip_indexes(module: str) -> str:
    """``module.a[0].module.b["x"]`` -> ``module.a.module.b`` (the configuration's path)."""
    out = []
    depth = 0
    for char in module:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif depth == 0:
            out.append(char)
    return "".join(out)
