"""``python -m rmtdyn``: see :mod:`rmtdyn.cli`."""

import sys

from .cli import main

sys.exit(main())
