"""Live and bulk AWS prices into the snapshot: Price List records, Savings Plans, spot.

Nothing here imports boto3 (AWS calls live in :mod:`planner.aws`); this package turns AWS's
records into :class:`planner.catalog.PriceRow` and writes snapshots.
"""
