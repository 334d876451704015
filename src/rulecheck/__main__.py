"""`python -m rulecheck`: the `rulecheck` command, for when its script is not on PATH (a venv not
activated, Windows); its usage lines say `rulecheck`, as the command's do."""

from .cli import run

run()
