"""One exception root for everything a user can cause.

The CLI turns any :class:`PlannerError` into one line on stderr and exit code 2.
Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class PlannerError(Exception):
    """Root of every error a user can cause and fix."""


class ScenarioError(PlannerError):
    """A scenario file is missing, unreadable or invalid.

    The message names the file, the field path and the value, and says what would be valid.
    """

    def __init__(self, path: str, field: str, message: str) -> None:
        self.path = path
        self.field = field
        self.detail = message
        where = f"{path}: {field}: " if field else f"{path}: "
        super().__init__(where + message)


class PriceNotFoundError(PlannerError):
    """The catalog has no price for an item; never priced as $0."""


class InputError(PlannerError):
    """A CLI argument or an input file other than a scenario is invalid."""


class CapacityInputError(PlannerError):
    """A workload or node-group value cannot be used by the capacity model."""


class NotebookError(PlannerError):
    """A notebook failed to execute or its parameters are invalid."""
