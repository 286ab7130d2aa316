"""Printable papers for a classroom: Markdown, HTML or Word, each with an answer sheet (答题卡) and a separate key.

A paper is first laid out as :class:`Block` items (headings, question
lines, option rows, answer lines); each writer renders those, escaping bank
text for its format, so no bank text becomes markup. Options print in the
order drawn for the paper, and the key gives the letters as printed, with
question ids and drawn values so a teacher can trace every item.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from revise.bank.model import BLANK_RE, Bank, JudgeQuestion, MatchQuestion, NumericQuestion, ShortQuestion, format_number, letter
from revise.bank.papers import DrawnPaper, DrawnQuestion, marking_rules
from revise.grading import expected_text

ANSWER_LINES = {"short": 6, "essay": 14, "numeric": 3}
BLANK = "＿＿＿＿＿＿"
# Options whose widest is at most this many characters share one line (two lines when up to twice as wide).
ONE_LINE_CHARS = 8


@dataclass(frozen=True)
class Block:
    """One printable item: kind is title, meta, section, note, question, options, match, lines, key or keytext.

    A `match` block has the numbered left items in `items` and the lettered
    right items, in printed order, in `right`.
    """

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    number: int = 0
    right: tuple[str, ...] = ()


def _points(value: float) -> str:
    return f"{value:g}分"


def prompt_text(drawn: DrawnQuestion) -> str:
    """The question as printed: blanks drawn as a line, a judge's bracket for the mark."""
    prompt = BLANK_RE.sub(BLANK, drawn.prompt)
    if drawn.question.type in ("judge", "truefalse"):
        prompt += "（　　）"
    return prompt


def shown_options(drawn: DrawnQuestion) -> list[str]:
    """Options (or match choices) in printed order, lettered."""
    question = drawn.question
    items: tuple[str, ...] = getattr(question, "options", ()) or (question.rights if isinstance(question, MatchQuestion) else ())
    order = drawn.order or tuple(range(len(items)))
    return [f"{letter(position)}. {items[index]}" for position, index in enumerate(order)]


def match_brackets(question: MatchQuestion) -> tuple[str, ...]:
    """Where a student writes a match answer: `1.（　）` for each left item."""
    return tuple(f"{i}.（　　）" for i in range(1, len(question.pairs) + 1))


def match_key_lines(drawn: DrawnQuestion) -> list[str]:
    """A match question's pairs spelled out in the key: `1. 产品 — C. 顾客`."""
    question = drawn.question
    if not isinstance(question, MatchQuestion):
        return []
    order = drawn.order or tuple(range(len(question.rights)))
    position = {bank_index: shown for shown, bank_index in enumerate(order)}
    return [f"{i}. {left} — {letter(position[i - 1])}. {right}" for i, (left, right) in enumerate(question.pairs, 1)]


def key_answer(drawn: DrawnQuestion) -> str:
    """The answer in the paper's own letters: "C", "ACD", "错，应为：沟通", "1-B 2-A", "12 箱"."""
    question = drawn.question
    shown = drawn.shown_key()
    if shown:
        return shown
    if isinstance(question, MatchQuestion):
        order = drawn.order or tuple(range(len(question.rights)))
        position = {bank_index: shown for shown, bank_index in enumerate(order)}
        return "　".join(f"{number}-{letter(position[index])}" for number, index in enumerate(range(len(question.pairs)), 1))
    if isinstance(question, ShortQuestion):
        return ""  # the model answer follows once, as 参考答案
    return expected_text(question, drawn.params or None)


def layout_paper(paper: DrawnPaper) -> list[Block]:
    """The student's paper, as blocks."""
    blueprint = paper.paper
    blocks = [
        Block("title", blueprint.title + (f"（{chr(65 + paper.version)}卷）" if paper.version else "")),
        Block("meta", f"考试时间：{blueprint.minutes}分钟　满分：{blueprint.total_points:g}分　试卷编号：{paper.label}"),
        Block("meta", "姓名：＿＿＿＿＿＿　学号：＿＿＿＿＿＿　得分：＿＿＿＿"),
        Block("note", "评分规则：" + "；".join(marking_rules(blueprint)) + "。"),
    ]
    for index, section in enumerate(blueprint.sections):
        blocks.append(Block("section", section.title))
        blocks.append(Block("note", f"（共{section.count}题，每题{_points(section.points)}，共{_points(section.total)}）"))
        for drawn in paper.section_questions(index):
            question = drawn.question
            blocks.append(Block("question", f"{prompt_text(drawn)}（{_points(drawn.points)}）", number=drawn.number))
            if isinstance(question, MatchQuestion):
                blocks.append(Block("match", items=tuple(f"{i}. {left}" for i, left in enumerate(question.lefts, 1)), right=tuple(shown_options(drawn))))
                blocks.append(Block("options", "把右栏的字母填在括号里：", items=match_brackets(question)))
            elif shown_options(drawn):
                blocks.append(Block("options", items=tuple(shown_options(drawn))))
            if question.type == "truefalse":
                blocks.append(Block("options", items=("（　）对", "（　）错")))
            elif isinstance(question, JudgeQuestion):
                blocks.append(Block("lines", "改正：", items=("",)))
            elif question.type in ANSWER_LINES:
                unit = f"（单位：{question.unit}）" if isinstance(question, NumericQuestion) and question.unit else ""
                blocks.append(Block("lines", f"答{unit}：", items=("",) * ANSWER_LINES[question.type]))
    return blocks


def answer_sheet(paper: DrawnPaper) -> list[Block]:
    """The 答题卡: one row per question, with boxes for letters or room for a short answer."""
    blocks = [Block("section", "答题卡"), Block("meta", f"试卷编号：{paper.label}　姓名：＿＿＿＿＿＿　学号：＿＿＿＿＿＿")]
    for index, section in enumerate(paper.paper.sections):
        cells = []
        for drawn in paper.section_questions(index):
            count = len(shown_options(drawn))
            if count and drawn.question.type in ("choice", "multi"):
                cells.append(f"{drawn.number}. " + " ".join(f"[{letter(i)}]" for i in range(count)))
            elif drawn.question.type == "truefalse":
                cells.append(f"{drawn.number}. [对] [错]")
            elif drawn.question.type == "judge":
                cells.append(f"{drawn.number}. [对] [错] 改正：＿＿＿＿＿＿")
            elif isinstance(drawn.question, MatchQuestion):
                cells.append(f"{drawn.number}. " + " ".join(f"{i}[　]" for i in range(1, len(drawn.question.pairs) + 1)))
            elif drawn.question.type in ("short", "essay"):
                cells.append(f"{drawn.number}. 见试卷答题处")
            else:
                cells.append(f"{drawn.number}. ＿＿＿＿＿＿＿＿")
        blocks.append(Block("note", section.title))
        blocks.append(Block("options", items=tuple(cells)))
    return blocks


def layout_key(paper: DrawnPaper, bank: Bank) -> list[Block]:
    """The answer key: answers in printed letters, question ids and drawn values, model answers once."""
    blueprint = paper.paper
    blocks = [Block("title", f"{blueprint.title}（答案与解析）"), Block("meta", f"试卷编号：{paper.label}")]
    for index, section in enumerate(blueprint.sections):
        blocks.append(Block("section", section.title))
        for drawn in paper.section_questions(index):
            question = drawn.question
            values = "，".join(f"{name}={format_number(value)}" for name, value in drawn.params.items())
            head = f"答案：{key_answer(drawn)}" if key_answer(drawn) else "答案：见参考答案"
            blocks.append(Block("key", head, number=drawn.number))
            lines = [f"题目 id：{question.id}" + (f"　数值：{values}" if values else "")]
            lines += match_key_lines(drawn)
            if isinstance(question, ShortQuestion):
                lines.append("参考答案：" + question.answer.strip())
                lines.append("得分要点：" + "；".join(point.label for point in question.keypoints))
            if question.explanation:
                lines.append("解析：" + question.explanation)
            source = bank.sources.get(question.source or "")
            if source:
                lines.append("出处：" + source.cite(question.ref))
            blocks.append(Block("keytext", items=tuple(lines)))
    return blocks


# -- Markdown ----------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_MD_LINE_START = re.compile(r"^(\s*)(\d+)([.)])", re.M)


def md_escape(text: str) -> str:
    """Bank text safe in any Markdown viewer: no markup, no raw HTML, no line read as a list or heading."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_LINE_START.sub(r"\1\2\\\3", text)
    text = re.sub(r"^(\s*)([-=])", r"\1\\\2", text, flags=re.M)
    return text.replace("&", "&amp;")


def _md_lines(text: str) -> str:
    """Escaped text whose own line breaks survive (two trailing spaces would be invisible; a backslash is not)."""
    return "\\\n".join(md_escape(line) for line in text.split("\n"))


def render_markdown_blocks(blocks: list[Block]) -> str:
    """Blocks as Markdown."""
    out: list[str] = []
    for block in blocks:
        if block.kind == "title":
            out += [f"# {md_escape(block.text)}", ""]
        elif block.kind == "section":
            out += [f"## {md_escape(block.text)}", ""]
        elif block.kind in ("meta", "note"):
            out += [_md_lines(block.text), ""]
        elif block.kind in ("question", "key"):
            out += [f"**{block.number}\\.** {_md_lines(block.text)}", ""]
        elif block.kind == "options":
            out += [(md_escape(block.text) + "\\\n" if block.text else "") + _options_md(block.items), ""]
        elif block.kind == "match":
            out += ["左栏：" + "　　".join(md_escape(item) for item in block.items) + "\\", "右栏：" + "　　".join(md_escape(item) for item in block.right), ""]
        elif block.kind == "lines":
            out += [md_escape(block.text) + "\\"] + ["＿" * 30 + "\\"] * (len(block.items) - 1) + ["＿" * 30, ""]
        elif block.kind == "keytext":
            out += [f"> {_md_lines(line)}" for line in block.items] + [""]
    return "\n".join(out).rstrip() + "\n"


def _options_md(items: tuple[str, ...]) -> str:
    widest = max((len(item) for item in items), default=0)
    per_line = len(items) if widest <= ONE_LINE_CHARS else 2 if widest <= 2 * ONE_LINE_CHARS else 1
    rows = ["　　".join(md_escape(item) for item in items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "\\\n".join(rows)


def render_markdown(paper: DrawnPaper, bank: Bank) -> tuple[str, str]:
    """The paper (with its answer sheet) and its answer key, as Markdown."""
    return render_markdown_blocks([*layout_paper(paper), Block("meta", "---"), *answer_sheet(paper)]), render_markdown_blocks(layout_key(paper, bank))


# -- HTML ---------------------------------------------------------------------------------------

STYLE = (
    "body{font-family:'Noto Serif CJK SC','Songti SC',SimSun,'WenQuanYi Micro Hei',serif;max-width:48em;margin:2em auto;line-height:1.8;color:#000}"
    "h1{text-align:center;font-size:1.5em}h2{font-size:1.15em;margin-top:1.5em}.meta{text-align:center}"
    ".q{display:flex;gap:.4em;margin:.6em 0 .2em}.num{flex:none;font-weight:bold}.body{white-space:pre-line}"
    ".opts{display:flex;flex-wrap:wrap;gap:.2em 2em;margin:0 0 .4em 2em}.opts span{min-width:10em}"
    ".line{border-bottom:1px solid #000;height:1.8em;margin-left:2em}.keytext{margin:0 0 .8em 2em;white-space:pre-line;color:#222}"
    ".sheet{page-break-before:always;break-before:page}.hint{margin:.2em 0 0 2em}"
    ".match{margin:0 0 .4em 2em;border-collapse:collapse}.match th{font-weight:normal;text-align:left;color:#444}"
    ".match td{padding:.1em 1.2em .1em 0}.match td:nth-child(2){width:6em}"
    "@page{size:A4;margin:18mm}@media print{body{margin:0;max-width:none}h2{break-after:avoid}.q,.opts,.match{break-inside:avoid}}"
)


def render_html_blocks(blocks: list[Block], title: str) -> str:
    """Blocks as a standalone HTML page that prints cleanly to A4; all bank text is escaped."""
    body: list[str] = []
    for block in blocks:
        text = html.escape(block.text)
        if block.kind == "title":
            body.append(f"<h1>{text}</h1>")
        elif block.kind == "section":
            cls = ' class="sheet"' if block.text == "答题卡" else ""
            body.append(f"<h2{cls}>{text}</h2>")
        elif block.kind == "meta":
            body.append(f'<p class="meta">{text}</p>')
        elif block.kind == "note":
            body.append(f"<p>{text}</p>")
        elif block.kind in ("question", "key"):
            # The number sits in its own cell, so an answer's own "2. 3." lines never look like question numbers.
            body.append(f'<div class="q"><span class="num">{block.number}.</span><span class="body">{text}</span></div>')
        elif block.kind == "options":
            if block.text:
                body.append(f'<p class="hint">{text}</p>')
            body.append('<div class="opts">' + "".join(f"<span>{html.escape(item)}</span>" for item in block.items) + "</div>")
        elif block.kind == "match":
            body.append(_match_table(block))
        elif block.kind == "lines":
            body.append(f'<p style="margin-left:2em">{text}</p>' + '<div class="line"></div>' * len(block.items))
        elif block.kind == "keytext":
            body.append('<div class="keytext">' + "<br>".join(html.escape(line) for line in block.items) + "</div>")
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>{html.escape(title)}</title>\n'
        f"<style>{STYLE}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def _match_table(block: Block) -> str:
    """A match question's two columns side by side: numbered left items, lettered right items."""
    rows = []
    for index in range(max(len(block.items), len(block.right))):
        left = html.escape(block.items[index]) if index < len(block.items) else ""
        right = html.escape(block.right[index]) if index < len(block.right) else ""
        rows.append(f"<tr><td>{left}</td><td></td><td>{right}</td></tr>")
    return '<table class="match"><tr><th>左栏</th><th></th><th>右栏</th></tr>' + "".join(rows) + "</table>"


def render_html(paper: DrawnPaper, bank: Bank) -> tuple[str, str]:
    """The paper (with its answer sheet) and its key, as standalone HTML pages."""
    title = paper.paper.title
    return render_html_blocks([*layout_paper(paper), *answer_sheet(paper)], title), render_html_blocks(layout_key(paper, bank), title + "（答案与解析）")


def write_paper(paper: DrawnPaper, bank: Bank, out: Path) -> tuple[Path, Path]:
    """Write the paper to `out` and its key beside it (`NAME.key.EXT`); the format follows the extension (.md, .html, .docx)."""
    suffix = out.suffix.lower()
    key_path = out.with_name(f"{out.stem}.key{out.suffix}")
    if suffix == ".docx":
        from revise.formats.docx_paper import write_docx

        write_docx([*layout_paper(paper), *answer_sheet(paper)], out)
        write_docx(layout_key(paper, bank), key_path)
        return out, key_path
    if suffix in (".md", ".markdown"):
        paper_text, key_text = render_markdown(paper, bank)
    elif suffix in (".html", ".htm"):
        paper_text, key_text = render_html(paper, bank)
    else:
        raise ValueError(f"不支持的格式 {out.suffix or '（没有扩展名）'}：请用 .md、.html 或 .docx")
    out.write_text(paper_text, encoding="utf-8")
    key_path.write_text(key_text, encoding="utf-8")
    return out, key_path
