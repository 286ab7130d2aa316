"""The class report on a real PostgreSQL: SQL reduces the answers, revise.marking.item_stats computes the statistics.

The reduction in SQL (each student's first answer to each question) is
checked against the same reduction done in Python on the same rows, and the
report's statistics against :func:`revise.marking.item_stats.class_stats` on
those first answers: one definition of facility, discrimination, ranks and
Cronbach's alpha, whichever path the data took.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg
import pytest

from revise.bank.loader import load_bank
from revise.classroom.classstore import member_url
from revise.classroom.report import NotATeacherError, build_report, render_html, render_text, write_html, write_xlsx
from revise.marking.item_stats import Mark, class_stats
from tests.classroom.conftest import FIXTURE_BANK, ClassSetup

pytestmark = pytest.mark.slow  # starts PostgreSQL

START = datetime(2024, 3, 4, 8, 0, tzinfo=timezone.utc)
HOSTILE = '=HYPERLINK("http://x")<script>'


def _fill(url: str, bank_version: str, seed: int = 7) -> list[tuple[str, str, float, str, str, datetime, int]]:
    """Twelve more students with answers (several to a question, in shuffled insert order); the rows inserted."""
    bank = load_bank([FIXTURE_BANK]).bank
    questions = sorted(bank.questions)[:8]
    rng = random.Random(seed)
    rows = []
    students = [f"s1{n:02d}" for n in range(12)]
    local = 0
    for student in students:
        for question in questions:
            if rng.random() < 0.3:
                continue  # practice data: not everyone meets every question
            for _ in range(rng.randint(1, 3)):
                local += 1
                verdict = rng.choice(["correct", "correct", "partial", "incorrect"])
                score = {"correct": 1.0, "partial": 0.5, "incorrect": 0.0}[verdict]
                response = "客户关系" if verdict == "correct" else rng.choice(["B", "b ", HOSTILE, ""])
                at = START + timedelta(days=rng.randint(0, 20), minutes=rng.randint(0, 600))
                rows.append((student, question, score, verdict, response, at, local))
    rng.shuffle(rows)
    with psycopg.connect(url) as connection, connection.transaction():
        for student in students:
            connection.execute("INSERT INTO class_members (student_id, name, role) VALUES (%s, %s, 'student')", (student, f"学生{student}"))
        for student, question, score, verdict, response, at, local in rows:
            connection.execute(
                "INSERT INTO reviews (student_id, store_id, local_id, bank_version, question_id, question_type, reviewed_at, kind, response, verdict, score, rating, mode)"
                " VALUES (%s, 'store', %s, %s, %s, 'fill', %s, 'answer', %s, %s, %s, 3, 'practice')",
                (student, local, bank_version, question, at, response, verdict, score),
            )
    return rows


def _first_answer_marks(rows: list[tuple[str, str, float, str, str, datetime, int]]) -> list[Mark]:
    """The first answer of each student to each question, as Marks, reduced in Python (the SQL's order: chapter, question, student)."""
    bank = load_bank([FIXTURE_BANK]).bank
    first: dict[tuple[str, str], tuple[str, str, float, str, str, datetime, int]] = {}
    for row in sorted(rows, key=lambda r: (r[5], r[6])):
        first.setdefault((row[0], row[1]), row)
    marks = [
        Mark(student, question, score, 1.0, bank.questions[question].chapter, "" if verdict == "correct" else response, verdict == "correct")
        for (student, question, score, verdict, response, _at, _local) in first.values()
    ]
    return sorted(marks, key=lambda m: (m.section, m.question, m.student))


def test_the_report_is_item_stats_over_the_first_answers_reduced_in_sql(classroom: ClassSetup) -> None:
    rows = _fill(classroom.url, classroom.bank_version)
    with psycopg.connect(classroom.url) as connection:
        report = build_report(connection)
    expected = class_stats(_first_answer_marks(rows), skip_unanswered=True)
    assert report.stats == expected  # the same statistics, to the last bit, from the same code
    assert report.stats.by_rate and report.stats.paper.students == 12
    assert any(q.discrimination is not None for q in report.stats.questions)
    # The counts that stay in SQL agree with the raw rows too.
    activity = report.table("学生练习情况")
    assert sum(row[2] for row in activity.rows) == len(rows)
    trends = report.table("每周趋势")
    assert sum(row[1] for row in trends.rows) == len(rows) and sum(row[1] for row in trends.rows[:1]) > 0
    bank = load_bank([FIXTURE_BANK]).bank
    for chapter, answers, rate, *_ in report.table("每章").rows:
        scores = [r[2] for r in rows if bank.questions[r[1]].chapter == chapter]
        assert answers == len(scores)
        if scores:
            assert rate == pytest.approx(round(sum(scores) / len(scores), 3))


def test_the_report_is_written_by_the_marking_writers_formula_safe_and_escaped(classroom: ClassSetup, tmp_path: Path) -> None:
    import openpyxl

    _fill(classroom.url, classroom.bank_version)
    with psycopg.connect(classroom.url) as connection:
        report = build_report(connection)
    out = tmp_path / "report.xlsx"
    write_xlsx(report, out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["试卷统计", "学生成绩", "题目分析", "学生练习情况", "每章", "每份试卷", "每周趋势"]
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    texts = [str(cell.value) for cell in cells if cell.value is not None]
    assert any(text.startswith("'=HYPERLINK") for text in texts)  # a common wrong answer, shown as text
    questions = [[cell.value for cell in row] for row in book["题目分析"].iter_rows()]
    assert questions[0][:8] == ["题号", "大题", "满分", "作答人数", "平均得分", "得分率", "区分度", "答对人数"]
    assert isinstance(questions[1][5], float)  # numbers stay numbers

    page = tmp_path / "report.html"
    write_html(report, page)
    html = page.read_text(encoding="utf-8")
    assert html == render_html(report)
    assert "<script>" not in html.lower() and "&lt;script&gt;" in html.lower()  # wrong answers are grouped upper-cased
    assert "<svg" in html and "Cronbach" in html and "每周趋势" in html
    text = render_text(report)
    assert "学生s100" in text and "== 题目分析 ==" in text


def test_a_students_role_gets_no_report(classroom: ClassSetup) -> None:
    with psycopg.connect(member_url(classroom.url, classroom.roster, "s001")) as connection, pytest.raises(NotATeacherError):
        build_report(connection)
