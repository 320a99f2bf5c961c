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
#     order: 90
#     report: false
# ---

# %% [markdown]
# # Explore what-ifs live
#
# Change the controls below: every change re-prices the scenario at **AWS list prices**
# through the same engine as `planner price`, and redraws the per-service chart, the total
# and the change against the base. Nothing is written until you press **save as overlay**,
# which writes `scenarios/whatif/<scenario>-<name>.yaml`; the report's what-if notebook then
# compares it with the base like any other overlay.
#
# Open it with `make lab`. Run headless (papermill), the controls fall back to the
# parameters below, so the notebook still runs and shows the what-if they describe.

# %% tags=["parameters"]
scenario = "staging"  # scenario YAML path or bundled name ("staging", "production")
prices = None  # price snapshot folder; None means the bundled snapshot
usd_decimals = 2  # decimals shown for US dollars (0-2)
compare_with = ["staging", "production"]  # not used here; every notebook takes it
node_groups = {}  # e.g. {"general": {"instance_type": "t3.large", "nodes": 3, "purchase": "ON_DEMAND"}}
rds = {}  # e.g. {"postgres": {"instance_class": "db.t3.large", "multi_az": True}}
msk_brokers = {}  # e.g. {"kafka": 3}
nat_gb = None  # NAT gateway GB processed a month

# %%
from planner.notebooks.params import ExploreParams, validate

params = validate(ExploreParams, globals())

# %%
from IPython.display import Markdown, display

from planner import charts
from planner.notebooks import explore

charts.setup()
explorer = explore.start(params)
display(Markdown(explore.headline(explorer.last, params.usd_decimals)))
explore.figure(explorer.last).show()

# %% [markdown]
# ## Controls
#
# Instance type, node count and purchase option per node group; RDS class and Multi-AZ;
# MSK brokers; NAT GB. The chart and the total below the controls follow every change.

# %%
import ipywidgets as widgets

shown = widgets.Output()


def redraw(priced):
    with shown:
        shown.clear_output(wait=True)
        display(Markdown(explore.headline(priced, params.usd_decimals)))
        explore.figure(priced).show()


display(explore.controls(explorer, redraw), shown)

# %%
from planner.notebooks.summary import publish

publish(explore.summary(explorer.last))
