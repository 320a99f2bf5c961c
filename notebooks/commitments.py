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
#     order: 4
# ---

# %% [markdown]
# # Commitments: reserved capacity, Savings Plans, spot and schedules
#
# What to commit to, for how long, what it costs up front and when it pays back. Every option
# is priced from the bundled price snapshot (real AWS list and reserved rates, each with its
# source and date); where the snapshot has no rate the option is **named as missing**, never
# priced with a guessed discount. *Monthly* figures are amortised (upfront fees spread over the
# term); *upfront* and *cash* figures are what is paid when. The two are never added.

# %% tags=["parameters"]
scenario = "staging"  # scenario YAML path or bundled name ("staging", "production")
prices = None  # price snapshot folder; None means the bundled snapshot
usd_decimals = 2  # decimals shown for US dollars (0-2)
compare_with = ["staging", "production"]  # scenarios priced side by side
horizon_months = 12  # warn about price steps within this many months of the scenario's as_of
grid = "auto"  # sweep grid YAML; "auto" = scenarios/grids/<scenario>.yaml, None skips
forecast_months = 12  # months in the forecast
growth_pct = 0  # usage growth per month, percent
sp_quantile = 0  # percentile of the modelled hourly spend a Savings Plan commits to

# %%
from planner.notebooks.params import CommitmentsParams, validate

params = validate(CommitmentsParams, globals())

# %%
from IPython.display import Markdown, display

from planner import charts, views
from planner.notebooks import data

charts.setup()
from planner.commitments import notebook as cn

result = cn.commitments_data(params)
display(Markdown(cn.headline(result, params.usd_decimals)))

# %% [markdown]
# ## Options side by side
#
# Per resource, cheapest first within each risk level (none: on-demand; low: 1-year No
# Upfront; medium: 1-year Partial/All Upfront, 3-year No Upfront, spot; high: 3-year
# Partial/All Upfront). *Unused at HPA min* is the reservation paid for nothing if the
# workloads fall to their HPA minimum (and, under a schedule, in the off-hours).

# %%
display(
    views.styled(cn.options_table(result, params.usd_decimals), params.usd_decimals, na_rep="")
)
if cn.options_note(result):
    display(Markdown(cn.options_note(result)))
display(Markdown("**Rates missing from the catalog** (fill with `planner prices refresh` "
                 "or a user rate card):"))
display(views.styled(cn.missing_table(result)))

# %% [markdown]
# ## Cash flow and break-even
#
# Cumulative cash of each commitment against staying on-demand. One colour per resource: its
# commitments are the solid and dashed lines, staying on-demand the dotted one; a star marks
# the month a commitment has cost no more than on-demand (its break-even).

# %%
cn.cash_flow_chart(result).show()

# %% [markdown]
# ## Sweep: the Pareto frontier
#
# Every combination of instance types, purchase options and schedules in the grid, evaluated
# at once. The frontier holds the variants no other variant beats on both monthly cost and
# headroom (spare requested capacity at expected replicas).

# %%
if result.sweep is None:
    display(Markdown("No sweep grid for this scenario."))
else:
    display(Markdown(f"{result.sweep.count:,} variants from `{result.grid_path.name}`."))
    cn.pareto_chart(result).show()
    display(views.styled(
        cn.sweep_table(result), params.usd_decimals, money=["monthly", "upfront"], na_rep=""
    ))
    if cn.sweep_note(result):
        display(Markdown(cn.sweep_note(result)))

# %% [markdown]
# ## 12-month forecast
#
# Month by month with the scenario's commitments (their start and end dates) and the growth
# rate of the notebook's parameters (`growth_pct`, 0 unless set): cash paid against the
# amortised cost. Each month is the plan's 730-hour month, as `planner price` prices it, with
# the support calendars applied day by day; the alerts page budgets the longest calendar
# month (31 days), which costs more.

# %%
cn.forecast_chart(result).show()
display(views.styled(cn.forecast_table(result, params.usd_decimals), params.usd_decimals))

# %%
if result.claims:
    display(Markdown(cn.claims_intro(result)))
    display(views.styled(cn.claims_table(result, params.usd_decimals)))

# %%
from planner.notebooks.summary import publish

publish(cn.summary(result))
