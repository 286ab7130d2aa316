"""Papers as Word documents (python-docx), since teachers print from Word.

Renders the same :class:`~revise.formats.paper_export.Block` layout as the
Markdown and HTML writers: SimSun body text, short options on one line
separated by tabs, a match question's two columns as a table, answer lines
as underlines, and the answer sheet on a new page.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from revise.safetext import show

# As in paper_export (which imports this module, so it cannot be imported back): short options share a line.
ONE_LINE_CHARS = 8


def set_font(run, size: float | None = None, bold: bool = False) -> None:
    """SimSun for a run, in both the Latin and the East Asian font slots; optional size and bold."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = "SimSun"
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")  # East Asian text needs its own font slot
    run.bold = bold
    if size:
        run.font.size = Pt(size)


def _clean(text: str) -> str:
    # XML 1.0 refuses control characters; show() makes them visible instead.
    return show(text).replace("\t", " ")


def _match_table(document, block) -> None:
    """A match question's two columns as a borderless table: numbered left items, a gap to draw lines in, lettered right items."""
    rows = max(len(block.items), len(block.right))
    table = document.add_table(rows=rows + 1, cols=3)
    for column, heading in enumerate(("左栏", "", "右栏")):
        set_font(table.cell(0, column).paragraphs[0].add_run(heading), 10.5)
    for index in range(rows):
        for column, items in ((0, block.items), (2, block.right)):
            if index < len(items):
                set_font(table.cell(index + 1, column).paragraphs[0].add_run(_clean(items[index])))


def write_docx(blocks: Sequence[Any], out: Path) -> Path:
    """Write paper_export's Block items (kind, text, items, number) as a .docx file."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt

    document = docx.Document()
    for block in blocks:
        if block.kind == "title":
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            set_font(paragraph.add_run(_clean(block.text)), 16, bold=True)
        elif block.kind == "section":
            paragraph = document.add_paragraph()
            if block.text == "答题卡":
                paragraph.add_run().add_break(WD_BREAK.PAGE)
            set_font(paragraph.add_run(_clean(block.text)), 13, bold=True)
        elif block.kind in ("meta", "note"):
            paragraph = document.add_paragraph()
            if block.kind == "meta":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            set_font(paragraph.add_run(_clean(block.text)))
        elif block.kind in ("question", "key"):
            paragraph = document.add_paragraph()
            set_font(paragraph.add_run(f"{block.number}. "), bold=True)
            set_font(paragraph.add_run(_clean(block.text)))
        elif block.kind == "match":
            _match_table(document, block)
        elif block.kind == "options":
            if block.text:
                paragraph = document.add_paragraph()
                paragraph.paragraph_format.left_indent = Pt(21)
                set_font(paragraph.add_run(_clean(block.text)))
            widest = max((len(item) for item in block.items), default=0)
            per_line = len(block.items) if widest <= ONE_LINE_CHARS else 2 if widest <= 2 * ONE_LINE_CHARS else 1
            for start in range(0, len(block.items), per_line):
                paragraph = document.add_paragraph()
                paragraph.paragraph_format.left_indent = Pt(21)
                set_font(paragraph.add_run("\t".join(_clean(item) for item in block.items[start : start + per_line])))
        elif block.kind == "lines":
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.left_indent = Pt(21)
            set_font(paragraph.add_run(_clean(block.text)))
            for _ in block.items:
                set_font(document.add_paragraph().add_run("＿" * 36))
        elif block.kind == "keytext":
            for line in block.items:
                paragraph = document.add_paragraph()
                paragraph.paragraph_format.left_indent = Pt(21)
                set_font(paragraph.add_run(_clean(line)), 10.5)
    document.save(str(out))
    return out
