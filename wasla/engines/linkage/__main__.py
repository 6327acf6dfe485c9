"""`python -m wasla.engines.linkage dedupe records.csv --out clusters.csv`: see cli.py."""

import sys

from .cli import main

sys.exit(main())
