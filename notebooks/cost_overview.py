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
#     order: 1
# ---

# %% [markdown]
# # Cost overview
#
# What this deployment costs per month at **AWS list prices**, where the money goes, how
# staging compares with production and, where the scenario has a hand estimate of its own, how
# that estimate compares with list prices. All amounts are US dollars per month (730 hours),
# before tax, credits or discounts not written in the scenario.

# %% tags=["parameters"]
scenario = "staging"  # scenario YAML path or bundled name ("staging", "production")
prices = None  # price snapshot folder; None means the bundled snapshot
usd_decimals = 2  # decimals shown for US dollars (0-2)
compare_with = ["staging", "production"]  # scenarios priced side by side
horizon_months = 12  # warn about price steps within this many months of the scenario's as_of
estimate = "auto"  # hand estimate CSV to audit; "auto" finds scenarios/estimates/*-<scenario>.csv, None skips the audit

# %%
from planner.notebooks.params import CostOverviewParams, validate

params = validate(CostOverviewParams, globals())

# %%
from IPython.display import Markdown, display

from planner import charts, views
from planner.notebooks import data

charts.setup()
overview = data.overview(params)
report = overview.report
display(Markdown(data.headline(report, params.usd_decimals, overview.warnings)))
for warning in report.warnings:
    display(Markdown(f"- **Warning:** {views.md_escape(warning)}"))

# %% [markdown]
# ## Warnings that look ahead
#
# Price steps and waste within the horizon (`horizon_months`) from the scenario's date: EKS or
# RDS support ending, prices older than a year, nodes that run no workload.

# %%
display(views.styled(views.warnings_table(overview.warnings), params.usd_decimals, na_rep=""))

# %% [markdown]
# ## Discounts and credits
#
# What the scenario's `discounts:` block takes off the list total: private rates, the
# enterprise discount on the services it names, credits. Each is its own line with its basis
# (the agreement it comes from); the cost lines everywhere else stay at list prices. Empty when
# the scenario states no discounts.

# %%
display(views.styled(views.discounts_table(report, params.usd_decimals), params.usd_decimals, na_rep=""))

# %% [markdown]
# ## Where the money goes
#
# Each AWS service's share of the monthly bill. EC2 covers the Kubernetes worker nodes, their
# disks and the NAT gateways (AWS bills NAT under EC2).

# %%
display(views.styled(views.cost_by_service(report, params.usd_decimals), params.usd_decimals))
charts.cost_by_service(report, params.usd_decimals).show()

# %% [markdown]
# ## The largest resources
#
# The same bill per resource: a node group, a database, a load balancer. Colors match the
# services above.

# %%
charts.cost_by_resource(report, decimals=params.usd_decimals).show()
display(views.styled(views.cost_by_resource(report, params.usd_decimals), params.usd_decimals))

# %% [markdown]
# ## Staging and production side by side
#
# Both environments priced the same way with the same prices. Production's sizes are
# assumptions built from the seed report's section 9.3 (see its assumptions table).

# %%
display(views.styled(views.side_by_side(overview.side_by_side, params.usd_decimals), params.usd_decimals))
charts.scenarios_by_service(overview.side_by_side, params.usd_decimals).show()

# %%
if overview.audit is not None:
    intro = data.audit_intro(overview)
    display(Markdown(intro + "\n\n" + data.audit_headline(overview.audit, report, params.usd_decimals)))
    display(views.styled(views.audit_table(overview.audit, params.usd_decimals), params.usd_decimals))
    charts.audit(overview.audit, params.usd_decimals).show()

# %% [markdown]
# ## Assumptions
#
# Quantities the source document does not give, the value used and why. The effect is what the
# assumption adds to the monthly bill against a value of zero (a spot discount of 0% is the
# on-demand price). Each lives in the scenario file under the field shown.

# %%
display(views.styled(views.assumptions_table(report, overview.assumptions), params.usd_decimals))

# %% [markdown]
# ## Prices: date and sources
#
# Every price comes from public AWS price data in the bundled snapshot. The first table gives
# the dates of that data (its own dates, not the day the snapshot was assembled); the line
# table shows each priced quantity, its price, where the price comes from, its date, whether
# it rests on an assumption, and its caveats. Lines are rounded to the cent and the TOTAL
# adds the rounded lines.

# %%
display(views.styled(views.snapshot_table(report)))
display(views.styled(views.cost_lines(report, params.usd_decimals), params.usd_decimals))

# %%
from planner.notebooks.summary import publish

publish(data.overview_summary(overview))
