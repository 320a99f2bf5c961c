# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: planner,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python (planner)
#     language: python
#     name: planner
#   planner:
#     order: 6
# ---

# %% [markdown]
# # Billing alerts
#
# The thresholds for AWS Budgets, CloudWatch billing alarms and Cost Anomaly Detection that
# `planner alerts` generates from the modelled cost. The budget is the planned monthly cost at
# expected replicas; the critical level is never below the cost at HPA maximum. Amounts are US
# dollars per month at list prices.

# %% tags=["parameters"]
scenario = "staging"  # scenario YAML path or bundled name ("staging", "production")
prices = None  # price snapshot folder; None means the bundled snapshot
usd_decimals = 2  # decimals shown for US dollars (0-2)
compare_with = ["staging", "production"]  # scenarios priced side by side
horizon_months = 12  # warn about price steps within this many months of the scenario's as_of
forecast = None  # CSV month,monthly_usd the budget follows; None = flat plan

# %%
from planner.notebooks.params import AlertsParams, validate

params = validate(AlertsParams, globals())

# %%
from IPython.display import Markdown, display

from planner import charts, views
from planner.alerts import notebook as alerts

charts.setup()
policy = alerts.policy(params)
shown = alerts.shown_range(policy, params)  # the modelled month as the other pages show it
display(Markdown(alerts.headline(policy, params.usd_decimals, shown)))
if policy.seed_levels:
    display(Markdown(alerts.seed_sentence(policy, params.usd_decimals)))

# %% [markdown]
# ## Alert levels against the modelled cost
#
# Bars are the monthly cost at HPA minimum, expected and maximum replicas (with a forecast:
# the month-by-month budget). Lines are the levels, each named in the legend with its amount.
# A level fires in a month whose cost is above it.

# %%
alerts.chart(policy, params.usd_decimals, shown).show()
display(views.styled(alerts.levels_frame(policy), params.usd_decimals))

# %% [markdown]
# ## The generated budgets
#
# One budget for the environment (filtered by its cost allocation tag) and one per largest
# service. Each notification is a percentage of its budget; the critical percentage is where
# the HPA-maximum cost plus a margin lands, or 110%, whichever is higher.

# %%
display(views.styled(alerts.budgets_frame(policy), params.usd_decimals))

# %% [markdown]
# ## Billing alarms and anomaly detection
#
# CloudWatch billing alarms use the same levels on the account's `EstimatedCharges` metric
# (us-east-1, 6-hour maximum); they cannot filter by tag. The anomaly subscription's impact
# threshold is one day of the largest service's cost.

# %%
display(views.styled(alerts.alarms_frame(policy), params.usd_decimals))
display(Markdown(alerts.anomaly_text(policy, params.usd_decimals)))

# %%
from planner.notebooks.summary import publish

publish(alerts.summary(policy))
