"""`python -m w65tool` runs the `w65` command line."""

import sys

from w65tool.cli import main

sys.exit(main())
