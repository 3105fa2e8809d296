"""``python -m linkscreen``: the ``linkscreen`` command."""

import sys

from .cli import main

sys.exit(main())
