"""Where the declarative assets (ontology, shapes, queries) live.

The package is installed editable from the repository, so the assets sit beside
``kg/``.  ``JXKG_HOME`` overrides the repository root.

>>> (ROOT / "ontology").is_dir()
True
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("JXKG_HOME", Path(__file__).resolve().parent.parent))
ONTOLOGY_DIR = ROOT / "ontology"
SHAPES_DIR = ROOT / "shapes"
QUERIES_DIR = ROOT / "queries"
EXAMPLES_DIR = ROOT / "examples"
DEFAULT_STORE = Path("jxkg-store")
