"""Fuzzing batches: the shipped corpus (rules/shenzhen/cases/corpus-2024.csv) corrupted as a CSV (lines
deleted, duplicated, swapped, blank lines, one row's bytes mangled: quotes, commas, line breaks, NUL,
bytes that are not UTF-8, a huge cell) and as JSON Lines: every record of the input comes out exactly
once, at its line, scored or with its reasons, and the summary's counts add up (fuzz_checks.py)."""

from fuzz_checks import fuzz_test

test_fuzz_corrupted_csv = fuzz_test("corrupted-csv")
test_fuzz_corrupted_jsonl = fuzz_test("corrupted-jsonl")
