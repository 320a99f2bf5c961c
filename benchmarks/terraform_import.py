"""``planner import terraform`` on a large plan, against ``json.load`` of the same file.

Takes the staging plan fixture (tests/data/terraform/staging-plan.json) and adds ``--extra``
resources to it (S3 buckets, IAM roles and SQS queues, a third each: priced, free, not
supported), then times the whole import (read, map, write YAML, validate) and a bare
``json.load`` of the file, side by side.

``python benchmarks/terraform_import.py [--extra 6000]``. Last line:
``terraform_import: resources=... import_s=... json_s=... ratio=<import s / json.load s>``.
"""

from __future__ import annotations

import argparse
import copy
import json
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "terraform"
KINDS = (("aws_s3_bucket", "bucket"), ("aws_iam_role", "role"), ("aws_sqs_queue", "queue"))


def generate(path: Path, extra: int) -> int:
    plan: dict[str, Any] = json.loads((DATA / "staging-plan.json").read_text())
    root = plan["planned_values"]["root_module"]["resources"]
    for i in range(extra):
        rtype, name = KINDS[i % len(KINDS)]
        address = f"{rtype}.{name}[{i}]"
        values = {"name": f"bench-{i}", "tags": {"Environment": "bench"}}
        head = {"address": address, "mode": "managed", "type": rtype, "name": name, "index": i}
        provider = {"provider_name": "registry.terraform.io/hashicorp/aws"}
        root.append({**head, **provider, "schema_version": 0, "values": values})
        change = {
            "actions": ["create"],
            "before": None,
            "after": copy.deepcopy(values),
            "after_unknown": {"arn": True, "id": True},
            "before_sensitive": False,
            "after_sensitive": {},
        }
        plan["resource_changes"].append({**head, **provider, "change": change})
    path.write_text(json.dumps(plan))
    return len(plan["resource_changes"])


def main() -> None:
    from planner.terraform.importer import import_terraform

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--extra", type=int, default=6000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.json"
        total = generate(path, args.extra)
        size_mb = path.stat().st_size / 1e6
        start = time.perf_counter()
        with path.open("rb") as handle:
            json.load(handle)
        json_s = time.perf_counter() - start
        start = time.perf_counter()
        imported = import_terraform(path, usage_path=DATA / "staging-usage.yml")
        import_s = time.perf_counter() - start
    print(f"plan: {total} resources, {size_mb:.1f} MB")
    print(
        f"import: {import_s:.3f} s ({len(imported.mapped.unsupported)} not supported, "
        f"{len(imported.mapped.no_charge)} no charge); json.load: {json_s:.3f} s"
    )
    print(
        f"terraform_import: resources={total} import_s={import_s:.3f} json_s={json_s:.3f} "
        f"ratio={import_s / json_s:.1f}"
    )


if __name__ == "__main__":
    main()
