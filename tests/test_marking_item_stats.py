"""Item statistics against values computed by hand (worked in the comments)."""

from __future__ import annotations

import math

import pytest

from revise.marking.item_stats import (
    BLANK_ANSWER,
    DISTINCT_WRONG_CAP,
    ClassAccumulator,
    Mark,
    answer_key,
    class_stats,
    common_wrong,
    competition_ranks,
    cronbach_alpha,
    discrimination,
    facility,
    group_size,
    histogram,
    mean_sd,
    section_full_marks,
)

# Four students, three questions worth 1, 1 and 2 points.
#   S1: 1 1 2 = 4     S2: 1 0 2 = 3     S3: 0 1 1 = 2     S4: 0 1 0 = 1
MATRIX = [[1, 1, 2], [1, 0, 2], [0, 1, 1], [0, 1, 0]]
FULL = [1, 1, 2]
STUDENTS = ["S1", "S2", "S3", "S4"]


def marks() -> list[Mark]:
    sections = ["一、选择", "一、选择", "二、简答"]
    rows = []
    for student, scores in zip(STUDENTS, MATRIX):
        for j, points in enumerate(scores):
            answer = "对" if points == FULL[j] else ("B" if j == 0 else "" if j == 1 else "半对")
            rows.append(Mark(student, f"q{j + 1}", points, FULL[j], sections[j], answer))
    return rows


def test_mean_and_sample_sd() -> None:
    # totals 4 3 2 1: mean 2.5; squared deviations 2.25 .25 .25 2.25 = 5; 5 / 3 = 1.6667; sd 1.29099
    mean, sd = mean_sd([4, 3, 2, 1])
    assert mean == 2.5 and sd == pytest.approx(math.sqrt(5 / 3))
    assert mean_sd([]) == (None, None) and mean_sd([7]) == (7, 0.0)


@pytest.mark.parametrize(
    ("totals", "ranks"),
    [([5, 3, 3, 1], [1, 2, 2, 4]), ([1, 3, 3, 5], [4, 2, 2, 1]), ([2, 2, 2], [1, 1, 1]), ([], []), ([0.1 + 0.2, 0.3], [1, 1])],
)
def test_competition_ranks(totals: list[float], ranks: list[int]) -> None:
    assert competition_ranks(totals) == ranks


@pytest.mark.parametrize(("students", "size"), [(0, 0), (1, 0), (2, 1), (4, 1), (10, 3), (40, 11), (100, 27)])
def test_group_size_is_27_percent_rounded(students: int, size: int) -> None:
    assert group_size(students) == size


def test_facility() -> None:
    assert facility([1, 1, 0, 0], 1) == 0.5
    assert facility([2, 2, 1, 0], 2) == pytest.approx(5 / 8)
    assert facility([], 1) is None and facility([1], 0) is None


def test_discrimination_upper_minus_lower_over_full_marks() -> None:
    totals = [4, 3, 2, 1]  # group size 1: upper S1, lower S4
    assert discrimination([1, 1, 0, 0], totals, 1) == 1.0
    assert discrimination([1, 0, 1, 1], totals, 1) == 0.0
    assert discrimination([0, 0, 1, 1], totals, 1) == -1.0
    assert discrimination([2, 2, 1, 0], totals, 2) == 1.0
    assert discrimination([1], [1], 1) is None  # one student: no groups


def test_discrimination_with_ten_students_uses_three_in_each_group() -> None:
    totals = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]
    item = [1, 1, 0, 1, 1, 0, 0, 1, 0, 0]  # upper (10 9 8): 2 of 3; lower (3 2 1): 1 of 3
    assert discrimination(item, totals, 1) == pytest.approx(1 / 3)


def test_discrimination_breaks_ties_by_student_key_not_input_order() -> None:
    # totals tie 2 2 0 0; upper is "a", lower is "d"
    assert discrimination([0, 1, 0, 1], [2, 2, 0, 0], 1, keys=["a", "b", "c", "d"]) == -1.0
    assert discrimination([1, 0, 1, 0], [2, 2, 0, 0], 1, keys=["b", "a", "d", "c"]) == -1.0


def test_cronbach_alpha_by_hand() -> None:
    # item variances 1/3, 1/4, 11/12 (sum 3/2); total variance 5/3; alpha = 3/2 * (1 - (3/2)/(5/3)) = 0.15
    assert cronbach_alpha(MATRIX) == pytest.approx(0.15)
    # 1 1 2 / 1 0 2 / 0 1 1 / 0 0 0: item variances sum 19/12, total 35/12: alpha = 1.5 * 16/35 = 24/35
    assert cronbach_alpha([[1, 1, 2], [1, 0, 2], [0, 1, 1], [0, 0, 0]]) == pytest.approx(24 / 35)


@pytest.mark.parametrize("matrix", [[], [[1, 2]], [[1], [0]], [[1, 1], [1, 1]], [[1, 0], [1]]])
def test_cronbach_alpha_undefined(matrix: list[list[float]]) -> None:
    assert cronbach_alpha(matrix) is None


def test_histogram_bins_and_top_edge() -> None:
    assert [b.count for b in histogram([1.2], 4, bins=10)] == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]  # not 2.9999
    bins = histogram([4, 3, 2, 1, 0, 0.5], 4, bins=4)
    assert [(b.low, b.high, b.count) for b in bins] == [(0, 1, 2), (1, 2, 1), (2, 3, 1), (3, 4, 2)]
    assert histogram([1], 0) == () and sum(b.count for b in histogram([-1, 9], 4)) == 2


def test_common_wrong_answers_grouped_and_counted() -> None:
    assert common_wrong(["b", " B", "c", "b ", "A", "c"], top=2) == (("B", 3), ("C", 2))
    assert answer_key("  客户  价值 ") == "客户 价值" and answer_key("") == BLANK_ANSWER
    assert len(answer_key("客" * 1000)) == 80


def test_class_stats_on_the_hand_worked_class() -> None:
    stats = class_stats(marks())
    assert [(s.student, s.total, s.rank) for s in stats.students] == [("S1", 4, 1), ("S2", 3, 2), ("S3", 2, 3), ("S4", 1, 4)]
    assert stats.students[2].sections == {"一、选择": 1, "二、简答": 1}
    assert stats.sections == ("一、选择", "二、简答") and section_full_marks(stats) == {"一、选择": 2, "二、简答": 2}
    q1, q2, q3 = stats.questions
    assert (q1.facility, q2.facility, q3.facility) == (0.5, 0.75, 0.625)
    assert (q1.discrimination, q2.discrimination, q3.discrimination) == (1.0, 0.0, 1.0)
    assert q1.wrong_answers == (("B", 2),) and q1.correct == 2
    assert q2.blank == 1 and q2.wrong_answers == ()
    assert q3.wrong_answers == (("半对", 2),) and q3.mean == 1.25
    paper = stats.paper
    assert (paper.students, paper.questions, paper.full_marks, paper.mean) == (4, 3, 4, 2.5)
    assert paper.sd == pytest.approx(math.sqrt(5 / 3)) and paper.alpha == pytest.approx(0.15)
    assert (paper.minimum, paper.maximum) == (1, 4)
    assert [b.count for b in paper.histogram] == [0, 0, 1, 0, 0, 1, 0, 1, 0, 1]  # bins of 0.4: 1 -> 0.8-1.2, 2 -> 2.0-2.4, 3 -> 2.8-3.2, 4 -> top


def test_a_missing_question_counts_as_zero_and_a_repeat_replaces() -> None:
    rows = [Mark("A", "q1", 1, 1), Mark("A", "q2", 1, 1), Mark("B", "q1", 1, 1), Mark("B", "q1", 0, 1, answer="x")]
    stats = class_stats(rows)
    assert [(s.student, s.total, s.answered) for s in stats.students] == [("A", 2, 2), ("B", 0, 1)]
    assert stats.duplicates == 1
    assert stats.questions[1].facility == 0.5  # B has no row for q2: 0 points


def test_an_empty_class() -> None:
    stats = class_stats([])
    assert stats.students == () and stats.paper.mean is None and stats.paper.alpha is None and stats.paper.histogram == ()


def test_wrong_answer_counters_are_bounded() -> None:
    accumulator = ClassAccumulator()
    for i in range(DISTINCT_WRONG_CAP + 500):
        accumulator.add(Mark(f"s{i}", "q", 0, 1, answer=f"wrong {i}"))
    for i in range(10):
        accumulator.add(Mark(f"t{i}", "q", 0, 1, answer="wrong 3"))
    stats = accumulator.result()
    assert stats.questions[0].wrong_answers[0] == ("WRONG 3", 11)
    assert len(accumulator._items["q"].wrong) == DISTINCT_WRONG_CAP and accumulator._items["q"].other_wrong == 500


# -- practice data: skip_unanswered (the class store) ----------------------------------------------

# Four students who met different questions (q1, q2 one point; q3 two):
#   A: q1 1, q2 1        -> 2 of 2, rate 1.0     rank 1
#   B: q1 0, q3 2        -> 2 of 3, rate 0.667   rank 2
#   C: q1 1, q2 0, q3 1  -> 2 of 4, rate 0.5     rank 3
#   D: q2 0              -> 0 of 1, rate 0       rank 4
SPARSE = [
    Mark("A", "q1", 1, 1),
    Mark("A", "q2", 1, 1),
    Mark("B", "q1", 0, 1, answer="x"),
    Mark("B", "q3", 2, 2),
    Mark("C", "q1", 1, 1),
    Mark("C", "q2", 0, 1, answer="y"),
    Mark("C", "q3", 1, 2, answer="half"),
    Mark("D", "q2", 0, 1, answer="y"),
]


def test_skip_unanswered_measures_students_by_rate_and_questions_by_who_did_them() -> None:
    stats = class_stats(SPARSE, skip_unanswered=True)
    assert stats.by_rate
    assert [(s.student, s.total, s.full_marks, s.rank) for s in stats.students] == [("A", 2, 2, 1), ("B", 2, 3, 2), ("C", 2, 4, 3), ("D", 0, 1, 4)]
    assert stats.students[1].rate == pytest.approx(2 / 3)
    q1, q2, q3 = stats.questions
    assert (q1.students, q2.students, q3.students) == (3, 3, 2)
    assert (q1.facility, q2.facility, q3.facility) == (pytest.approx(2 / 3), pytest.approx(1 / 3), 0.75)
    # groups of 1 among those who did it, by rate: q1 A(1) vs C(1); q2 A(1) vs D(0); q3 B(2) vs C(1), over 2 points
    assert (q1.discrimination, q2.discrimination, q3.discrimination) == (0.0, 1.0, 0.5)
    assert q2.wrong_answers == (("Y", 2),)
    paper = stats.paper
    assert paper.full_marks == 1.0 and paper.mean == pytest.approx((1 + 2 / 3 + 0.5 + 0) / 4)
    assert paper.alpha is None  # only C did every question
    assert sum(b.count for b in paper.histogram) == 4 and paper.histogram[-1].high == 1.0


def test_skip_unanswered_agrees_with_the_paper_view_on_complete_data() -> None:
    """When everyone did every question, both views give the same item statistics and alpha."""
    zero, skip = class_stats(marks()), class_stats(marks(), skip_unanswered=True)
    assert [(q.facility, q.discrimination, q.students) for q in zero.questions] == [(q.facility, q.discrimination, q.students) for q in skip.questions]
    assert skip.paper.alpha == pytest.approx(zero.paper.alpha)
    assert [(s.student, s.rank) for s in zero.students] == [(s.student, s.rank) for s in skip.students]
