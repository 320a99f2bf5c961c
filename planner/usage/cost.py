"""Usage into cost: measured quantities replace the scenario's stated or assumed ones.

Rates are taken over the time the series actually covers (datapoints x period), so gaps
are neither zeros nor guesses inside the sum: they widen nothing and are reported. Bytes are
counted in GiB (2**30), as AWS bills "GB". Quantities replaced:

- NAT ``data_processed_gb``: BytesInFromSource + BytesInFromDestination of every gateway
  (the NAT gateway's CloudWatch metrics: traffic in from the VPC plus return traffic in from
  the destination is what the gateway processes);
- data transfer ``internet_egress_gb``: BytesOutToDestination of the NAT gateways (egress
  through load balancers is not separable in CloudWatch and stays as stated);
- load balancer LCU dimensions: ProcessedBytes per hour, NewFlowCount/NewConnectionCount per
  second, ActiveFlowCount (average) or ActiveConnectionCount per minute, RuleEvaluations per
  second;
- CloudWatch Logs ``ingestion_gb``: IncomingBytes of the named log groups.

MSK storage is billed as provisioned, so KafkaDataLogsDiskUsed is shown, not priced.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from planner.money import HOURS_PER_MONTH, ZERO, cents, plain, usd
from planner.topology import Amount, Basis, Topology

if TYPE_CHECKING:
    from planner.catalog import PriceCatalog
    from planner.costing.engine import CostReport
    from planner.scenario import Scenario
    from planner.usage.store import UsageSet

GIB = Decimal(2**30)
SECONDS_PER_HOUR = 3600


@dataclasses.dataclass(frozen=True)
class Rate:
    """A series' total per second over the seconds it covers."""

    per_second: Decimal
    datapoints: int
    gaps: int
    resources: int = 1  # how many resources' series were added up

    def note(self, window: str) -> str:
        return f"measured: {window}, {self.datapoints} datapoints, {self.gaps} gaps"


def _rates(usage: UsageSet, prefix: str, metric: str, *, mean: bool = False) -> Rate | None:
    """Sum of the rates of every resource named ``prefix`` or under it (None: no data).

    ``prefix`` matches whole path segments: ``nlb/api`` is ``nlb/api`` and ``nlb/api/...``,
    never ``nlb/api-gateway``; ``nat-gateways/`` is every gateway."""
    frame = usage.frame
    under = (frame["resource"] + "/").str.startswith(prefix.rstrip("/") + "/")
    sel = frame[under & (frame["metric"] == metric)]
    if sel.empty:
        return None
    total, points, gaps, resources = ZERO, 0, 0, 0
    window = (usage.window_end - usage.window_start).total_seconds()
    for _resource, part in sel.groupby("resource", observed=True):
        period = int(part["period"].max())
        covered = Decimal(len(part) * period)
        value = Decimal(repr(float(part["value"].sum())))
        total += value / len(part) if mean else value / covered
        points += len(part)
        gaps += max(int(window // period) - len(part), 0)
        resources += 1
    return Rate(total, points, gaps, resources)


def _amount(value: Decimal, rate: Rate, window: str, what: str) -> Amount:
    return Amount(
        value=value.quantize(Decimal("0.000001")),
        basis=Basis.MEASURED,
        note=f"{what}; {rate.note(window)}",
        source="CloudWatch" if "SAMPLE" not in window else "sample usage",
    )


def _gb_month(rate: Rate) -> Decimal:
    return rate.per_second * SECONDS_PER_HOUR * HOURS_PER_MONTH / GIB


def measured_topology(topology: Topology, usage: UsageSet) -> tuple[Topology, list[str]]:
    """The topology with measured quantities in place, and notes on what was not replaced."""
    window = usage.window_label
    update: dict[str, Any] = {}
    notes: list[str] = []
    nat = topology.nat_gateways
    if nat is not None:
        src = _rates(usage, "nat-gateways/", "BytesInFromSource")
        dst = _rates(usage, "nat-gateways/", "BytesInFromDestination")
        if src and dst:
            both = Rate(
                src.per_second + dst.per_second,
                src.datapoints + dst.datapoints,
                src.gaps + dst.gaps,
            )
            update["nat_gateways"] = nat.model_copy(
                update={
                    "data_processed_gb": _amount(
                        _gb_month(both), both, window, "BytesInFromSource + BytesInFromDestination"
                    )
                }
            )
        out = _rates(usage, "nat-gateways/", "BytesOutToDestination")
        if out and topology.data_transfer is not None:
            update["data_transfer"] = topology.data_transfer.model_copy(
                update={
                    "internet_egress_gb": _amount(
                        _gb_month(out), out, window, "NAT BytesOutToDestination"
                    )
                }
            )
    lbs = []
    for lb in topology.load_balancers:
        kind = "nlb" if lb.type == "network" else "alb"
        prefix = f"{kind}/{lb.name}"
        changes: dict[str, Amount] = {}
        processed = _rates(usage, prefix, "ProcessedBytes")
        if processed:
            changes["processed_gb_per_hour"] = _amount(
                processed.per_second * SECONDS_PER_HOUR / GIB, processed, window, "ProcessedBytes"
            )
        new_metric = "NewFlowCount" if kind == "nlb" else "NewConnectionCount"
        new = _rates(usage, prefix, new_metric)
        if new:
            changes["new_connections_per_second"] = _amount(new.per_second, new, window, new_metric)
        if kind == "nlb":
            active = _rates(usage, prefix, "ActiveFlowCount", mean=True)
            if active:
                changes["active_connections_per_minute"] = _amount(
                    active.per_second, active, window, "ActiveFlowCount (average)"
                )
        else:
            active = _rates(usage, prefix, "ActiveConnectionCount")
            if active:
                changes["active_connections_per_minute"] = _amount(
                    active.per_second * 60, active, window, "ActiveConnectionCount"
                )
            rules = _rates(usage, prefix, "RuleEvaluations")
            if rules:
                changes["rule_evaluations_per_second"] = _amount(
                    rules.per_second, rules, window, "RuleEvaluations"
                )
        lbs.append(lb.model_copy(update=changes) if changes else lb)
    if lbs:
        update["load_balancers"] = tuple(lbs)
    logs = topology.cloudwatch_logs
    incoming = _rates(usage, "cloudwatch-logs/", "IncomingBytes")
    if logs is not None and incoming:
        update["cloudwatch_logs"] = logs.model_copy(
            update={"ingestion_gb": _amount(_gb_month(incoming), incoming, window, "IncomingBytes")}
        )
        notes.append("CloudWatch Logs storage kept as in the scenario (retention is not measured)")
    for msk in topology.msk:
        disk = _rates(usage, f"msk/{msk.name}/", "KafkaDataLogsDiskUsed", mean=True)
        if disk:
            # the sum of each broker's average use: their average is that over the brokers
            average = disk.per_second / disk.resources
            notes.append(
                f"msk/{msk.name}: brokers average {average:.1f}% of their "
                f"{msk.storage_gb_per_broker.value} GB (KafkaDataLogsDiskUsed); MSK bills "
                "provisioned storage, so the storage line is unchanged"
            )
    return topology.model_copy(update=update), notes


def _key(ln: Any) -> tuple[str, str]:
    return ln.resource, ln.component


def compare_reports(assumed: CostReport, measured: CostReport) -> list[dict[str, Any]]:
    after = {_key(ln): ln for ln in measured.lines}
    rows = []
    for ln in assumed.lines:
        new = after.get(_key(ln))
        if new is None:
            continue
        rows.append(
            {
                "resource": ln.resource,
                "component": ln.component,
                "unit": ln.unit,
                "assumed_quantity": plain(ln.quantity),
                "assumed_basis": ln.quantity_basis,
                "measured_quantity": plain(new.quantity),
                "measured_basis": new.quantity_basis,
                "measured_note": new.quantity_note if new.quantity_basis == "measured" else "",
                "assumed_monthly_usd": ln.monthly_usd,
                "measured_monthly_usd": new.monthly_usd,
            }
        )
    return rows


def price_with_usage(
    scenario: Scenario,
    catalog: PriceCatalog,
    usage_path: str,
    fmt: str,
    *,
    allow_missing: bool = False,
) -> str:
    from planner.output import to_json
    from planner.pricing import price_scenario
    from planner.usage.store import read_usage

    usage = read_usage(usage_path)
    topology, notes = measured_topology(scenario.topology, usage)
    assumed = price_scenario(scenario, catalog, allow_missing=allow_missing)
    measured = price_scenario(
        dataclasses.replace(scenario, topology=topology), catalog, allow_missing=allow_missing
    )
    rows = compare_reports(assumed, measured)
    if fmt == "json":
        return to_json(
            {
                "scenario": scenario.name,
                "usage": {
                    "source": usage.source,
                    "window_days": usage.window_days,
                    "sample": usage.sample,
                },
                "lines": [
                    {
                        **r,
                        "assumed_monthly_usd": _num(r["assumed_monthly_usd"]),
                        "measured_monthly_usd": _num(r["measured_monthly_usd"]),
                        "difference_monthly_usd": _diff(r),
                    }
                    for r in rows
                ],
                "total_assumed_monthly_usd": float(cents(assumed.total_monthly_usd)),
                "total_measured_monthly_usd": float(cents(measured.total_monthly_usd)),
                "notes": notes,
            }
        )
    return _table(scenario.name, usage, rows, assumed, measured, notes, fmt)


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(cents(value))


def _diff(row: dict[str, Any]) -> float | None:
    a, m = row["assumed_monthly_usd"], row["measured_monthly_usd"]
    return None if a is None or m is None else float(cents(m - a))


def _table(
    name: str,
    usage: UsageSet,
    rows: list[dict[str, Any]],
    assumed: CostReport,
    measured: CostReport,
    notes: list[str],
    fmt: str,
) -> str:
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        cols = list(rows[0]) if rows else []
        writer.writerow([*cols, "difference_monthly_usd"])
        for r in rows:
            writer.writerow([*(r[c] if r[c] is not None else "" for c in cols), _diff(r) or ""])
        return buf.getvalue()
    out = [
        f"Scenario {name}: assumed vs measured usage, USD per month",
        f"Usage: {usage.source}; {usage.window_label}",
    ]
    if usage.sample:
        out.append("*** SAMPLE DATA: real NAB CloudWatch traces mapped onto this scenario ***")
    out.append("")
    head = (
        f"{'resource / component':<44} {'assumed':>20} {'measured':>20} "
        f"{'$ assumed':>10} {'$ measured':>10} {'diff':>9}"
    )
    out.append(head)
    out.append("-" * len(head))
    for r in rows:
        basis = r["measured_basis"]
        a, m = r["assumed_monthly_usd"], r["measured_monthly_usd"]
        diff = _diff(r)
        label = f"{r['resource']} {r['component']}"[:44]
        assumed_q = f"{r['assumed_quantity'][:10]} {r['assumed_basis']}"
        measured_q = f"{r['measured_quantity'][:10]} {basis}"
        a_text = usd(a) if a is not None else "MISSING"
        m_text = usd(m) if m is not None else "MISSING"
        d_text = "" if diff is None else usd(Decimal(repr(diff)))
        out.append(
            f"{label:<44} {assumed_q:>20} {measured_q:>20} {a_text:>10} {m_text:>10} {d_text:>9}"
        )
    out.append("")
    out.append(
        f"Total: assumed {usd(assumed.total_monthly_usd)}, measured "
        f"{usd(measured.total_monthly_usd)}, difference "
        f"{usd(measured.total_monthly_usd - assumed.total_monthly_usd)}"
    )
    for r in rows:
        if r["measured_note"]:
            out.append(f"  {r['resource']} {r['component']}: {r['measured_note']}")
    out.extend(f"Note: {n}" for n in notes)
    return "\n".join(out) + "\n"
