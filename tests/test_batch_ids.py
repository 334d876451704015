"""Finding a repeated id in a batch (inputs/tables.SeenIds): exact, as a dict of every id would be, in
a fraction of its memory. Ids that share a hash are told apart by their text; every str can be an id."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rulecheck.batch import read_departments
from rulecheck.inputs import tables
from rulecheck.inputs.tables import SeenIds

IDS = st.lists(st.text(max_size=6) | st.sampled_from(["D001", "D002", "部门甲", "", " ", "\ud800"]), max_size=300)


def first_lines(ids: list[str]) -> list[int | None]:
    """For each id in turn (at lines 2, 3, …), the line it was first at, None the first time."""
    seen = SeenIds()
    return [seen.first_line(key, line) for line, key in enumerate(ids, start=2)]


def reference(ids: list[str]) -> list[int | None]:
    """The same with a dict of every id."""
    first: dict[str, int] = {}
    answers = []
    for line, key in enumerate(ids, start=2):
        answers.append(first.get(key))
        first.setdefault(key, line)
    return answers


@settings(max_examples=200, deadline=None)
@given(IDS)
def test_a_repeated_id_is_found_with_its_first_line(ids):
    assert first_lines(ids) == reference(ids)


def test_ids_that_share_a_hash_are_told_apart(monkeypatch):
    """Every id hashed alike: each search walks past the others, and only the same text is a repeat."""
    monkeypatch.setattr(tables, "hash", lambda text: 12345, raising=False)
    ids = [f"D{number % 40:03d}" for number in range(100)]
    assert first_lines(ids) == reference(ids)


def test_many_ids_through_the_table_s_growth():
    ids = [f"R{number:07d}" for number in range(20_000)] + [f"R{number:07d}" for number in range(0, 20_000, 997)]
    answers = first_lines(ids)
    assert answers == reference(ids)
    assert answers[20_000:] == [number + 2 for number in range(0, 20_000, 997)]


def test_a_csv_s_repeated_ids_are_reported_at_their_first_line(tmp_path):
    lines = ["id,满意度", *(f"D{number},90%" for number in range(3000)), "D17,80%", "", "D2999,70%", "D17,60%"]
    path = tmp_path / "d.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    repeated = [(department.where, department.errors[0].message) for department in read_departments(path, ["满意度"])
                if department.errors]
    assert repeated == [(f"{path}:3002", "the id 'D17' is also the id of line 19"),
                        (f"{path}:3004", "the id 'D2999' is also the id of line 3001"),
                        (f"{path}:3005", "the id 'D17' is also the id of line 19")]
