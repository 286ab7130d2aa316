"""The class report from the class store: per student, per question, per chapter, per paper, trends and mastery.

The counting is done in SQL (:data:`QUERIES`), so a class of hundreds with
years of answers costs the teacher's machine one round trip per section.
Item statistics follow classical test theory on each student's *first*
answer to a question: facility is the mean score (0-1); discrimination is the
facility among the top 27 % of students (by their mean first-answer score)
minus that among the bottom 27 %.

The rows come out as plain tuples (:class:`Section`), which
:func:`render_text`, :func:`render_html` and :func:`render_xlsx` lay out;
:func:`item_rows` is the seam where the marking module's item statistics
(``revise.marking.item_stats``, pure functions over rows) can take over from
SQL once it exists.

Only teachers may produce it: :func:`build_report` refuses other roles, and
the database refuses them too (students' roles read only their own rows).
"""

from __future__ import annotations

import html
import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from revise.classroom.classstore import ClassStoreError, is_teacher

if TYPE_CHECKING:
    import psycopg


class NotATeacherError(ClassStoreError):
    """The connected role may not read the whole class."""


@dataclass
class Section:
    """One table of the report."""

    key: str
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class ClassReport:
    """Every section of the class report, with when and for which paper it was made."""

    made_at: datetime
    paper: str | None
    sections: list[Section]

    def section(self, key: str) -> Section:
        """The section with this key."""
        return next(section for section in self.sections if section.key == key)


# First answers, optionally restricted to one paper's exam answers (%(paper)s is NULL for all).
FIRSTS = """
firsts AS (
    SELECT DISTINCT ON (r.student_id, r.question_id) r.student_id, r.question_id, r.score, r.reviewed_at
    FROM reviews r
    WHERE r.kind = 'answer'
      AND (%(paper)s::text IS NULL OR (r.mode = 'exam' AND EXISTS (
            SELECT 1 FROM exam_answers a JOIN exam_attempts t USING (student_id, store_id)
            WHERE t.local_id = a.attempt_id AND a.student_id = r.student_id AND a.question_id = r.question_id AND t.paper_id = %(paper)s)))
    ORDER BY r.student_id, r.question_id, r.reviewed_at, r.local_id
),
totals AS (SELECT student_id, avg(score) AS total FROM firsts GROUP BY student_id),
ranked AS (SELECT student_id, total, cume_dist() OVER (ORDER BY total) AS position FROM totals),
chapters AS (SELECT DISTINCT ON (question_id) question_id, chapter FROM bank_questions ORDER BY question_id, bank_version DESC)
"""

QUERIES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "students": (
        "每位学生",
        ("学号", "姓名", "答题数", "做过的题", "首答得分率", "最近一次"),
        """
        WITH """
        + FIRSTS
        + """
        SELECT m.student_id, m.name, count(r.*) FILTER (WHERE r.kind = 'answer'), count(DISTINCT r.question_id),
               round(t.total::numeric, 3), max(r.reviewed_at)
        FROM class_members m
        LEFT JOIN reviews r ON r.student_id = m.student_id
        LEFT JOIN totals t ON t.student_id = m.student_id
        WHERE m.role = 'student'
        GROUP BY m.student_id, m.name, t.total
        ORDER BY m.student_id
        """,
    ),
    "questions": (
        "每道题（首答）",
        ("题号", "章节", "作答人数", "难度系数（得分率）", "区分度"),
        """
        WITH """
        + FIRSTS
        + """
        SELECT f.question_id, coalesce(c.chapter, ''), count(*), round(avg(f.score)::numeric, 3),
               round((avg(f.score) FILTER (WHERE k.position > 0.73) - avg(f.score) FILTER (WHERE k.position <= 0.27))::numeric, 3)
        FROM firsts f JOIN ranked k USING (student_id) LEFT JOIN chapters c USING (question_id)
        GROUP BY f.question_id, c.chapter
        ORDER BY avg(f.score), f.question_id
        """,
    ),
    "chapters": (
        "每章",
        ("章节", "答题数", "得分率", "做过的学生", "全班平均掌握度", "掌握度≥0.8 的学生"),
        """
        WITH """
        + FIRSTS
        + """,
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


def item_rows(connection: psycopg.Connection, paper: str | None) -> list[tuple[Any, ...]]:
    """Per-question facility and discrimination, counted in SQL (the adapter the marking module's item statistics can replace)."""
    return list(connection.execute(QUERIES["questions"][2].encode(), {"paper": paper}).fetchall())


def build_report(connection: psycopg.Connection, *, paper: str | None = None, now: datetime | None = None) -> ClassReport:
    """The class report; :class:`NotATeacherError` unless the connection's role is a teacher's (or the owner's)."""
    from revise.clock import utc_now

    if not is_teacher(connection):
        raise NotATeacherError("只有教师账号可以生成班级报告")
    sections = []
    for key, (title, headers, query) in QUERIES.items():
        rows = item_rows(connection, paper) if key == "questions" else list(connection.execute(query.encode(), {"paper": paper}).fetchall())
        sections.append(Section(key, title, headers, rows))
    return ClassReport(now or utc_now(), paper, sections)


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    return str(value)


def render_text(report: ClassReport) -> str:
    """The report as aligned plain-text tables (CJK characters count double)."""
    from unicodedata import east_asian_width

    def width(text: str) -> int:
        return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)

    out = [f"班级报告（{_cell(report.made_at)}）" + (f"　试卷 {report.paper}" if report.paper else "")]
    for section in report.sections:
        out.append("")
        out.append(f"== {section.title} ==")
        table = [list(section.headers)] + [[_cell(value) for value in row] for row in section.rows]
        widths = [max(width(row[i]) for row in table) for i in range(len(section.headers))]
        for row in table:
            out.append("  ".join(cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(row)).rstrip())
        if not section.rows:
            out.append("（暂无数据）")
    return "\n".join(out) + "\n"


def render_html(report: ClassReport) -> str:
    """The report as a self-contained HTML page (every value escaped)."""
    parts = [
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>班级报告</title>",
        "<style>body{font-family:system-ui,'Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif;margin:2em}"
        "table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #999;padding:.2em .6em}th{background:#eee}</style></head><body>",
        f"<h1>班级报告</h1><p>{html.escape(_cell(report.made_at))}" + (f"，试卷 {html.escape(report.paper)}" if report.paper else "") + "</p>",
    ]
    for section in report.sections:
        parts.append(f"<h2>{html.escape(section.title)}</h2><table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in section.headers) + "</tr>")
        for row in section.rows:
            parts.append("<tr>" + "".join(f"<td>{html.escape(_cell(value))}</td>" for value in row) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _xlsx_value(value: Any) -> str:
    from decimal import Decimal

    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return f"<c><v>{value}</v></c>"
    text = _cell(value)
    if text[:1] in ("=", "+", "-", "@") and not text.replace(".", "", 1).lstrip("-").isdigit():
        text = "'" + text  # never a formula
    return f'<c t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def render_xlsx(report: ClassReport) -> bytes:
    """The report as an .xlsx workbook, one sheet per section (written with zipfile; no extra dependency)."""
    sheets = []
    for section in report.sections:
        rows = [section.headers, *section.rows]
        body = "".join(
            "<row>" + "".join(_xlsx_value(v) if i else f'<c t="inlineStr"><is><t>{escape(str(v))}</t></is></c>' for v in row) + "</row>"
            for i, row in enumerate(rows)
        )
        sheets.append(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>'
        )
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook {ns}><sheets>'
        + "".join(f'<sheet name="{escape(s.title[:31])}" sheetId="{i}" r:id="rId{i}"/>' for i, s in enumerate(report.sections, 1))
        + "</sheets></workbook>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        + "</Relationships>"
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        + "</Types>"
    )
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        for i, sheet in enumerate(sheets, 1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", sheet)
    return buffer.getvalue()
