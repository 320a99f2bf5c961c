"""Billing alerts from the plan: AWS Budgets, CloudWatch billing alarms, Cost Anomaly Detection.

``config`` is the scenario's ``alerts:`` block; ``policy`` turns a priced scenario into
thresholds that each say where they came from; ``budgets``, ``alarms`` and ``anomaly`` shape
them as AWS requests; ``render`` writes table, JSON, Terraform and ``--cli-input-json`` files;
``apply`` plans and applies them idempotently (the AWS calls live in ``planner.aws``).
"""
