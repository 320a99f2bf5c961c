"""The drift notebook: the plan against what runs, for finance, in money.

Logic lives here; ``notebooks/drift.ipynb`` only calls it. Run it with a discovered scenario:
``planner run drift --scenario staging -p discovered scenarios/discovered-staging.yaml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import field_validator

from planner import figures
from planner.notebooks.params import REPO_ROOT, NotebookParams

if TYPE_CHECKING:
    import pandas as pd

    from planner.discover.drift import Drift


class DriftParams(NotebookParams):
    notebook: ClassVar[str] = "drift"
    discovered: str | None = None

    @field_validator("discovered")
    @classmethod
    def _discovered_exists(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        if not Path(value).is_file() and not (REPO_ROOT / value).is_file():
            raise ValueError(
                f"{value!r}: no such discovered scenario (write one with planner discover -o)"
            )
        return value

    @property
    def discovered_path(self) -> Path | None:
        if self.discovered is None:
            return None
        path = Path(self.discovered)
        return path if path.is_file() else REPO_ROOT / self.discovered


def build(params: DriftParams) -> Drift | None:
    """The drift, or None when no discovered scenario was given."""
    from planner.catalog import load_catalog
    from planner.discover.drift import drift
    from planner.scenario import load_scenario

    path = params.discovered_path
    if path is None:
        return None
    plan = load_scenario(params.scenario_path)
    found = load_scenario(path).topology
    return drift(plan, found, path.name, load_catalog(params.prices))


def headline(result: Drift | None) -> str:
    from planner.discover.drift import drift_markdown

    if result is None:
        return (
            "No discovered scenario was given: run `planner discover ... -o FILE`, then this "
            "notebook with `-p discovered FILE`."
        )
    return drift_markdown(result)


def table(result: Drift, decimals: int = 2) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "resource": d.path,
                "field": d.field,
                "plan": d.plan,
                "running": d.discovered,
                "monthly": figures.usd(d.monthly_usd, decimals, signed=True),
                "a year": figures.usd(figures.annual(d.monthly_usd), decimals, signed=True),
                "priced by": d.priced_by,
            }
            for d in result.differences
        ]
    )


def waterfall(result: Drift) -> Any:
    """From the plan's monthly total to what runs, one bar per difference."""
    import plotly.graph_objects as go

    labels = ["plan", *(f"{d.path} {d.field}" for d in result.differences), "running"]
    values = [float(result.plan_monthly_usd), *(float(d.monthly_usd) for d in result.differences)]
    running = result.plan_monthly_usd + result.total_usd
    figure = go.Figure(
        go.Waterfall(
            x=labels,
            y=[*values, float(running)],
            measure=["absolute", *("relative" for _ in result.differences), "total"],
            text=[
                figures.usd(result.plan_monthly_usd),
                *(figures.usd(d.monthly_usd, signed=True) for d in result.differences),
                figures.usd(running),
            ],
            textposition="outside",
        )
    )
    figure.update_layout(
        title="Monthly cost at list prices: the plan, each difference, what runs",
        yaxis_title="USD per month",
        showlegend=False,
    )
    return figure
