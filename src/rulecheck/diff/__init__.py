"""Compare two versions of a rule file: what changed in meaning, in the analyst's words, and which
departments' scores the change moves.

A version is a path, or `REV:path` read from git (its imports from the same revision): versions.py.
The structure is compared on the checked syntax trees, so comments and layout never count, and rows by
what they score, so reordered rows that mean the same are no change; band tables over one subject also
state the values whose points change (满意度 in [90%, 95%): 4 → 6), worked out by the prove stage's band
analysis: structure.py; a matrix states the pairs of values whose points change, the grades the totals
whose grade changes (for each combination of the yes/no inputs a veto row reads: grades.py), and the
constraints the facts each version rejects (constraints.py). A version with check errors that still
compiles (an overlap, a gap) is compared where it defines scores. The departments given are read whole,
or not compared: corpus.py; the impact scores them with both versions: impact.py. render.py writes the
whole comparison as text or JSON.
"""

from __future__ import annotations

from .corpus import CORPUS_UNREADABLE, Corpus, CorpusError, departments_in, departments_of_cases
from .impact import Effect, impact
from .render import Diff, render_json, render_text
from .structure import (
    RULE_CHANGES,
    Comparison,
    IntervalChange,
    Section,
    Side,
    changed_numbers,
    compare,
    pair_up,
)
from .versions import GitFiles, Version, load_version, load_versions, sources_of

__all__ = [
    "CORPUS_UNREADABLE", "RULE_CHANGES", "Comparison", "Corpus", "CorpusError", "Diff", "Effect", "GitFiles",
    "IntervalChange", "Section", "Side", "Version", "changed_numbers", "compare", "departments_in",
    "departments_of_cases", "impact", "load_version", "load_versions", "pair_up", "render_json", "render_text",
    "sources_of",
]
