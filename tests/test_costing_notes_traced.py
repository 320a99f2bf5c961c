"""The notes that trace a figure to its quantity, worked by hand on the bundled scenarios.

Finance reads a line's quantity note and price source to see where a figure comes from; an
assumption is listed by its field path, a list item named by its ``name`` (not its index).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from conftest import REPO
from topologies import one_group

from planner.catalog import default_catalog
from planner.costing.engine import price_topology
from planner.pricing import price_scenario
from planner.scenario import load_scenario

D = Decimal
STAGING = REPO / "scenarios" / "staging.yaml"


def test_assumptions_name_list_items_by_name() -> None:
    report = price_scenario(load_scenario("production"))
    fields = {a["field"]: a["value"] for a in report.assumptions}
    # production.yaml: node groups general and compute with the default 20 GB root volume,
    # and one database named postgres with 200 GB assumed
    assert fields["eks.node_groups[general].disk_gb"] == "20"
    assert fields["eks.node_groups[compute].disk_gb"] == "20"
    assert fields["rds[postgres].storage_gb"] == "200"
    assert not any("[0]" in f or "[1]" in f for f in fields)


def test_inter_az_note_states_both_directions() -> None:
    report = price_scenario(load_scenario("production"))
    (line,) = [ln for ln in report.lines if ln.component.startswith("Inter-AZ")]
    # production.yaml: inter_az_gb 200, billed leaving one AZ and entering the other
    assert line.quantity == D(400)  # 200 GB x 2
    assert line.quantity_note.startswith("200 GB x 2 directions (3 AZs (")


def test_root_volumes_of_a_scheduled_group_are_node_months() -> None:
    # 2 t3.medium by day (12 h x 5 days = 60 of the week's 168 h), zero at night: 2 x 60/168
    # = 0.714... node-months of 20 GB root volume; the note counts node-months, not nodes
    topology = one_group(
        schedule={"hours_per_day": 12, "days_per_week": 5, "node_groups_off": "zero"}
    )
    report = price_topology(topology, default_catalog())
    (disk,) = [ln for ln in report.lines if ln.component.startswith("EBS root volume")]
    # 2 x 60 / 168 = 5/7 = 0.714285714285... node-months (Decimal's last digit may differ)
    count, rest = disk.quantity_note.split(" ", 1)
    assert count.startswith("0.71428571428571428") and rest == "node-months x 20 GB"
    # always on: whole nodes
    (always,) = [
        ln
        for ln in price_topology(one_group(), default_catalog()).lines
        if ln.component.startswith("EBS root volume")
    ]
    assert always.quantity_note.startswith("2 nodes x 20 GB")


def test_a_private_rate_without_a_location_names_only_its_source(tmp_path: Path) -> None:
    # a private rate written in the scenario (not read from a rate card) has no "line N"
    path = tmp_path / "s.yaml"
    path.write_text(
        f"extends: {STAGING}\n"
        "discounts:\n"
        "  private_rates:\n"
        "    - {service: AmazonEC2, product: instance/t3.medium, usd: 0.035,"
        ' source: "Addendum B"}\n',
        encoding="utf-8",
    )
    report = price_scenario(load_scenario(path), default_catalog())
    (line,) = [ln for ln in report.discount_lines if ln.resource == "discounts/private-rate"]
    assert line.price_source.startswith("private rate card: Addendum B; list price AmazonEC2/")
