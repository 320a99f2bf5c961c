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
#     order: 80
#     report: false
# ---

# %% [markdown]
# # Drift: the plan against what runs
#
# The plan scenario held against a scenario discovered from the live account and cluster
# (`planner discover ... -o FILE`), field by field, with what each difference costs a month
# at list prices. Run it with `planner run drift --scenario staging -p discovered FILE`.
# Quantities that no AWS API gives (traffic, LCUs, egress) are assumptions in the
# discovered scenario and are not counted as drift.

# %% tags=["parameters"]
scenario = "staging"  # the plan: scenario YAML path or bundled name
prices = None  # price snapshot folder; None means the bundled snapshot
usd_decimals = 2  # decimals shown for US dollars (0-2)
compare_with = ["staging", "production"]  # unused here; every notebook takes it
horizon_months = 12  # unused here; every notebook takes it
discovered = None  # the discovered scenario (planner discover -o FILE)

# %%
from planner.discover.notebook import DriftParams
from planner.notebooks.params import validate

params = validate(DriftParams, globals())

# %%
from IPython.display import Markdown, display

from planner import charts
from planner.discover import notebook as nb

charts.setup()
result = nb.build(params)
display(Markdown(nb.headline(result)))

# %% [markdown]
# ## Each difference in money
#
# Each difference is priced on top of those above it, so they add up to the whole drift.
# Pod requests and replicas are priced by the nodes the capacity model needs for them at
# expected replicas.

# %%
if result is not None and result.differences:
    nb.waterfall(result).show()
    display(nb.table(result, params.usd_decimals))
