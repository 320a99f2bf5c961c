"""Notebook parameters: one pydantic model per notebook, validated in the first code cell.

A notebook's ``parameters`` cell holds plain values (papermill overrides them); the next cell
calls :func:`validate` with ``globals()``, which picks the notebook's fields, checks them and
raises one :class:`~planner.errors.NotebookError` naming the parameter and what is valid.

Scenario references are a path (absolute, relative to the working directory, or relative to
the repository root, so ``scenarios/production.yaml`` works from ``notebooks/`` too) or a
bundled name (``staging``, ``whatif/staging-graviton``).
"""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from planner.errors import NotebookError, PlannerError

REPO_ROOT = Path(__file__).resolve().parents[2]
AUTO = "auto"


def resolve_scenario(ref: str) -> Path:
    """The scenario file for a path or a bundled name; a clear error when there is none."""
    from planner.scenario import bundled_scenario_names, resolve_scenario_path

    text = ref.strip()
    if not text:
        raise ValueError("is empty; give a scenario file or a bundled name such as 'staging'")
    candidates = [Path(text).expanduser()]
    if not candidates[0].is_absolute():
        candidates.append(REPO_ROOT / text)
    with contextlib.suppress(PlannerError):
        candidates.append(resolve_scenario_path(text))
    for path in candidates:
        if path.is_file():
            return path.resolve()
    places = " and ".join(str(p) for p in dict.fromkeys([Path.cwd(), REPO_ROOT]))
    bundled = ", ".join(bundled_scenario_names())
    raise ValueError(
        f"{text!r}: no such scenario file (looked in {places}); bundled names: {bundled}"
    )


def whatif_overlays_for(base: Path) -> list[Path]:
    """The overlays that extend ``base`` by convention: ``whatif/<base name>-*.yaml``."""
    folder = base.parent / "whatif"
    return sorted(folder.glob(f"{base.stem}-*.yaml")) if folder.is_dir() else []


class NotebookParams(BaseModel):
    """Parameters every notebook has."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    notebook: ClassVar[str] = ""

    scenario: str = Field(description="scenario YAML path or bundled name")
    prices: str | None = Field(None, description="price snapshot folder; None = bundled")
    usd_decimals: int = Field(2, ge=0, le=2, description="decimals shown for US dollars")
    compare_with: list[str] = Field(
        default_factory=lambda: ["staging", "production"],
        description="scenarios priced side by side",
    )
    horizon_months: int = Field(
        12, ge=1, le=120, description="warn about price steps within this many months of as_of"
    )

    @field_validator("compare_with", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return _split_list(value)

    @property
    def scenario_path(self) -> Path:
        return resolve_scenario(self.scenario)

    @field_validator("scenario")
    @classmethod
    def _scenario_exists(cls, value: str) -> str:
        resolve_scenario(value)
        return value

    @field_validator("prices")
    @classmethod
    def _prices_exist(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        path = Path(value)
        if not path.is_absolute() and not path.exists():
            path = REPO_ROOT / value
        if not (path / "manifest.json").is_file() and not path.is_file():
            raise ValueError(f"{value!r}: no price snapshot here (manifest.json not found)")
        return str(path.resolve())


class CostOverviewParams(NotebookParams):
    notebook: ClassVar[str] = "cost_overview"

    estimate: str | None = Field(
        AUTO,
        description="hand estimate CSV to audit; 'auto' = scenarios/estimates/*-<scenario>.csv",
    )

    @property
    def estimate_path(self) -> Path | None:
        if self.estimate is None or self.estimate == "":
            return None
        if self.estimate == AUTO:
            folder = self.scenario_path.parent / "estimates"
            found = sorted(folder.glob(f"*-{self.scenario_path.stem}.csv"))
            return found[0] if found else None
        path = Path(self.estimate)
        return path if path.is_file() else REPO_ROOT / self.estimate

    @field_validator("estimate")
    @classmethod
    def _estimate_exists(cls, value: str | None) -> str | None:
        if value in (None, "", AUTO):
            return value
        assert value is not None
        if not Path(value).is_file() and not (REPO_ROOT / value).is_file():
            raise ValueError(f"{value!r}: estimate CSV not found")
        return value


class CapacityParams(NotebookParams):
    notebook: ClassVar[str] = "capacity"

    utilization_warn_pct: float = Field(
        85, gt=0, le=100, description="node groups above this share of allocatable are flagged"
    )


class WhatIfParams(NotebookParams):
    notebook: ClassVar[str] = "whatif"

    overlays: list[str] = Field(
        default_factory=lambda: [AUTO],
        description="overlay scenarios compared with the base; 'auto' = whatif/<base>-*.yaml",
    )

    @field_validator("overlays", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return _split_list(value)

    @field_validator("overlays")
    @classmethod
    def _overlays_exist(cls, value: list[str]) -> list[str]:
        for ref in value:
            if ref != AUTO:
                try:
                    resolve_scenario(ref)
                except ValueError as exc:
                    raise ValueError(f"unknown overlay {exc}") from None
        return value

    @property
    def overlay_paths(self) -> list[Path]:
        paths: list[Path] = []
        for ref in self.overlays:
            found = (
                whatif_overlays_for(self.scenario_path) if ref == AUTO else [resolve_scenario(ref)]
            )
            paths.extend(p.resolve() for p in found if p.resolve() not in paths)
        return paths


class NodeGroupChange(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    instance_type: str | None = None
    nodes: int | None = Field(None, ge=0, le=1000)
    purchase: Literal["ON_DEMAND", "SPOT"] | None = None


class RDSChange(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    instance_class: str | None = None
    multi_az: bool | None = None


class ExploreParams(NotebookParams):
    """The explore notebook's starting what-if; the widgets change it live."""

    notebook: ClassVar[str] = "explore"

    node_groups: dict[str, NodeGroupChange] = Field(
        default_factory=dict,
        description='per node group, e.g. {"general": {"instance_type": "t3.large", "nodes": 3}}',
    )
    rds: dict[str, RDSChange] = Field(
        default_factory=dict, description='per RDS instance, e.g. {"postgres": {"multi_az": true}}'
    )
    msk_brokers: dict[str, int] = Field(
        default_factory=dict, description='brokers per MSK cluster, e.g. {"kafka": 3}'
    )
    nat_gb: float | None = Field(None, ge=0, le=1e9, description="NAT GB processed a month")

    @field_validator("node_groups", "rds", "msk_brokers", mode="before")
    @classmethod
    def _json(cls, value: Any) -> Any:
        """``papermill -p node_groups '{"general": {"nodes": 3}}'`` passes a JSON string."""
        if isinstance(value, str):
            import json

            try:
                return json.loads(value) if value.strip() else {}
            except json.JSONDecodeError as exc:
                raise ValueError(f"{value!r} is not a JSON object ({exc.msg})") from None
        return value


class AlertsParams(NotebookParams):
    notebook: ClassVar[str] = "alerts"

    forecast: str | None = Field(
        None, description="CSV month,monthly_usd the budget follows; None = flat planned cost"
    )

    @field_validator("forecast")
    @classmethod
    def _forecast_exists(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        path = Path(value) if Path(value).is_file() else REPO_ROOT / value
        if not path.is_file():
            raise ValueError(f"{value!r}: forecast CSV not found")
        return str(path)


class CommitmentsParams(NotebookParams):
    notebook: ClassVar[str] = "commitments"

    grid: str | None = Field(
        AUTO, description="sweep grid YAML; 'auto' = scenarios/grids/<scenario>.yaml, None skips"
    )
    forecast_months: int = Field(12, ge=1, le=60, description="months forecast")
    growth_pct: float = Field(0, ge=-100, le=1000, description="usage growth per month, %")
    sp_quantile: float = Field(
        0, ge=0, le=1, description="percentile of the hourly spend a Savings Plan commits to"
    )

    @field_validator("grid")
    @classmethod
    def _grid_exists(cls, value: str | None) -> str | None:
        if value in (None, "", AUTO):
            return value
        assert value is not None
        if not Path(value).is_file() and not (REPO_ROOT / value).is_file():
            raise ValueError(f"{value!r}: grid YAML not found")
        return value if Path(value).is_file() else str(REPO_ROOT / value)


P = TypeVar("P", bound=NotebookParams)

MODELS: dict[str, type[NotebookParams]] = {
    m.notebook: m
    for m in (
        CostOverviewParams,
        CapacityParams,
        WhatIfParams,
        ExploreParams,
        AlertsParams,
        CommitmentsParams,
    )
}


def _split_list(value: Any) -> Any:
    """Accept a list, or one comma-separated string (``-p overlays a.yaml,b.yaml``)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, tuple):
        return list(value)
    return value


def validate(model: type[P], namespace: Mapping[str, Any]) -> P:
    """Build ``model`` from a notebook's globals; one clear error for the first bad value.

    A parameter papermill injected (the ``# Parameters`` cell just before this one) that the
    model does not know is an error listing the valid names: papermill itself only warns.
    """
    unknown = sorted(set(injected_names()) - set(model.model_fields))
    if unknown:
        _short_tracebacks()
        raise NotebookError(unknown_message(unknown, list(model.model_fields)))
    values = {k: namespace[k] for k in model.model_fields if k in namespace}
    try:
        return check_values(model, values)
    except NotebookError:
        _short_tracebacks()
        raise


def unknown_message(unknown: Sequence[str], valid: Sequence[str]) -> str:
    """``unknown parameter usd_decimal (did you mean usd_decimals?); valid parameters: ...``"""
    named = []
    for name in unknown:
        close = difflib.get_close_matches(name, valid, n=1, cutoff=0.6)
        named.append(f"{name} (did you mean {close[0]}?)" if close else name)
    return f"unknown parameter {', '.join(named)}; valid parameters: {', '.join(valid)}"


def check_values(model: type[P], values: Mapping[str, Any]) -> P:
    """``model`` from parameter values, or one :class:`NotebookError` for the first bad one.

    The same check runs in the notebook's validation cell and, before any kernel starts, in
    ``planner run`` and ``planner report`` (:func:`planner.notebooks.execute.check_parameters`).
    """
    try:
        return model.model_validate(dict(values))
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in error["loc"]) or "parameters"
        message = str(error["msg"]).removeprefix("Value error, ")
        value = values.get(str(error["loc"][0])) if error["loc"] else None
        items = value if isinstance(value, list | tuple) else [value]
        named = any(isinstance(v, str) and repr(v) in message for v in items)  # named already
        shown = f" = {value!r}" if error["loc"] and not named else ""
        raise NotebookError(f"parameter {where}{shown}: {message}") from None
    except PlannerError as exc:
        raise NotebookError(f"parameters: {exc}") from None


INJECTED_HEADER = "# Parameters"


def injected_names() -> list[str]:
    """Names assigned by the cell papermill injected just before the running cell, if any."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - outside Jupyter
        return []
    shell = get_ipython()
    history = shell.user_ns.get("In", []) if shell is not None else []
    if len(history) < 2 or not str(history[-2]).lstrip().startswith(INJECTED_HEADER):
        return []
    from planner.notebooks.execute import assigned_names

    return assigned_names(str(history[-2]))


def _short_tracebacks() -> None:
    """In a kernel, show a parameter error as its one line, not a stack of frames."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - outside Jupyter
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "InteractiveTB"):
        shell.InteractiveTB.set_mode("Minimal")
