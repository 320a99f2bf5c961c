"""Reserved capacity, Savings Plans, spot and off-hours schedules, forecasts and sweeps.

Modules: ``rates`` (catalog look-ups for reserved, Savings Plan and spot rates),
``schedules`` (hours per month under a schedule; the RDS 7-day restart rule), ``purchase``
(cost lines for a resource's purchase block), ``savings_plans`` (hour-by-hour application),
``options`` (the commitments table: cash flow, break-even, risk), ``forecast`` (a month-by-month
series), ``sweep`` (vectorised grid evaluation) and ``cli`` (the subcommands).
Nothing here imports pandas or numpy at module level.
"""
