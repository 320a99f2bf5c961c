"""Warnings that look ahead: price steps and waste within ``horizon_months`` of ``as_of``.

:func:`look_ahead` returns :class:`Warning` records for a priced scenario:

- ``eks-standard-support-end`` / ``eks-extended-support-end``: the Kubernetes version leaves
  EKS standard support (the control plane price steps from $0.10 to $0.60 an hour) or
  extended support (EKS upgrades the cluster itself) inside the horizon;
- ``rds-extended-support``: an RDS engine major version enters RDS Extended Support (a
  per-vCPU-hour charge) inside the horizon, or is in it already;
- ``stale-price``: a price whose data is more than 365 days older than ``as_of``;
- ``idle-nodes``: a node group that runs no workload pod at min or expected replicas, with
  what its nodes cost.

Dates come from the data files in ``planner/data/support`` (see its SOURCES.md).
"""

from planner.lookahead.warnings import (
    DEFAULT_HORIZON_MONTHS,
    STALE_PRICE_DAYS,
    Warning,
    look_ahead,
    saving_ends,
)

__all__ = [
    "DEFAULT_HORIZON_MONTHS",
    "STALE_PRICE_DAYS",
    "Warning",
    "look_ahead",
    "saving_ends",
]
