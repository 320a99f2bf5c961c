"""Hostile-input suite: one file per case family (see hostile_cases.py)."""
