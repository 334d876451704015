"""Fuzzing rule files: the shipped files and generated ones, mangled (fuzz_strategies.py), through the
API (analyze_text, loads, the layout, scoring the shipped case) and the commands check, score, fmt and
verify, and generated frameworks of the v2 language (award, matrix, dates, constraints, Chinese notation),
written or mangled, with their facts through check, score, explain (both languages) and fmt: only
rulecheck's documented errors, exit codes 0, 1 or 2, never a traceback (fuzz_checks.py)."""

from fuzz_checks import fuzz_test

test_fuzz_rules_api = fuzz_test("rules-api")
test_fuzz_generated_rules_api = fuzz_test("generated-rules-api")
test_fuzz_rules_commands = fuzz_test("rules-commands")
test_fuzz_rules_verify = fuzz_test("rules-verify")
test_fuzz_generated_commands = fuzz_test("generated-commands")
