"""The scenario's optional ``alerts:`` block: how billing-alert thresholds follow the plan.

Every default is a percentage of a modelled cost, so a scenario with no ``alerts:`` block gets
thresholds a FinOps practitioner can defend from the model alone (see ``policy``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# The price catalog, AWS Budgets for most accounts and the AWS/Billing EstimatedCharges metric
# are all in US dollars; another currency would need an exchange rate the model does not have.
SUPPORTED_CURRENCIES = ("USD",)

Percent = Annotated[Decimal, Field(allow_inf_nan=False, le=Decimal(10_000))]
Usd = Annotated[Decimal, Field(allow_inf_nan=False, le=Decimal(10**12))]


def _non_negative(value: Decimal | None, name: str) -> Decimal | None:
    if value is not None and value < 0:
        raise ValueError(f"{name} must not be negative; a threshold is an amount >= 0")
    return value


class AlertsConfig(BaseModel):
    """Billing-alert policy for one scenario. All fields optional."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    currency: str = Field(default="USD", description="budget currency; only USD is priced")
    warning_pct: Percent = Field(
        default=Decimal(100),
        description="ACTUAL warning, % of the planned monthly cost at expected replicas",
    )
    critical_pct: Percent = Field(
        default=Decimal(110),
        description="ACTUAL critical is at least this % of the planned monthly cost",
    )
    critical_hpa_margin_pct: Percent = Field(
        default=Decimal(5),
        description="ACTUAL critical is at least the cost at HPA maximum plus this margin",
    )
    forecast_pct: Percent = Field(
        default=Decimal(100), description="FORECASTED notification, % of the monthly budget"
    )
    warning_usd: Usd | None = Field(default=None, description="absolute warning, overrides %")
    critical_usd: Usd | None = Field(default=None, description="absolute critical, overrides %")
    top_services: Annotated[int, Field(ge=0, le=20)] = Field(
        default=3, description="per-service budgets for this many largest services"
    )
    anomaly_factor: Percent = Field(
        default=Decimal(1),
        description="anomaly impact threshold = largest service's daily cost x this factor",
    )
    anomaly_monitor: Literal["auto", "service", "tag"] = Field(
        default="auto",
        description="tag monitor when the scenario has cost allocation tags, else by SERVICE",
    )
    tag_filter: bool = Field(
        default=True, description="filter budgets by the scenario's cost_allocation_tags"
    )

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        if value not in SUPPORTED_CURRENCIES:
            raise ValueError(
                f"unknown currency {value!r}: the price catalog and the AWS/Billing metric "
                f"are in {', '.join(SUPPORTED_CURRENCIES)}"
            )
        return value

    @field_validator(
        "warning_pct",
        "critical_pct",
        "critical_hpa_margin_pct",
        "forecast_pct",
        "warning_usd",
        "critical_usd",
        "anomaly_factor",
    )
    @classmethod
    def _not_negative(cls, value: Decimal | None, info: object) -> Decimal | None:
        return _non_negative(value, getattr(info, "field_name", "threshold"))

    @model_validator(mode="after")
    def _warning_below_critical(self) -> AlertsConfig:
        if (
            self.warning_usd is not None
            and self.critical_usd is not None
            and self.warning_usd > self.critical_usd
        ):
            raise ValueError(
                f"warning_usd {self.warning_usd} is above critical_usd {self.critical_usd}; "
                "the warning must be at or below the critical level"
            )
        if (
            self.warning_usd is None
            and self.critical_usd is None
            and self.warning_pct > self.critical_pct
        ):
            raise ValueError(
                f"warning_pct {self.warning_pct} is above critical_pct {self.critical_pct}; "
                "the warning must be at or below the critical level"
            )
        return self
