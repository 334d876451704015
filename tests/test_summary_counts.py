"""A batch's summary from counts of its totals (batch.TotalCounts, Summary.counts) gives exactly what the
sorted list of every department's total gave before: the same figures, written the same way, the same
histogram and mean, whatever the order the totals come in, with ties, one department, or totals of equal
value written differently (a capped 100 beside a summed 100.00).

The reference is the list-based code the counts replaced (ListSummary below, as batch.Summary computed
it), fed the same totals."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from rulecheck import numbers
from rulecheck.batch import (
    HISTOGRAM_STEPS,
    MOST_BINS,
    Summary,
    Tally,
    TotalCounts,
    read_departments,
    score_departments,
)

CORPUS = Path(__file__).parent.parent / "rules/shenzhen/cases/corpus-2024.csv"
QUARTERS = (Decimal("0.25"), Decimal("0.5"), Decimal("0.75"))


@attrs.frozen
class ListSummary:
    """The distribution of totals as batch.Summary computed it from the sorted list of every total."""
    totals: tuple[Decimal, ...]
    max: Decimal

    def quantile(self, fraction: Decimal) -> Decimal:
        position = numbers.multiply(Decimal(len(self.totals) - 1), fraction)
        below = int(position)
        above = min(below + 1, len(self.totals) - 1)
        low, high = self.totals[below], self.totals[above]
        value = numbers.add(low, numbers.multiply(numbers.subtract(high, low), numbers.subtract(position, below)))
        return self._tidy(value)

    @property
    def mean(self) -> Decimal:
        mean = numbers.divide(numbers.total(self.totals), Decimal(len(self.totals)))
        return numbers.round_to(mean, -self._quantum.as_tuple().exponent, ROUND_HALF_UP)

    @property
    def _quantum(self) -> Decimal:
        return Decimal(1).scaleb(min(total.as_tuple().exponent for total in self.totals))

    def _tidy(self, value: Decimal) -> Decimal:
        shown = value.quantize(self._quantum, context=numbers.QUANTIZE)
        return shown if shown == value else value.normalize(numbers.QUANTIZE)

    def figures(self) -> dict[str, Decimal]:
        return {"min": self.totals[0], "lower quartile": self.quantile(QUARTERS[0]),
                "median": self.quantile(QUARTERS[1]), "upper quartile": self.quantile(QUARTERS[2]),
                "max": self.totals[-1], "mean": self.mean}

    def histogram(self) -> list[tuple[Decimal, Decimal, int]]:
        for step in HISTOGRAM_STEPS:
            low = (self.totals[0] // step) * step
            if (self.max - low) / step <= MOST_BINS:
                break
        edges = []
        while low < self.max or not edges:
            edges.append((low, min(low + step, self.max)))
            low += step
        counts = [0] * len(edges)
        for total in self.totals:
            counts[min(max(int((total - edges[0][0]) // step), 0), len(edges) - 1)] += 1
        return [(bottom, top, count) for (bottom, top), count in zip(edges, counts)]


def spelled(hundredths: int, way: int) -> Decimal:
    """A total of `hundredths` / 100, written with 2 decimals, or (way 1, 2) with fewer when its value
    allows: 100.00, 100.0 or 100, as a capped total may be written beside a summed one."""
    if way == 2 and hundredths % 100 == 0:
        return Decimal(hundredths // 100)
    if way >= 1 and hundredths % 10 == 0:
        return Decimal(hundredths // 10).scaleb(-1)
    return Decimal(hundredths).scaleb(-2)


# few distinct values (so that ties are common), some written in more than one way
TOTALS = st.lists(st.builds(spelled, st.integers(4000, 4030) | st.sampled_from([5000, 9990, 10000]),
                            st.integers(0, 2)), min_size=1, max_size=60)


def counted(totals: list[Decimal], maximum: Decimal = Decimal(100)) -> Summary:
    """The summary a Tally gives of departments with these totals, in this order."""
    counts = TotalCounts()
    for total in totals:
        counts.add(total)
    return Summary(len(totals), 0, (), counts.runs(), maximum)


def assert_same_figures(summary: Summary, reference: ListSummary) -> None:
    """Every figure equal and written the same way (97.8 is not 97.80), as are the histogram's bins."""
    assert {name: str(value) for name, value in summary.figures().items()} == \
        {name: str(value) for name, value in reference.figures().items()}
    assert [(str(low), str(high), count) for low, high, count in summary.histogram()] == \
        [(str(low), str(high), count) for low, high, count in reference.histogram()]
    assert str(summary.mean) == str(reference.mean)
    assert summary.scored == len(reference.totals)
    assert summary.totals == reference.totals  # equal values, in order


@settings(max_examples=300, deadline=None)
@given(TOTALS)
def test_counted_totals_give_the_figures_of_the_sorted_list(totals):
    reference = ListSummary(tuple(sorted(totals)), Decimal(100))
    assert_same_figures(counted(totals), reference)
    assert_same_figures(Summary.of_totals(len(totals), 0, (), totals, Decimal(100)), reference)


@settings(max_examples=100, deadline=None)
@given(TOTALS, st.lists(st.decimals(0, 1, places=3), max_size=5))
def test_every_quantile_is_the_sorted_list_s(totals, fractions):
    summary, reference = counted(totals), ListSummary(tuple(sorted(totals)), Decimal(100))
    for fraction in (Decimal(0), Decimal(1), *QUARTERS, *fractions):
        assert str(summary.quantile(fraction)) == str(reference.quantile(fraction))


def test_one_department():
    summary = counted([Decimal("97.83")])
    assert summary.counts == ((Decimal("97.83"), 1),)
    assert set(summary.figures().values()) == {Decimal("97.83")}
    assert sum(count for _low, _high, count in summary.histogram()) == 1
    assert_same_figures(summary, ListSummary((Decimal("97.83"),), Decimal(100)))


def test_equal_totals_written_two_ways_end_as_sorting_would_end_them():
    """Sorting keeps equal totals in the order they came: the lowest shown is the first of the lowest
    totals, the highest the last of the highest, and the figures take the totals' most decimals."""
    totals = [Decimal("100"), Decimal("90.5"), Decimal("100.00"), Decimal("90.50"), Decimal("100")]
    summary = counted(totals)
    assert str(summary.figures()["min"]) == "90.5" and str(summary.figures()["max"]) == "100"
    assert str(summary.figures()["median"]) == "100.00"
    assert_same_figures(summary, ListSummary(tuple(sorted(totals)), Decimal(100)))


def test_no_department_scored():
    summary = Summary(3, 3, (), TotalCounts().runs(), Decimal(100))
    assert summary.scored == 0 and summary.totals == () and summary.figures() == {} and summary.histogram() == []
    assert summary.to_dict()["totals"] == {} and summary.to_dict()["histogram"] == []


def test_a_tally_keeps_a_count_per_distinct_total_not_a_total_per_department(framework):
    """Scored 50 times over, the corpus's departments leave as many counts as it has distinct totals,
    and the summary is the one the list of their totals gives."""
    scored = [item.result for item in score_departments(framework, read_departments(CORPUS)) if item.ok]
    tally = Tally(framework)
    for _round in range(50):
        for item in score_departments(framework, read_departments(CORPUS)):
            tally.add(item)
    distinct = {str(result.total) for result in scored}
    assert len(tally.totals.counts) == len(distinct) and tally.totals.scored == 50 * len(scored)
    summary = tally.summary()
    totals = [result.total for result in scored] * 50
    assert len(summary.counts) <= len(distinct) + 2  # runs: a distinct total each, and the two ends
    assert summary.to_dict() == attrs.evolve(summary, counts=Summary.of_totals(
        0, 0, (), totals, summary.max).counts).to_dict()
    assert_same_figures(summary, ListSummary(tuple(sorted(totals)), summary.max))


@settings(max_examples=200, deadline=None)
@given(TOTALS, st.lists(st.integers(0, 60), max_size=4))
def test_counts_of_chunks_merged_in_order_are_the_counts_of_the_whole(totals, cuts):
    """As --jobs counts them: each chunk in a worker, merged in input order (TotalCounts.merge)."""
    whole, merged = TotalCounts(), TotalCounts()
    for total in totals:
        whole.add(total)
    edges = [0, *sorted(min(cut, len(totals)) for cut in cuts), len(totals)]
    for start, end in zip(edges, edges[1:]):
        chunk = TotalCounts()
        for total in totals[start:end]:
            chunk.add(total)
        merged.merge(chunk)
    assert [(str(total), count) for total, count in merged.runs()] == \
        [(str(total), count) for total, count in whole.runs()]
