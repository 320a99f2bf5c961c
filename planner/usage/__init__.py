"""Measured usage: pull from CloudWatch or import CSV exports into one tidy table."""
