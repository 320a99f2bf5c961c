"""Cost engine: one pricing module per AWS service, registered in :mod:`planner.costing.registry`."""
