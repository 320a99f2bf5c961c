"""Reading one resource's attributes for the scenario: known, defaulted, or a one-line error.

Every value taken from Terraform is recorded with the attribute it came from, so the YAML can
say where each field was read (``# scaling_config[0].min_size``). A value the planner needs
that Terraform knows only after apply is an error naming the address and the attribute;
a value it does not need (an ID for CloudWatch) is named in the import's notes instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from planner.terraform.resources import Resource, TerraformError
from planner.topology import Amount, Basis

MAX_LISTED_CHARS = 2_000  # a scenario's free text holds 10,000 characters


def listed(items: list[str], limit: int = MAX_LISTED_CHARS) -> str:
    """``a, b, c`` while it fits in ``limit`` characters, then ``... and 1,234 more``."""
    out: list[str] = []
    used = 0
    for i, item in enumerate(items):
        if out and used + len(item) + 2 > limit:
            return ", ".join(out) + f" and {len(items) - i:,} more"
        out.append(item)
        used += len(item) + 2
    return ", ".join(out)


def shown_path(path: str) -> str:
    """``scaling_config.0.min_size`` -> ``scaling_config[0].min_size`` (Terraform's spelling)."""
    out: list[str] = []
    for part in path.split("."):
        if part.isdigit() and out:
            out[-1] += f"[{part}]"
        else:
            out.append(part)
    return ".".join(out)


@dataclass
class Notes:
    """What the import says besides the scenario: YAML comments and the summary lists."""

    comments: dict[tuple[str, ...], str] = field(default_factory=dict)
    after_apply: list[str] = field(default_factory=list)
    usage_missing: list[str] = field(default_factory=list)
    defaults: list[str] = field(default_factory=list)


class Reader:
    """The attributes of one resource, for one scenario item at ``at`` (a YAML path)."""

    def __init__(self, resource: Resource, where: str, notes: Notes, at: tuple[str, ...]) -> None:
        self.resource = resource
        self.where = where
        self.notes = notes
        self.at = at

    @property
    def address(self) -> str:
        return self.resource.address

    def fail(self, message: str) -> TerraformError:
        return TerraformError(f"{self.where}: {self.address}: {message}")

    def need(self, path: str, why: str, *, field_name: str | None = None) -> Any:
        """A value the planner prices with: known and present, else one line."""
        unknown = self.resource.unknown_why(path)
        if unknown is not None:
            raise self.fail(
                f"{shown_path(path)}: {unknown}; the planner needs it for {why}. Give it a "
                "literal value in the configuration (or import the plan after apply)"
            )
        value = self.resource.get(path)
        if value is None or value == "" or value == []:
            raise self.fail(f"{shown_path(path)} is not set; the planner needs it for {why}")
        if field_name:
            self.comment(field_name, shown_path(path))
        return value

    def get(self, path: str, *, field_name: str | None = None, use: str = "") -> Any:
        """A value the planner can do without: None when unset or unknown (unknown named)."""
        unknown = self.resource.unknown_why(path)
        if unknown is not None:
            if use:
                self.notes.after_apply.append(f"{self.address}.{shown_path(path)} ({use})")
            return None
        value = self.resource.get(path)
        if value is not None and field_name:
            self.comment(field_name, shown_path(path))
        return value

    def default(self, path: str, value: Any, why: str, *, field_name: str) -> Any:
        """The attribute's value, or its documented default when it is unset or unknown."""
        known = None if self.resource.unknown_why(path) else self.resource.get(path)
        if known is not None:
            self.comment(field_name, shown_path(path))
            return known
        state = self.resource.unknown_why(path) or "not set"
        self.comment(field_name, f"{shown_path(path)} {state}: {why}")
        self.notes.defaults.append(f"{self.address}.{shown_path(path)}: {why}")
        return value

    def comment(self, field_name: str, text: str) -> None:
        self.notes.comments[(*self.at, field_name)] = text

    def amount(self, path: str, why: str, *, field_name: str) -> Amount:
        """A quantity read from Terraform: ``{value, basis: terraform, source: address}``."""
        value = self.need(path, why)
        return terraform_amount(value, self.address, shown_path(path), self, field_name)

    def integer(self, path: str, why: str, *, field_name: str) -> int:
        value = self.need(path, why, field_name=field_name)
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            raise self.fail(f"{shown_path(path)} is {value!r}; expected a whole number")
        return int(value)


def terraform_amount(
    value: Any, address: str, attribute: str, reader: Reader, field: str
) -> Amount:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise reader.fail(f"{attribute} is {value!r}; expected a number")
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise reader.fail(f"{attribute} is {value!r}; expected a number") from None
    if not number.is_finite() or number < 0:
        raise reader.fail(f"{attribute} is {value!r}; expected a number of 0 or more")
    return Amount(value=number, basis=Basis.TERRAFORM, source=address, note=attribute)
