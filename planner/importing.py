"""Import-time savings for the notebook path (kernels and the report builder).

papermill and plotly's renderers import nbformat, which imports jsonschema, which imports the
optional ``rfc3987_syntax`` (installed with jupyterlab's ``jsonschema[format-nongpl]``); that
module builds a grammar at import and costs about 1 s in every kernel. It only checks the
``iri`` string format, which notebook validation never uses, so while jsonschema is first
imported it is made to look absent. The module stays importable afterwards.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

SLOW_OPTIONAL = ("rfc3987_syntax",)


@contextmanager
def without_slow_optional_imports() -> Iterator[None]:
    """Hide :data:`SLOW_OPTIONAL` modules from jsonschema's first import, then restore them."""
    if "jsonschema" in sys.modules:
        yield
        return
    hidden = [name for name in SLOW_OPTIONAL if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        yield
    finally:
        for name in hidden:
            if sys.modules.get(name) is None:
                del sys.modules[name]
