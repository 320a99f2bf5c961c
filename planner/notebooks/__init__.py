"""Parameterized notebooks: parameters, papermill execution, the HTML report."""
