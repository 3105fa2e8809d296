"""Matrix end-to-end tests: they need Synapse and matrix-nio, so they run in build/matrix-venv.

``make test`` runs them through ``make test-matrix``, which builds that environment first
(examples/matrix/environment.py). In the main environment this directory is not collected.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if importlib.util.find_spec("nio") is None or importlib.util.find_spec("synapse") is None:
    collect_ignore_glob = ["test_*.py"]  # run by `make test-matrix` in build/matrix-venv
else:
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parents[1] / "examples" / "matrix"))
