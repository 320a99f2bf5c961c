"""Live what-ifs: change a scenario's knobs, re-price at once, save the result as an overlay.

:class:`Explorer` holds a base scenario and a set of changes (an overlay kept in memory).
Every change is priced through the same loader and engine as ``planner price`` on the saved
overlay (:func:`planner.scenario.load_overlay`), so a widget and the CLI cannot disagree.
Nothing is written until :meth:`Explorer.save` is called. :func:`controls` builds the
ipywidgets UI on top (imported lazily); under papermill the notebook applies its parameters
through the same methods and never needs a browser.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.errors import PlannerError

if TYPE_CHECKING:
    from planner.catalog import PriceCatalog
    from planner.costing.engine import CostReport
    from planner.notebooks.params import ExploreParams
    from planner.scenario import Scenario

CAPACITY_TYPES = ("ON_DEMAND", "SPOT")
# Instance families offered in the instance-type list (sizes medium to 2xlarge), when the
# catalog prices them in the scenario's region.
NODE_FAMILIES = ("t3", "t3a", "t4g", "m5", "m6i", "m6g", "m7g", "c5", "c6g", "r5", "r6g")
NODE_SIZES = ("medium", "large", "xlarge", "2xlarge")
RDS_CLASSES = (
    "db.t3.micro",
    "db.t3.small",
    "db.t3.medium",
    "db.t3.large",
    "db.m5.large",
    "db.m5.xlarge",
    "db.m6g.large",
    "db.r5.large",
    "db.r6g.large",
)
# Switching an on-demand group to SPOT needs a discount; the seed report's own claim
# ("Staging Deployment Report - EMRTask Platform" v1.0, §2.3: 70% off), marked as such.
SPOT_ASSUMPTION: dict[str, Any] = {
    "value": 70,
    "basis": "assumption",
    "note": "seed report §2.3 claims 70% spot savings; no current spot price in the snapshot",
}
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True)
class Priced:
    """One re-pricing: the report and its delta against the base."""

    report: CostReport
    base: CostReport

    @property
    def delta_usd(self) -> Decimal:
        return self.report.total_monthly_usd - self.base.total_monthly_usd


class Explorer:
    """A base scenario plus in-memory changes, priced on every change."""

    def __init__(self, scenario: str | Path = "staging", catalog: PriceCatalog | None = None):
        from planner.catalog import load_catalog
        from planner.pricing import price_scenario
        from planner.scenario import load_scenario

        self.catalog = catalog or load_catalog(None)
        self.base: Scenario = load_scenario(scenario)
        self.base_report = price_scenario(self.base, self.catalog)
        self.changes: dict[str, Any] = {}
        self.last = Priced(self.base_report, self.base_report)

    # -- the knobs ---------------------------------------------------------------------
    def set_node_group(
        self,
        group: str,
        *,
        instance_type: str | None = None,
        nodes: int | None = None,
        capacity_type: str | None = None,
    ) -> Priced:
        eks = self.base.topology.eks
        if eks is None or group not in {g.name for g in eks.node_groups}:
            raise PlannerError(f"node group {group!r} is not in scenario {self.base.name}")
        current = next(g for g in eks.node_groups if g.name == group)
        entry = self._named("eks", "node_groups", group)
        if instance_type is not None:
            entry["instance_type"] = instance_type
        if nodes is not None:
            if nodes < 0:
                raise PlannerError(f"node group {group}: nodes {nodes} must be 0 or more")
            entry["desired_size"] = nodes
            entry["min_size"] = min(current.min_size, nodes)
            entry["max_size"] = max(current.max_size, nodes, 1)
        if capacity_type is not None:
            if capacity_type not in CAPACITY_TYPES:
                raise PlannerError(
                    f"node group {group}: capacity type {capacity_type!r}; "
                    f"one of {', '.join(CAPACITY_TYPES)}"
                )
            entry["capacity_type"] = capacity_type
            if capacity_type == "SPOT" and current.spot_discount_pct is None:
                entry["spot_discount_pct"] = dict(SPOT_ASSUMPTION)
        return self.price()

    def set_rds(
        self, name: str, *, instance_class: str | None = None, multi_az: bool | None = None
    ) -> Priced:
        if name not in {db.name for db in self.base.topology.rds}:
            raise PlannerError(f"RDS instance {name!r} is not in scenario {self.base.name}")
        entry = self._named("rds", None, name)
        if instance_class is not None:
            entry["instance_class"] = instance_class
        if multi_az is not None:
            entry["multi_az"] = bool(multi_az)
        return self.price()

    def set_msk_brokers(self, name: str, brokers: int) -> Priced:
        if name not in {m.name for m in self.base.topology.msk}:
            raise PlannerError(f"MSK cluster {name!r} is not in scenario {self.base.name}")
        self._named("msk", None, name)["brokers"] = brokers
        return self.price()

    def set_nat_gb(self, gb: float | Decimal) -> Priced:
        if self.base.topology.nat_gateways is None:
            raise PlannerError(f"scenario {self.base.name} has no NAT gateways")
        self.changes.setdefault("nat_gateways", {})["data_processed_gb"] = {
            "value": str(gb),
            "basis": "assumption",
            "note": "what-if value set in the explore notebook",
        }
        return self.price()

    def reset(self) -> Priced:
        self.changes = {}
        return self.price()

    # -- pricing and saving ------------------------------------------------------------
    def overlay(self, name: str = "explore") -> dict[str, Any]:
        """The changes as an overlay document that ``extends`` the base scenario."""
        if not _NAME.match(name):
            raise PlannerError(
                f"overlay name {name!r}: use lower-case letters, digits and dashes "
                "(e.g. 'bigger-db')"
            )
        full = f"{self.base.path.stem}-{name}"
        return {
            "extends": f"../{self.base.path.name}",
            "name": full,
            "description": f"What-if from the explore notebook, on {self.base.name}",
            **self.changes,
        }

    def _overlay_path(self, name: str, folder: Path | None) -> Path:
        return (folder or self.base.path.parent / "whatif") / f"{self.base.path.stem}-{name}.yaml"

    def price(self) -> Priced:
        """Price base + changes exactly as ``planner price`` prices the saved overlay."""
        from planner.pricing import price_scenario
        from planner.scenario import load_overlay

        if not self.changes:
            self.last = Priced(self.base_report, self.base_report)
            return self.last
        path = self._overlay_path("explore", None)
        overlay = self.overlay()
        overlay["extends"] = str(self.base.path.resolve())  # absolute: nothing is written
        # the base was loaded (and its own extends confined) already: allow its folder
        scenario = load_overlay(overlay, path, allow_paths=(self.base.path.parent,))
        report = price_scenario(scenario, self.catalog)
        self.last = Priced(report, self.base_report)
        return self.last

    def save(self, name: str, folder: Path | None = None, *, overwrite: bool = False) -> Path:
        """Write the overlay YAML (under the base's ``whatif/`` folder by default)."""
        import yaml

        from planner.output import write_output

        path = self._overlay_path(name, folder)
        if path.exists() and not overwrite:
            raise PlannerError(f"{path}: exists; choose another name or pass overwrite=True")
        overlay = self.overlay(name)
        overlay["extends"] = _relative(self.base.path.resolve(), path.parent.resolve())
        text = (
            "# Saved from the explore notebook (planner.notebooks.explore); edit freely.\n"
            + yaml.safe_dump(overlay, sort_keys=False, allow_unicode=True)
        )
        write_output(text, str(path))
        return path

    def _named(self, section: str, sub: str | None, name: str) -> dict[str, Any]:
        """The overlay entry for a named item, created on first use (merged by ``name``)."""
        holder: dict[str, Any] = self.changes
        key = section
        if sub is not None:
            holder = self.changes.setdefault(section, {})
            key = sub
        from planner.scenario import overlay_item

        return overlay_item(holder.setdefault(key, []), name)

    # -- choices for the controls -----------------------------------------------------
    def instance_types(self) -> list[str]:
        """Node instance types the catalog prices in the scenario's region, plus the current."""
        from planner.capacity.instances import instance_catalog

        known = instance_catalog()
        region = self.base.topology.region
        found = {
            f"{family}.{size}"
            for family in NODE_FAMILIES
            for size in NODE_SIZES
            if f"{family}.{size}" in known
            and self.catalog.find("AmazonEC2", region, f"instance/{family}.{size}") is not None
        }
        eks = self.base.topology.eks
        found.update(g.instance_type for g in (eks.node_groups if eks else ()))
        return sorted(found, key=_type_order)

    def rds_classes(self, name: str) -> list[str]:
        db = next(d for d in self.base.topology.rds if d.name == name)
        region = self.base.topology.region
        deployment = "Multi-AZ" if db.multi_az else "Single-AZ"
        found = {
            c
            for c in RDS_CLASSES
            if self.catalog.find("AmazonRDS", region, f"db/{c}/{db.engine}/{deployment}")
            is not None
        }
        found.add(db.instance_class)
        return sorted(found, key=_type_order)


def headline(priced: Priced, decimals: int = 2) -> str:
    """The total and the change against the base, as Markdown."""
    from planner.views import md_money

    base, report = priced.base, priced.report
    delta = priced.delta_usd
    if not delta:
        change = "the same as the base"
    else:
        word = "more" if delta > 0 else "less"
        change = f"**{md_money(abs(delta), decimals)} {word}** than {base.scenario}"
    text = (
        f"What-if total: **{md_money(report.total_monthly_usd, decimals)}** a month at list "
        f"prices, {change} ({md_money(base.total_monthly_usd, decimals)})."
    )
    if report.upfront_fees or base.upfront_fees:
        # a purchase: the cash paid once sits beside the monthly (amortised) figure
        unknown = any(f.upfront_usd is None for f in report.upfront_fees)
        text += (
            f" Upfront, cash paid once: **{md_money(report.upfront_usd, decimals)}**"
            + (" plus an unknown amount" if unknown else "")
            + f" (base {md_money(base.upfront_usd, decimals)}); not in the monthly figures."
        )
    return text


def figure(priced: Priced) -> Any:
    """Per-service monthly cost, base beside the what-if."""
    from planner import charts

    label = priced.report.scenario if priced.report is not priced.base else "what-if"
    return charts.scenarios_by_service({priced.base.scenario: priced.base, label: priced.report})


def summary(priced: Priced) -> dict[str, Any]:
    from planner.money import plain

    return {
        "notebook": "explore",
        "scenario": priced.base.scenario,
        "total_monthly_usd_exact": plain(priced.report.exact_monthly_usd),
        "delta_monthly_usd_exact": plain(priced.delta_usd),
        "headline": f"what-if total {priced.report.total_monthly_usd:.2f} USD a month",
    }


def start(params: ExploreParams) -> Explorer:
    """An explorer on the notebook's scenario with its parameters applied (headless too)."""
    from planner.catalog import load_catalog

    explorer = Explorer(params.scenario_path, load_catalog(params.prices))
    for group, change in params.node_groups.items():
        explorer.set_node_group(
            group,
            instance_type=change.instance_type,
            nodes=change.nodes,
            capacity_type=change.purchase,
        )
    for name, db in params.rds.items():
        explorer.set_rds(name, instance_class=db.instance_class, multi_az=db.multi_az)
    for name, brokers in params.msk_brokers.items():
        explorer.set_msk_brokers(name, brokers)
    if params.nat_gb is not None:
        explorer.set_nat_gb(Decimal(str(params.nat_gb)))
    return explorer


def _type_order(name: str) -> tuple[str, int, str]:
    family, _, size = name.rpartition(".")
    sizes = ("nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge")
    return (family, sizes.index(size) if size in sizes else len(sizes), size)


def _relative(target: Path, start: Path) -> str:
    import os

    return Path(os.path.relpath(target, start)).as_posix()


def _group_type(explorer: Explorer, group: str, value: str) -> Priced:
    return explorer.set_node_group(group, instance_type=value)


def _group_nodes(explorer: Explorer, group: str, value: int) -> Priced:
    return explorer.set_node_group(group, nodes=int(value))


def _group_purchase(explorer: Explorer, group: str, value: str) -> Priced:
    return explorer.set_node_group(group, capacity_type=value)


def _rds_class(explorer: Explorer, name: str, value: str) -> Priced:
    return explorer.set_rds(name, instance_class=value)


def _rds_multi_az(explorer: Explorer, name: str, value: bool) -> Priced:
    return explorer.set_rds(name, multi_az=bool(value))


def _brokers(explorer: Explorer, name: str, value: int) -> Priced:
    return explorer.set_msk_brokers(name, int(value))


def controls(explorer: Explorer, on_change: Callable[[Priced], None]) -> Any:
    """The ipywidgets UI: one control per knob; every change re-prices and calls back."""
    import ipywidgets as w

    topo = explorer.base.topology
    rows: list[Any] = []

    def wire(widget: Any, apply: Callable[[Any], Priced]) -> Any:
        def changed(change: dict[str, Any]) -> None:
            try:
                on_change(apply(change["new"]))
            except PlannerError as exc:
                status.value = f"<b>Not priced:</b> {exc}"

        widget.observe(changed, names="value")
        return widget

    status = w.HTML()
    if topo.eks is not None:
        types = explorer.instance_types()
        for g in topo.eks.node_groups:
            name = g.name
            rows.append(
                w.HBox(
                    [
                        w.Label(f"node group {name}", layout=w.Layout(width="140px")),
                        wire(
                            w.Dropdown(options=types, value=g.instance_type, description="type"),
                            partial(_group_type, explorer, name),
                        ),
                        wire(
                            w.BoundedIntText(
                                value=g.desired_size, min=0, max=200, description="nodes"
                            ),
                            partial(_group_nodes, explorer, name),
                        ),
                        wire(
                            w.Dropdown(
                                options=CAPACITY_TYPES,
                                value=g.capacity_type.value,
                                description="purchase",
                            ),
                            partial(_group_purchase, explorer, name),
                        ),
                    ]
                )
            )
    for db in topo.rds:
        rows.append(
            w.HBox(
                [
                    w.Label(f"RDS {db.name}", layout=w.Layout(width="140px")),
                    wire(
                        w.Dropdown(
                            options=explorer.rds_classes(db.name),
                            value=db.instance_class,
                            description="class",
                        ),
                        partial(_rds_class, explorer, db.name),
                    ),
                    wire(
                        w.Checkbox(value=db.multi_az, description="Multi-AZ"),
                        partial(_rds_multi_az, explorer, db.name),
                    ),
                ]
            )
        )
    for cluster in topo.msk:
        rows.append(
            wire(
                w.BoundedIntText(
                    value=cluster.brokers, min=1, max=30, description=f"MSK {cluster.name}"
                ),
                partial(_brokers, explorer, cluster.name),
            )
        )
    if topo.nat_gateways is not None:
        rows.append(
            wire(
                w.BoundedFloatText(
                    value=float(topo.nat_gateways.data_processed_gb.value),
                    min=0,
                    max=1e6,
                    description="NAT GB/mo",
                ),
                explorer.set_nat_gb,
            )
        )
    name = w.Text(value="explore", description="overlay")
    save = w.Button(description="save as overlay", icon="save")

    def do_save(_button: Any) -> None:
        try:
            path = explorer.save(name.value)
            status.value = f"Saved <code>{path}</code>; it runs in the report's what-if notebook."
        except PlannerError as exc:
            status.value = f"<b>Not saved:</b> {exc}"

    save.on_click(do_save)
    rows.append(w.HBox([name, save]))
    rows.append(status)
    return w.VBox(rows)
