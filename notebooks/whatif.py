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
#     order: 3
# ---

# %% [markdown]
# # What-if scenarios
#
# A base scenario against alternatives ("overlays"): each overlay changes a few things in the
# base (instance types, Multi-AZ, Kubernetes version) and is priced the same way. The table
# and chart show how each one changes the monthly bill, and in which services.

# %% tags=["parameters"]
scenario = "staging"  # scenario YAML path or bundled name ("staging", "production")
prices = None  # price snapshot folder; None means the bundled snapshot
usd_decimals = 2  # decimals shown for US dollars (0-2)
compare_with = ["staging", "production"]  # scenarios priced side by side
horizon_months = 12  # warn about price steps within this many months of the scenario's as_of
overlays = ["auto"]  # overlay scenarios; "auto" finds scenarios/whatif/<scenario>-*.yaml

# %%
from planner.notebooks.params import WhatIfParams, validate

params = validate(WhatIfParams, globals())

# %%
from IPython.display import Markdown, display

from planner import charts, views
from planner.notebooks import data

charts.setup()
whatifs = data.whatifs(params)
display(Markdown(data.whatif_headline(whatifs, params.usd_decimals)))

# %% [markdown]
# ## Totals and changes
#
# One row per scenario: its monthly total, the change against the base (negative is a saving),
# how long the change lasts (a saving that ends inside the horizon is not a lasting saving) and
# the services that change most.

# %%
display(views.styled(
    views.whatif_deltas(whatifs.base, whatifs.others, whatifs.ends_text(), params.usd_decimals),
    params.usd_decimals,
    na_rep="n/a (ends)",
))

# %% [markdown]
# ## Where each change comes from
#
# Each service's change against the base, per what-if; in the chart the bars are the
# services and the diamond is the net change.

# %%
if whatifs.others:
    display(views.styled(
        views.service_deltas(whatifs.base, whatifs.others, params.usd_decimals), params.usd_decimals
    ))
    charts.whatif_deltas(whatifs.base, whatifs.others, params.usd_decimals).show()

# %% [markdown]
# ## The overlays
#
# What each what-if changes, as written in its file (the comments give the reasons).

# %%
for path in whatifs.files:
    display(Markdown(f"**{path.stem}** (`{path.name}`)\n\n```yaml\n{path.read_text()}\n```"))

# %%
from planner.notebooks.summary import publish

publish(data.whatif_summary(whatifs))
