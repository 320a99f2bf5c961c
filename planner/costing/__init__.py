"""Cost engine: one pricing module per AWS service, registered in ``registry.py``."""
