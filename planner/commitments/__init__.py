"""Commitments analysis on top of the engine: options, claims, forecasts, sweeps.

The engine (``planner.costing``) prices every purchase: node-hours by segment (on-demand,
spot, reserved, Savings-Plan-covered, scheduled off) in ``costing.purchase`` and
``costing.node_groups``, reserved databases in ``costing.databases``, rates in
``costing.rates``, schedules in ``costing.schedules``. This package asks it:
``options`` (the commitments table: cash flow, break-even, risk), ``claims`` (the seed
report's savings claims), ``forecast`` (a month-by-month series), ``sweep`` (vectorised grid
evaluation) and ``cli`` (the subcommands).
Nothing here imports pandas or numpy at module level.
"""
