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
#     order: 7
# ---

# %% [markdown]
# # Plan against actual
#
# The plan's monthly cost lines held against the AWS bill: planned and actual per service and
# month, the largest differences with their likely cause (a quantity the plan assumed, or a
# price), spend the plan does not have, Savings Plan / RI coverage, and the plan re-priced on
# the quantities the bill measured.

# %% tags=["parameters"]
scenario = "staging"  # scenario YAML path or bundled name ("staging", "production")
prices = None  # price snapshot folder; None means the bundled snapshot
usd_decimals = 2  # decimals shown for US dollars (0-2)
compare_with = ["staging", "production"]  # scenarios priced side by side
horizon_months = 12  # warn about price steps within this many months of the scenario's as_of
actuals = "auto"  # tidy table, export file or folder; auto: the bundled SAMPLE bill (staging)
cost_basis = "amortised"  # amortised (commitments spread) or unblended
top = 10  # largest variances listed

# %%
from planner.actuals.notebook import PlanVsActualParams
from planner.notebooks.params import validate

params = validate(PlanVsActualParams, globals())

# %%
from IPython.display import Markdown, display

from planner import charts, views
from planner.actuals import notebook as pva

charts.setup()
data = pva.build(params)
display(Markdown(pva.banner(data)))
display(Markdown(pva.headline(data, params.usd_decimals)))

# %% [markdown]
# ## Planned against actual, per service and month
#
# The plan is monthly (730 hours); the bill's months have 720 or 744 hours, so hourly lines
# differ by a few percent on their own. Unplanned spend is counted in its service's actual.

# %%
if data.variance is not None:
    pva.chart(data.variance).show()
    display(
        views.styled(
            pva.service_months(data.variance, params.usd_decimals),
            params.usd_decimals,
            na_rep="",
        )
    )

# %% [markdown]
# ## The largest variances and their likely cause
#
# *quantity*: the bill measured more or less than the plan assumed (GB, LCU-hours, hours);
# *price*: the effective price differs (spot, a Savings Plan, another rate). The difference
# splits exactly into the two; the larger names the cause.

# %%
if data.variance is not None:
    display(views.styled(
        pva.top_variances(data.variance, params.top, params.usd_decimals), params.usd_decimals
    ))

# %% [markdown]
# ## Unplanned spend
#
# Billing lines that match no planned line, by service and usage type. Never dropped: the
# matched lines plus these equal the bill's total to the cent.

# %%
if data.variance is not None:
    display(views.styled(pva.unplanned(data.variance), params.usd_decimals))

# %% [markdown]
# ## Commitments: coverage and utilisation
#
# From the export's amortised columns. Coverage: coverable usage (instances, DB and cache
# nodes) run under a commitment, at on-demand value; utilisation: the commitment actually used.

# %%
if data.variance is not None:
    table = pva.commitments(data.variance)
    if len(table):
        display(views.styled(table, params.usd_decimals))
    else:
        display(Markdown("No Savings Plans or reservations in this billing data."))

# %% [markdown]
# ## The plan re-based on the bill
#
# Every quantity the bill measured (NAT GB, LCU-hours, log GB, data transfer, storage, node
# hours) set to its measured value, then priced again at list prices
# (`planner actuals rebase` writes the same overlay).

# %%
if data.rebased is not None:
    display(views.styled(pva.rebased_table(data, params.usd_decimals), params.usd_decimals))
    display(Markdown("Measured fields: " + ", ".join(f.split(" ")[0] for f in data.rebased_fields)))

# %%
from planner.notebooks.summary import publish

publish(pva.summary(data))
