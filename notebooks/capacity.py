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
#     order: 2
# ---

# %% [markdown]
# # Capacity
#
# How many Kubernetes worker nodes the workloads need, how full those nodes are, whether the
# namespace quota leaves room to scale, and what the bill is at each level. Pods scale between
# their HPA minimum and maximum replicas; "expected" is the level the scenario prices.

# %% tags=["parameters"]
scenario = "staging"  # scenario YAML path or bundled name ("staging", "production")
prices = None  # price snapshot folder; None means the bundled snapshot
usd_decimals = 2  # decimals shown for US dollars (0-2)
compare_with = ["staging", "production"]  # scenarios priced side by side
horizon_months = 12  # warn about price steps within this many months of the scenario's as_of
utilization_warn_pct = 85  # node groups above this share of allocatable are flagged

# %%
from planner.notebooks.params import CapacityParams, validate

params = validate(CapacityParams, globals())

# %%
from IPython.display import Markdown, display

from planner import charts, views
from planner.notebooks import data

charts.setup()
capacity = data.capacity(params)
display(Markdown(data.capacity_headline(capacity, params.usd_decimals)))

# %% [markdown]
# ## Nodes per node group
#
# A node's *allocatable* share is what is left for pods after Kubernetes and the operating
# system reserve their part. The red mark is the most nodes the group may scale to.

# %%
display(views.styled(views.capacity_nodes(capacity.result)))
charts.capacity_nodes(capacity.result).show()

# %% [markdown]
# ## How full the nodes are
#
# Requested CPU and memory (workloads plus per-node system pods) as a share of allocatable.
# High is efficient; close to 100% leaves no room for a node to fail or a rollout to surge.

# %%
charts.capacity_utilization(capacity.result, params.utilization_warn_pct).show()
display(views.styled(views.capacity_utilization(capacity.result)))

# %% [markdown]
# ## Quota headroom
#
# The namespace's ResourceQuota caps the total requests; the headroom is what is left at each
# replica level. Containers outside the LimitRange are listed too (none means all fit).

# %%
display(views.styled(views.quota_headroom(capacity.result)))
problems = views.unplaced_pods(capacity.result)
if len(problems):
    display(Markdown("**Pods that do not fit:**"))
    display(views.styled(problems))
else:
    display(Markdown("Every pod fits on its node groups at every replica level."))

# %% [markdown]
# ## Cost range
#
# The whole deployment priced with the nodes each replica level needs; everything except the
# worker nodes stays the same.

# %%
display(views.styled(views.cost_range(capacity.costs, capacity.displayed), params.usd_decimals))
charts.cost_range(capacity.result.scenario, capacity.costs, capacity.displayed, params.usd_decimals).show()

# %%
from planner.notebooks.summary import publish

publish(data.capacity_summary(capacity))
