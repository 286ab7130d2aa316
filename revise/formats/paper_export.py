"""Printable papers for a classroom: Markdown or HTML, with a separate answer key."""

from __future__ import annotations

import html
from pathlib import Path

from revise.bank.model import BLANK_RE, Bank, ChoiceQuestion, FillQuestion, JudgeQuestion, MultiQuestion, NumericQuestion, letter
from revise.bank.papers import DrawnPaper, DrawnQuestion
from revise.grading import expected_text

ANSWER_LINES = {"short": 6, "essay": 14, "numeric": 3}
BLANK = "＿＿＿＿＿＿"


def expected_answer(drawn: DrawnQuestion) -> str:
    """The canonical answer as the grader shows it."""
    return expected_text(drawn.question, drawn.params or None)


def _points(value: float) -> str:
    return f"{value:g}分"


def _prompt(drawn: DrawnQuestion) -> str:
    question = drawn.question
    prompt = drawn.prompt
    if isinstance(question, FillQuestion):
        prompt = BLANK_RE.sub(BLANK, prompt)
    if isinstance(question, JudgeQuestion):
        prompt += "（　　）"
    return prompt


def render_markdown(paper: DrawnPaper, bank: Bank) -> tuple[str, str]:
    """The paper and its answer key, as Markdown."""
    blueprint = paper.paper
    lines = [f"# {blueprint.title}", "", f"考试时间：{blueprint.minutes}分钟　满分：{blueprint.total_points:g}分　试卷编号：{blueprint.id}-{paper.seed}", "", "姓名：＿＿＿＿＿＿　学号：＿＿＿＿＿＿　得分：＿＿＿＿", ""]
    key = [f"# {blueprint.title}（答案与解析）", "", f"试卷编号：{blueprint.id}-{paper.seed}", ""]
    for index, section in enumerate(blueprint.sections):
        lines += [f"## {section.title}", "", f"（共{section.count}题，每题{_points(section.points)}，共{_points(section.total)}）", ""]
        key += [f"## {section.title}", ""]
        for drawn in paper.section_questions(index):
            lines.append(f"{drawn.number}. {_prompt(drawn)}（{_points(drawn.points)}）")
            question = drawn.question
            if isinstance(question, (ChoiceQuestion, MultiQuestion)):
                lines.append("")
                lines += [f"    {letter(i)}. {option}" for i, option in enumerate(question.options)]
            elif question.type == "truefalse":
                lines.append("")
                lines.append("    （　）对　（　）错")
            elif isinstance(question, JudgeQuestion):
                lines += ["", "    改正：＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿"]
            elif question.type in ANSWER_LINES:
                unit = f"（单位：{question.unit}）" if isinstance(question, NumericQuestion) and question.unit else ""
                lines += ["", f"    答{unit}："] + ["    ＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿"] * ANSWER_LINES[question.type]
            lines.append("")
            key.append(f"{drawn.number}. 答案：{expected_answer(drawn)}")
            if question.type in ("short", "essay"):
                key += ["", "    参考答案：" + " ".join(question.answer.split())]  # type: ignore[attr-defined]
                points = "；".join(point.label for point in question.keypoints)  # type: ignore[attr-defined]
                key.append(f"    得分要点：{points}")
            if question.explanation:
                key.append(f"    解析：{question.explanation}")
            key.append("")
    return "\n".join(lines).rstrip() + "\n", "\n".join(key).rstrip() + "\n"


def render_html(paper: DrawnPaper, bank: Bank) -> tuple[str, str]:
    """The paper and its answer key, as standalone HTML pages that print cleanly."""
    paper_md, key_md = render_markdown(paper, bank)
    return _markdown_to_html(paper_md, paper.paper.title), _markdown_to_html(key_md, paper.paper.title + "（答案与解析）")


def _markdown_to_html(markdown: str, title: str) -> str:
    """The tiny subset of Markdown that render_markdown writes, as HTML; all text is escaped."""
    body = []
    for line in markdown.splitlines():
        text = html.escape(line.strip())
        if line.startswith("# "):
            body.append(f"<h1>{html.escape(line[2:])}</h1>")
        elif line.startswith("## "):
            body.append(f"<h2>{html.escape(line[3:])}</h2>")
        elif not line.strip():
            continue
        elif line.startswith("    "):
            body.append(f'<p class="indent">{text}</p>')
        else:
            body.append(f"<p>{text}</p>")
    style = (
        "body{font-family:'Noto Serif CJK SC','Songti SC',SimSun,serif;max-width:48em;margin:2em auto;line-height:1.8}"
        "h1{text-align:center;font-size:1.5em}h2{font-size:1.15em;margin-top:1.5em}"
        ".indent{margin:0 0 0 2em}@media print{body{margin:0}h2{break-after:avoid}}"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>{html.escape(title)}</title>\n'
        f"<style>{style}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def write_paper(paper: DrawnPaper, bank: Bank, out: Path) -> tuple[Path, Path]:
    """Write the paper to `out` and its answer key beside it (`NAME.key.EXT`); the format follows the extension."""
    suffix = out.suffix.lower()
    if suffix in (".md", ".markdown"):
        paper_text, key_text = render_markdown(paper, bank)
    elif suffix in (".html", ".htm"):
        paper_text, key_text = render_html(paper, bank)
    else:
        raise ValueError(f"unknown format {out.suffix or '(none)'}: use .md or .html")
    key_path = out.with_name(f"{out.stem}.key{out.suffix}")
    out.write_text(paper_text, encoding="utf-8")
    key_path.write_text(key_text, encoding="utf-8")
    return out, key_path
