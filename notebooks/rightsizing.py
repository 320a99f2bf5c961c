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
#     order: 5
# ---

# %% [markdown]
# # Right-sizing
#
# Which instance classes and pod requests the measured usage supports, what that saves per
# month at list prices, and how many worker nodes it takes. Each recommendation is the cheapest
# class that covers the chosen CPU percentile plus headroom and the measured memory, with the
# evidence behind it (percentiles, datapoints, gaps) and a risk level.

# %% tags=["parameters"]
scenario = "staging"  # scenario YAML path or bundled name ("staging", "production")
prices = None  # price snapshot folder; None means the bundled snapshot
usd_decimals = 2  # decimals shown for US dollars (0-2)
compare_with = ["staging", "production"]  # scenarios priced side by side
horizon_months = 12  # warn about price steps within this many months of the scenario's as_of
usage = None  # usage file from planner usage pull or import; None: the bundled SAMPLE for staging
percentile = 95.0  # CPU percentile to size for
headroom_pct = 20.0  # headroom on top of it, percent

# %%
from planner.notebooks.params import validate
from planner.rightsize.notebook import RightsizingParams

params = validate(RightsizingParams, globals())

# %%
from IPython.display import Markdown, display

from planner import charts, views
from planner.rightsize import notebook as rs

charts.setup()
rs_data = rs.load(params)
display(Markdown(rs_data.banner))
display(Markdown(rs.headline(rs_data, params.usd_decimals)))

# %% [markdown]
# ## Recommendations
#
# "now" and "recommended" are monthly list prices from the cost engine, priced as the cost
# overview prices the plan ("now" is the overview's figure for the resource). Surplus CPU
# credits that the measured usage implies for a burstable class are named in "why", not added.
# Workload rows show their share of node cost; their saving reaches the bill through the node
# groups and is counted there.

# %%
if rs_data.result is not None:
    display(views.styled(rs.recommendations(rs_data, params.usd_decimals), params.usd_decimals))

# %% [markdown]
# ## Savings

# %%
if rs_data.result is not None:
    display(Markdown(rs.savings_intro(rs_data)))
    rs.savings(rs_data, params.usd_decimals).show()

# %% [markdown]
# ## Node-count effect
#
# The new pod requests and node types run through the capacity model at the HPA minimum,
# expected and maximum replicas.

# %%
if rs_data.result is not None:
    display(views.styled(rs.node_effect(rs_data), params.usd_decimals))

# %% [markdown]
# ## Usage distributions
#
# How busy each resource was over the window, as a share of its capacity (or, for pods, of
# their limit), one row per resource and metric. The box spans the middle half of the
# datapoints, the line in it is the median; whiskers reach the extremes. Periods without data
# are left out, never counted as zero.

# %%
if rs_data.result is not None:
    rs.distributions(rs_data).show()

# %%
from planner.notebooks.summary import publish

publish(rs.summary(rs_data))
