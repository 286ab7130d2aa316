"""Answers of any length and content never crash the grader and never make it slow."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revise.bank.response import Response
from revise.grading import VERDICTS, grade
from tests.test_grading_forms import bank

HOSTILE_PIECES = st.sampled_from(
    ["\x00", "\u202e", "\u200b", "\x1b[31m", "[b]", "<script>", "😀", "👍🏽", "：", "→", "因为", "不", "第一空：", "（", "）", "百分之", "%", "/", "."]
)
ANSWERS = st.lists(st.one_of(st.text(max_size=40), HOSTILE_PIECES), max_size=30).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=ANSWERS, qid=st.sampled_from(sorted(bank().questions)))
def test_any_answer_gets_a_verdict(answer: str, qid: str) -> None:
    result = grade(bank().questions[qid], answer, bank())
    assert result.verdict in VERDICTS
    assert 0.0 <= result.score <= 1.0


@settings(max_examples=60, deadline=None)
@given(blanks=st.lists(ANSWERS, max_size=6), judgment=st.booleans(), pairs=st.lists(st.one_of(st.none(), st.integers(-3, 9)), max_size=5))
def test_any_structured_answer_gets_a_verdict(blanks: list[str], judgment: bool, pairs: list[int | None]) -> None:
    questions = bank().questions
    for response, qid in [
        (Response(blanks=tuple(blanks)), "f-stages"),
        (Response(blanks=tuple(blanks)), "f-price"),
        (Response(judgment=judgment, correction="".join(blanks)), "j-4c"),
        (Response(pairs=tuple(pairs)), "m-crm"),
    ]:
        assert grade(questions[qid], response, bank()).verdict in VERDICTS


def test_a_huge_answer_is_graded() -> None:
    """100,000 characters of everything at once: a verdict for every question (the benchmark times it)."""
    huge = ("以客户为中心，不需要长期关系😀\u202e\x00<b>" * 5_000)[:100_000]
    for qid in sorted(bank().questions):
        result = grade(bank().questions[qid], huge, bank())
        assert result.verdict in VERDICTS
        assert result.verdict != "correct", qid
