"""Read the bundled snapshot CSVs directly (not through PriceCatalog), for tests that check a
line's product and price against the file itself."""

from __future__ import annotations

import csv
import json
from functools import cache

from conftest import SNAPSHOT_DIR


@cache
def csv_rows(service: str) -> tuple[dict[str, str], ...]:
    manifest = json.loads((SNAPSHOT_DIR / "manifest.json").read_text())
    path = SNAPSHOT_DIR / manifest["services"][service]["file"]
    with path.open(newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def on_demand_row(price_ref: str) -> dict[str, str]:
    """The one on-demand row a ``price_ref`` (service/region/product) names, from the CSV."""
    assert "[" not in price_ref, f"expected an on-demand product: {price_ref}"
    service, region, product = price_ref.split("/", 2)
    found = [
        r
        for r in csv_rows(service)
        if r["region"] == region and r["product"] == product and r["term"] == "OnDemand"
    ]
    assert len(found) == 1, f"{price_ref}: {len(found)} rows in the snapshot CSV"
    return found[0]
