"""Capacity model: workloads and HPA ranges to nodes per EKS node group.

Public entry points live in :mod:`planner.capacity.plan`; this package init stays light.
"""

from __future__ import annotations
