"""`python -m rulecheck.cli`, as `python -m rulecheck`."""

from . import run

run()
