"""Fuzzing facts: arbitrary values (nested lists and mappings, Decimals such as NaN and 1E+999999999,
floats, huge integers, long texts, None) through validate and evaluate, through YAML and JSON facts
files (load_facts, `rulecheck score`), and through CSV and JSON Lines batches, where every row must
come out once, scored or with its reasons (fuzz_checks.py)."""

from fuzz_checks import fuzz_test

test_fuzz_facts_api = fuzz_test("facts-api")
test_fuzz_facts_files = fuzz_test("facts-files")
test_fuzz_facts_tables = fuzz_test("facts-tables")
