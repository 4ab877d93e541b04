"""`python -m w65tool` runs the `w65` command line."""

from w65tool.cli import entry

entry()
