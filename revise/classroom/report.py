"""The class report from the class store: per student, per question, per chapter, per paper, trends and mastery.

Two kinds of work, kept apart:

* **Counting, in SQL**, where the data is big. Years of answers (``reviews``)
  are reduced in the database to each student's *first* answer to each
  question (:data:`FIRST_ANSWERS`): at most students x questions rows,
  whatever the number of answers. Activity, chapters, papers and weekly
  trends are plain counts and means (:data:`COUNTS`).
* **Item statistics, once, in** :mod:`revise.marking.item_stats`. The first
  answers become :class:`~revise.marking.item_stats.Mark` rows (one point a
  question, the chapter as the section) and go through the same
  :class:`~revise.marking.item_stats.ClassAccumulator` as ``revise grade
  --report``: ranks, facility, discrimination (upper and lower 27 %),
  common wrong answers, mean, spread, histogram and Cronbach's alpha are
  that module's code. Practice data is sparse (students meet different
  questions), so the statistics are taken with ``skip_unanswered``: a
  student is measured by their score rate over the questions they did, a
  question over the students who did it.

The report is laid out by :mod:`revise.marking.report` (the same tables and
HTML page as class marking, with the class store's tables added) and written
by :mod:`revise.marking.writing` (.xlsx through openpyxl, every cell
formula-safe); :func:`render_text` prints the same tables on a terminal.

Only teachers may produce it: :func:`build_report` refuses other roles, and
the database refuses them too (students' roles read only their own rows).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from revise.classroom.classstore import ClassStoreError, is_teacher
from revise.marking.item_stats import ClassAccumulator, ClassStats, Mark
from revise.marking.report import Table, tables

if TYPE_CHECKING:
    import psycopg

# The longest answer text fetched for grouping wrong answers (item_stats groups on the first 80 characters).
ANSWER_CHARS = 400


class NotATeacherError(ClassStoreError):
    """The connected role may not read the whole class."""


@dataclass
class ClassReport:
    """The class report: the item statistics, members' names, and the class store's own tables."""

    made_at: datetime
    paper: str | None
    stats: ClassStats
    names: dict[str, str] = field(default_factory=dict)
    extra: list[Table] = field(default_factory=list)  # activity, chapters, papers, trends (counted in SQL)

    def tables(self) -> list[Table]:
        """Every table of the report: the marking report's (paper, students, questions), then the class store's."""
        return [*tables(self.stats, self.names, None), *self.extra]

    def table(self, title: str) -> Table:
        """The table with this title."""
        return next(table for table in self.tables() if table.title == title)


# First answers, optionally restricted to one paper's exam answers (%(paper)s is NULL for all).
FIRSTS = """
firsts AS (
    SELECT DISTINCT ON (r.student_id, r.question_id) r.student_id, r.question_id, r.score, r.verdict, r.response, r.reviewed_at
    FROM reviews r
    WHERE r.kind = 'answer'
      AND (%(paper)s::text IS NULL OR (r.mode = 'exam' AND EXISTS (
            SELECT 1 FROM exam_answers a JOIN exam_attempts t USING (student_id, store_id)
            WHERE t.local_id = a.attempt_id AND a.student_id = r.student_id AND a.question_id = r.question_id AND t.paper_id = %(paper)s)))
    ORDER BY r.student_id, r.question_id, r.reviewed_at, r.local_id
),
chapters AS (SELECT DISTINCT ON (question_id) question_id, chapter FROM bank_questions ORDER BY question_id, bank_version DESC)
"""

# One row per (student, question): the first answer, its chapter, and its text only when it was not correct.
FIRST_ANSWERS = (
    "WITH "
    + FIRSTS
    + f"""
SELECT f.student_id, f.question_id, f.score, coalesce(c.chapter, ''), f.verdict = 'correct',
       CASE WHEN f.verdict = 'correct' THEN '' ELSE left(f.response, {ANSWER_CHARS}) END
FROM firsts f LEFT JOIN chapters c USING (question_id)
ORDER BY coalesce(c.chapter, ''), f.question_id, f.student_id
"""
)

COUNTS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "activity": (
        "学生练习情况",
        ("学号", "姓名", "答题次数", "做过的题", "最近一次"),
        """
        SELECT m.student_id, m.name, count(r.*) FILTER (WHERE r.kind = 'answer'), count(DISTINCT r.question_id), max(r.reviewed_at)
        FROM class_members m LEFT JOIN reviews r ON r.student_id = m.student_id
        WHERE m.role = 'student'
        GROUP BY m.student_id, m.name
        ORDER BY m.student_id
        """,
    ),
    "chapters": (
        "每章",
        ("章节", "答题数", "得分率", "做过的学生", "全班平均掌握度", "掌握度≥0.8 的学生"),
        """
        WITH chapters AS (SELECT DISTINCT ON (question_id) question_id, chapter FROM bank_questions ORDER BY question_id, bank_version DESC),
        latest AS (
            SELECT DISTINCT ON (r.student_id, r.question_id) r.student_id, r.question_id, r.score
            FROM reviews r WHERE r.kind = 'answer' ORDER BY r.student_id, r.question_id, r.reviewed_at DESC, r.local_id DESC
        ),
        sizes AS (SELECT chapter, count(*) AS questions FROM chapters GROUP BY chapter),
        students AS (SELECT student_id FROM class_members WHERE role = 'student'),
        mastery AS (
            SELECT s.chapter, st.student_id, coalesce(sum(l.score), 0) / s.questions AS level
            FROM sizes s CROSS JOIN students st
            LEFT JOIN chapters c ON c.chapter = s.chapter
            LEFT JOIN latest l ON l.question_id = c.question_id AND l.student_id = st.student_id
            GROUP BY s.chapter, st.student_id, s.questions
        ),
        answered AS (
            SELECT c.chapter, count(*) AS answers, avg(r.score) AS rate, count(DISTINCT r.student_id) AS students
            FROM reviews r JOIN chapters c USING (question_id) WHERE r.kind = 'answer' GROUP BY c.chapter
        )
        SELECT s.chapter, coalesce(a.answers, 0), round(a.rate::numeric, 3), coalesce(a.students, 0),
               round(avg(m.level)::numeric, 3), count(*) FILTER (WHERE m.level >= 0.8)
        FROM sizes s LEFT JOIN answered a USING (chapter) LEFT JOIN mastery m USING (chapter)
        GROUP BY s.chapter, a.answers, a.rate, a.students
        ORDER BY s.chapter
        """,
    ),
    "papers": (
        "每份试卷",
        ("试卷", "学号", "交卷时间", "得分", "满分"),
        """
        SELECT t.paper_id, t.student_id, t.submitted_at,
               round((t.base_score + coalesce((SELECT sum(j.points - j.previous_points) FROM exam_adjustments j
                      WHERE j.student_id = t.student_id AND j.store_id = t.store_id AND j.attempt_id = t.local_id), 0))::numeric, 2),
               t.max_score
        FROM exam_attempts t
        WHERE %(paper)s::text IS NULL OR t.paper_id = %(paper)s
        ORDER BY t.paper_id, t.student_id, t.submitted_at
        """,
    ),
    "trends": (
        "每周趋势",
        ("周（起）", "答题数", "得分率", "活跃学生"),
        """
        SELECT to_char(date_trunc('week', reviewed_at), 'YYYY-MM-DD'), count(*), round(avg(score)::numeric, 3), count(DISTINCT student_id)
        FROM reviews WHERE kind = 'answer' GROUP BY 1 ORDER BY 1
        """,
    ),
}


def first_answer_marks(connection: psycopg.Connection, paper: str | None) -> Iterator[Mark]:
    """Each student's first answer to each question as a :class:`Mark` (one point a question, the chapter as section), streamed."""
    with connection.cursor() as cursor:
        for student, question, score, chapter, correct, answer in cursor.stream(FIRST_ANSWERS.encode(), {"paper": paper}):
            yield Mark(str(student), str(question), float(score), 1.0, str(chapter), str(answer or ""), bool(correct))


def class_stats_from_store(connection: psycopg.Connection, paper: str | None = None) -> ClassStats:
    """The item statistics of the class (first answers; see the module docstring), computed by :mod:`revise.marking.item_stats`."""
    accumulator = ClassAccumulator()
    for mark in first_answer_marks(connection, paper):
        accumulator.add(mark)
    return accumulator.result(skip_unanswered=True)


def _value(value: Any) -> object:
    """A database value as a table cell: numbers stay numbers, times are local, NULL is empty."""
    from decimal import Decimal

    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    return value


def build_report(connection: psycopg.Connection, *, paper: str | None = None, now: datetime | None = None) -> ClassReport:
    """The class report; :class:`NotATeacherError` unless the connection's role is a teacher's (or the owner's)."""
    from revise.clock import utc_now

    if not is_teacher(connection):
        raise NotATeacherError("只有教师账号可以生成班级报告")
    stats = class_stats_from_store(connection, paper)
    names = {str(student): str(name) for student, name in connection.execute("SELECT student_id, name FROM class_members").fetchall()}
    extra = []
    for title, headers, query in COUNTS.values():
        rows = connection.execute(query.encode(), {"paper": paper}).fetchall()
        extra.append(Table(title, list(headers), [[_value(value) for value in row] for row in rows]))
    return ClassReport(now or utc_now(), paper, stats, names, extra)


def _heading(report: ClassReport) -> str:
    made = report.made_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"班级报告（{made}）" + (f"　试卷 {report.paper}" if report.paper else "")


def render_text(report: ClassReport) -> str:
    """The report's tables as aligned plain text (CJK characters count double)."""
    from unicodedata import east_asian_width

    def width(text: str) -> int:
        return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)

    out = [_heading(report)]
    for table in report.tables():
        out.append("")
        out.append(f"== {table.title} ==")
        grid = [list(table.header)] + [["–" if value == "" else str(value) for value in row] for row in table.rows]
        widths = [max(width(row[i]) for row in grid) for i in range(len(table.header))]
        for row in grid:
            out.append("  ".join(cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(row)).rstrip())
        if not table.rows:
            out.append("（暂无数据）")
    return "\n".join(out) + "\n"


def html_parts(report: ClassReport) -> Iterator[str]:
    """The report as the class marking's HTML page (charts included), with the class store's tables after it."""
    from revise.marking.report import html_report_parts

    made = report.made_at.astimezone().strftime("%Y-%m-%d %H:%M")
    source = f"班级数据库，{made}，每位学生每道题的首次作答"
    return html_report_parts(report.stats, report.names, None, title=report.paper or "", source=source, extra=report.extra, heading="班级报告")


def render_html(report: ClassReport) -> str:
    """The whole HTML page as one string."""
    return "".join(html_parts(report))


def write_html(report: ClassReport, path: Path) -> None:
    """Write the HTML report (the file appears only when complete)."""
    from revise.marking.writing import write_text

    write_text(path, html_parts(report))


def write_xlsx(report: ClassReport, path: Path) -> None:
    """Write the report as an .xlsx workbook, one sheet per table, through the marking writer (openpyxl, formula-safe cells)."""
    from revise.marking.writing import write_xlsx_tables

    write_xlsx_tables(path, report.tables())
