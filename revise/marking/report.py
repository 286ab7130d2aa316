"""The class report: the same tables for the HTML page and the .xlsx sheets.

The HTML is one self-contained file: inline CSS and SVG charts, no scripts,
no external fonts or images, so it opens offline and prints. Every piece of
student or bank text goes through :func:`html.escape`.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from revise.marking.item_stats import ClassStats, QuestionStat, section_full_marks

# Below this a question separates strong and weak students poorly (a common rule of thumb).
LOW_DISCRIMINATION = 0.2
MAX_PROMPT_CHARS = 40


@dataclass(frozen=True)
class Table:
    """A titled table: header cells and rows of text or numbers."""

    title: str
    header: list[str]
    rows: list[list[object]]


def number(value: float | None, digits: int = 2) -> object:
    """A rounded number, or an empty cell for None."""
    if value is None:
        return ""
    rounded = round(value, digits)
    return int(rounded) if float(rounded).is_integer() else rounded


def wrong_text(question: QuestionStat) -> str:
    """The most common wrong answers with counts, as "B（12）；C（3）"."""
    return "；".join(f"{answer}（{count}）" for answer, count in question.wrong_answers)


def summary_rows(stats: ClassStats, errors: int = 0) -> list[list[object]]:
    """The paper's figures (before the histogram's bands): totals in points, or score rates for practice data."""
    paper = stats.paper
    if stats.by_rate:
        return [
            ["学生人数", paper.students],
            ["题目数", paper.questions],
            ["平均得分率", number(paper.mean, 3)],
            ["得分率标准差", number(paper.sd, 3)],
            ["最低得分率", number(paper.minimum, 3)],
            ["最高得分率", number(paper.maximum, 3)],
            ["Cronbach's α（信度，只算做过全部题目的学生）", number(paper.alpha, 3)],
        ]
    return [
        ["学生人数", paper.students],
        ["题目数", paper.questions],
        ["满分", number(paper.full_marks)],
        ["平均分", number(paper.mean)],
        ["标准差", number(paper.sd)],
        ["最低分", number(paper.minimum)],
        ["最高分", number(paper.maximum)],
        ["Cronbach's α（信度）", number(paper.alpha, 3)],
        ["重复作答（以最后一次为准）", stats.duplicates],
        ["无法评分的行", errors],
    ]


def tables(stats: ClassStats, names: Mapping[str, str], prompts: Mapping[str, str] | None, errors: int = 0) -> list[Table]:
    """The report's tables: the paper, the students, the questions (without a 题目 column when `prompts` is None)."""
    paper = stats.paper
    band = "得分率" if stats.by_rate else "分数段"
    summary = Table("试卷统计", ["项目", "数值"], summary_rows(stats, errors))
    summary.rows.extend([[f"{band} {number(b.low)}–{number(b.high)}", b.count] for b in paper.histogram])
    full = section_full_marks(stats)
    section_headers = list(stats.sections) if stats.by_rate else [f"{section}（{number(full[section])}）" for section in stats.sections]
    rate_header = ["得分率"] if stats.by_rate else []
    students = Table(
        "学生成绩",
        ["名次", "学生", "姓名", "总分", "所做题满分" if stats.by_rate else "满分", *rate_header, *section_headers, "作答题数"],
        [
            [
                s.rank,
                s.student,
                names.get(s.student, ""),
                number(s.total),
                number(s.full_marks),
                *([number(s.rate, 3)] if stats.by_rate else []),
                *[number(s.sections.get(section, 0.0)) for section in stats.sections],
                s.answered,
            ]
            for s in stats.students
        ],
    )
    prompt_header = ["题目"] if prompts is not None else []
    questions = Table(
        "题目分析",
        ["题号", *prompt_header, "大题", "满分", "作答人数", "平均得分", "得分率", "区分度", "答对人数", "未作答", "常见错误答案（人数）"],
        [
            [
                q.question,
                *([prompts.get(q.question, "")] if prompts is not None else []),
                q.section,
                number(q.full_marks),
                q.students,
                number(q.mean),
                number(q.facility),
                number(q.discrimination),
                q.correct,
                q.blank,
                wrong_text(q),
            ]
            for q in stats.questions
        ],
    )
    return [summary, students, questions]


# -- HTML -----------------------------------------------------------------------------------------

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}
th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#eee}td.n{text-align:right}tr.low td{background:#fff3f0}
.note{color:#666;font-size:.85em}
svg text{font-size:11px;fill:#333}
@media print{body{margin:0}h2{break-after:avoid}table,svg{break-inside:avoid}}
"""


def _cell(value: object) -> str:
    css = ' class="n"' if isinstance(value, (int, float)) else ""
    return f"<td{css}>{html.escape(str(value))}</td>"


def _table(table: Table, low_rows: Sequence[bool] = ()) -> Iterator[str]:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in table.header)
    yield f"<table><thead><tr>{head}</tr></thead><tbody>"
    for index, row in enumerate(table.rows):
        css = ' class="low"' if index < len(low_rows) and low_rows[index] else ""
        yield f"<tr{css}>{''.join(_cell(v) for v in row)}</tr>"
    yield "</tbody></table>"


def histogram_svg(stats: ClassStats) -> str:
    """Bars of the number of students per score band."""
    bins = stats.paper.histogram
    if not bins:
        return ""
    width, height, left, bottom = 640, 240, 36, 40
    top = max(b.count for b in bins) or 1
    bar = (width - left - 10) / len(bins)
    parts = [f'<svg width="{width}" height="{height}" role="img" aria-label="分数分布">']
    parts.append(f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#333"/>')
    for i, b in enumerate(bins):
        h = (height - bottom - 20) * b.count / top
        x = left + i * bar
        y = height - bottom - h
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{bar - 4:.1f}" height="{h:.1f}" fill="#4a7bd0"><title>{html.escape(f"{number(b.low)}–{number(b.high)}：{b.count} 人")}</title></rect>'
        )
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">{b.count}</text>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle">{html.escape(str(number(b.low)))}–</text>')
    axis = "得分率" if stats.by_rate else "总分"
    parts.append(f'<text x="{width / 2:.0f}" y="{height - 6}" text-anchor="middle">{axis}</text></svg>')
    return "".join(parts)


def facility_svg(stats: ClassStats) -> str:
    """One bar per question: its facility, red when it discriminates poorly."""
    questions = stats.questions
    if not questions:
        return ""
    row, label, width = 18, 200, 640
    height = row * len(questions) + 30
    span = width - label - 60
    parts = [f'<svg width="{width}" height="{height}" role="img" aria-label="各题得分率">']
    for i, q in enumerate(questions):
        y = 10 + i * row
        value = q.facility or 0.0
        low = q.discrimination is not None and q.discrimination < LOW_DISCRIMINATION
        colour = "#d0584a" if low else "#4a7bd0"
        name = q.question if len(q.question) <= 28 else q.question[:27] + "…"
        parts.append(f'<text x="{label - 6}" y="{y + 12}" text-anchor="end">{html.escape(name)}</text>')
        parts.append(f'<rect x="{label}" y="{y + 2}" width="{span * max(0.0, min(1.0, value)):.1f}" height="{row - 5}" fill="{colour}"/>')
        parts.append(f'<text x="{label + span * max(0.0, min(1.0, value)) + 4:.1f}" y="{y + 12}">{value:.0%}</text>')
    parts.append("</svg>")
    return "".join(parts)


def html_report_parts(
    stats: ClassStats,
    names: Mapping[str, str],
    prompts: Mapping[str, str] | None,
    *,
    title: str,
    source: str,
    errors: int = 0,
    extra: Sequence[Table] = (),
    heading: str = "班级成绩报告",
) -> Iterator[str]:
    """The report as one HTML page, in pieces: a big class is written out without one huge string.

    `extra` tables (e.g. the class store's chapters and trends) follow the students' table.
    """
    summary, students, questions = tables(stats, names, prompts, errors)
    low = [q.discrimination is not None and q.discrimination < LOW_DISCRIMINATION for q in stats.questions]
    heading = f"{heading}：{title}" if title else heading
    alpha = stats.paper.alpha
    alpha_note = "（α ≥ 0.7 一般认为试卷内部一致性较好）" if alpha is not None else "（题目或学生太少，无法计算）"
    yield '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
    yield "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    yield f"<title>{html.escape(heading)}</title><style>{_CSS}</style></head><body>"
    yield f"<h1>{html.escape(heading)}</h1>"
    yield f'<p class="note">数据来源：{html.escape(source)}。以下评分为自动评分，简答、论述题请教师复核。</p>'
    yield "<h2>试卷统计</h2>"
    yield from _table(Table(summary.title, summary.header, summary.rows[: len(summary.rows) - len(stats.paper.histogram)]))
    yield f'<p class="note">Cronbach\'s α = {html.escape(str(number(alpha, 3)) or "—")}{alpha_note}；标准差为样本标准差。</p>'
    if stats.by_rate:
        yield '<p class="note">练习数据：每位学生按所做题目的得分率排名，每道题只算做过它的学生（首次作答）。</p>'
    yield "<h2>分数分布</h2>"
    yield histogram_svg(stats)
    yield "<h2>各题得分率</h2>"
    yield f'<p class="note">红色：区分度低于 {LOW_DISCRIMINATION}（高分组与低分组各取 27%），值得检查题目或答案。</p>'
    yield facility_svg(stats)
    yield "<h2>题目分析</h2>"
    yield from _table(questions, low)
    yield "<h2>学生成绩</h2>"
    yield from _table(students)
    for table in extra:
        yield f"<h2>{html.escape(table.title)}</h2>"
        yield from _table(table) if table.rows else iter(['<p class="note">（暂无数据）</p>'])
    yield "</body></html>\n"


def html_report(
    stats: ClassStats, names: Mapping[str, str], prompts: Mapping[str, str] | None, *, title: str, source: str, errors: int = 0, extra: Sequence[Table] = ()
) -> str:
    """The whole report as one HTML string."""
    return "".join(html_report_parts(stats, names, prompts, title=title, source=source, errors=errors, extra=extra))
