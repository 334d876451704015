"""Fuzzing facts: arbitrary values (nested lists and mappings, Decimals such as NaN and 1E+999999999,
floats, huge integers, long texts, None) through validate and evaluate, through YAML and JSON facts
files (load_facts, `rulecheck score`), and through CSV and JSON Lines batches, where every row must
come out once, scored or with its reasons; and facts for generated frameworks (dates written as ISO,
2024年3月31日, date values or odd texts; constraints kept) through evaluate (fuzz_checks.py)."""

from fuzz_checks import fuzz_test

test_fuzz_facts_api = fuzz_test("facts-api")
test_fuzz_generated_facts = fuzz_test("generated-facts")
test_fuzz_facts_files = fuzz_test("facts-files")
test_fuzz_facts_tables = fuzz_test("facts-tables")
