"""Large synthetic CUR 2.0 files for tests and benchmarks (not sample data for people).

Vectorised with numpy/pyarrow and written in row groups, so 10 million line items need a few
hundred MB at most. Costs are whole multiples of $0.0001, so the exact per-month totals are
known from integers and returned for checking.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from planner.actuals.layouts import CUR2_COLUMNS
from planner.actuals.sample_files import arrow_schema

USAGE = (
    ("AmazonEC2", "BoxUsage:t3.medium", "Hrs"),
    ("AmazonEC2", "SpotUsage:t3.large", "Hrs"),
    ("AmazonEC2", "EBS:VolumeUsage.gp3", "GB-Mo"),
    ("AmazonEC2", "NatGateway-Bytes", "GB"),
    ("AmazonEC2", "NatGateway-Hours", "Hrs"),
    ("AmazonRDS", "InstanceUsage:db.t3.medium", "Hrs"),
    ("AmazonRDS", "RDS:GP3-Storage", "GB-Mo"),
    ("AWSELB", "LCUUsage", "LCU-Hrs"),
    ("AmazonCloudWatch", "DataProcessing-Bytes", "GB"),
    ("AmazonS3", "TimedStorage-ByteHrs", "GB-Mo"),
    ("AWSDataTransfer", "DataTransfer-Out-Bytes", "GB"),
    ("AWSSecretsManager", "AWSSecretsManager-Secrets", "Secrets"),
)
MONTHS = (dt.datetime(2025, 8, 1), dt.datetime(2025, 9, 1), dt.datetime(2025, 10, 1))
SCALE = 10_000  # costs are integers / 10,000 dollars


def write_cur2(
    path: Path, rows: int, *, chunk: int = 200_000, seed: int = 13, max_cost_units: int = 50_000
) -> dict[str, Decimal]:
    """Write ``rows`` CUR 2.0 line items; return the exact unblended total per month.

    Each cost is a random whole number of $0.0001 below ``max_cost_units``: values like $0.1
    that binary floats cannot hold, so a float sum drifts where a decimal sum does not.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(CUR2_COLUMNS)
    rng = np.random.default_rng(seed)
    totals = [0] * len(MONTHS)
    services = np.array([u[0] for u in USAGE])
    types = np.array([u[1] for u in USAGE])
    units = np.array([u[2] for u in USAGE])
    starts = pa.array(MONTHS, pa.timestamp("ms"))
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        done = 0
        while done < rows:
            n = min(chunk, rows - done)
            month = rng.integers(0, len(MONTHS), n)
            kind = rng.integers(0, len(USAGE), n)
            cents = rng.integers(0, max_cost_units, n)  # $0.0000 .. $4.9999 by default
            for m in range(len(MONTHS)):
                totals[m] += int(cents[month == m].sum())
            resource = rng.integers(0, 5_000, n)
            columns: dict[str, pa.Array] = {}
            for name, _ in CUR2_COLUMNS:
                columns[name] = pa.nulls(n, schema.field(name).type)
            columns["bill_billing_period_start_date"] = starts.take(pa.array(month))
            columns["line_item_line_item_type"] = pa.array(np.full(n, "Usage"))
            columns["line_item_currency_code"] = pa.array(np.full(n, "USD"))
            columns["line_item_product_code"] = pa.array(services[kind])
            columns["product_servicecode"] = pa.array(services[kind])
            columns["line_item_usage_type"] = pa.array(types[kind])
            columns["pricing_unit"] = pa.array(units[kind])
            columns["line_item_resource_id"] = pa.array(np.char.add("r-", resource.astype(str)))
            columns["line_item_unblended_cost"] = pa.array(cents / SCALE)
            columns["pricing_public_on_demand_cost"] = pa.array(cents / SCALE)
            columns["line_item_usage_amount"] = pa.array(rng.integers(1, 100, n) / 4)
            offsets = pa.array(np.arange(0, n + 1, dtype=np.int32))
            env = np.where(resource % 2 == 0, "staging", "production")
            columns["resource_tags"] = pa.MapArray.from_arrays(
                offsets, pa.array(np.full(n, "user_Environment")), pa.array(env)
            )
            writer.write_table(pa.table([columns[c] for c in schema.names], schema=schema))
            done += n
    return {
        m.strftime("%Y-%m"): (Decimal(t) / SCALE).quantize(Decimal("1E-10"))
        for m, t in zip(MONTHS, totals, strict=True)
    }
