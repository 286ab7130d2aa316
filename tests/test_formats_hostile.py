"""Hostile and awkward input to `revise import`: each fails cleanly and quickly, in Chinese, at `file:line` or `sheet!cell`.

Every file is generated here in tmp_path. A fatal problem exits 1 with one
message and no traceback; a file that can be partly read imports what it
can and reports the rest (the 1,000,000-row sheet imports the first
MAX_QUESTIONS questions and names the row where it stopped).
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from revise.bank.loader import load_bank
from revise.cli import main
from revise.formats.common import MAX_QUESTIONS

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="题库" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
HEADER = ["题干", "题型", "选项A", "选项B", "答案", "章节"]


def _cell(column: int, row: int, value: object) -> str:
    ref = f"{chr(65 + column)}{row}"
    if isinstance(value, tuple):  # (formula, cached value): what Excel saves for a formula cell
        formula, cached = value
        cached_xml = f"<v>{escape(cached)}</v>" if cached is not None else ""
        return f'<c r="{ref}" t="str"><f>{escape(formula)}</f>{cached_xml}</c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def raw_xlsx(path: Path, rows: Iterable[list[object]], *, doctype: str = "") -> Path:
    """A minimal workbook written by hand (no <dimension>, inline strings), streamed so a million rows stay cheap."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            head = '<?xml version="1.0" encoding="UTF-8"?>' + doctype
            sheet.write((head + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>').encode())
            chunk: list[str] = []
            for number, row in enumerate(rows, 1):
                cells = "".join(_cell(column, number, value) for column, value in enumerate(row) if value != "")
                chunk.append(f'<row r="{number}">{cells}</row>')
                if len(chunk) >= 20_000:
                    sheet.write("".join(chunk).encode())
                    chunk = []
            sheet.write(("".join(chunk) + "</sheetData></worksheet>").encode())
    return path


def _run(tmp_path: Path, source: Path, capsys, *extra: str) -> tuple[int, str, str]:
    code = main(["import", str(source), "--out", str(tmp_path / "out" / "chapter.yaml"), *extra])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


def _imported(tmp_path: Path) -> list:
    files = sorted((tmp_path / "out").glob("chapter*.yaml"))
    result = load_bank(files)
    assert result.errors == []
    return list(result.bank.questions.values())


# -- size ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_million_rows_import_up_to_the_cap_and_name_the_row(tmp_path: Path, capsys) -> None:
    def rows():
        yield HEADER
        for number in range(1_000_000):
            yield [f"第{number}题：与促销对应的是", "单选", f"成本{number}", f"沟通{number}", "B", ""]

    book = raw_xlsx(tmp_path / "big.xlsx", rows())
    code, out, err = _run(tmp_path, book, capsys)
    assert code == 0
    assert f"{book}:题库!A{MAX_QUESTIONS + 2}: 未导入：题目数超过上限 {MAX_QUESTIONS}，只导入了前 {MAX_QUESTIONS} 题" in err
    assert f"导入 {MAX_QUESTIONS} 题（单项选择题 {MAX_QUESTIONS}），1 处未能导入" in out
    text = (tmp_path / "out" / "chapter.yaml").read_text(encoding="utf-8")
    assert text.count("- id: big-choice-") == MAX_QUESTIONS and f"第{MAX_QUESTIONS - 1}题" in text and f"第{MAX_QUESTIONS}题" not in text


def test_rows_that_are_not_questions_stop_at_the_row_cap(tmp_path: Path, capsys, monkeypatch) -> None:
    import revise.formats.xlsx_templates as templates

    monkeypatch.setattr(templates, "MAX_ROWS_SCANNED", 3_000)  # the same code path as the real cap, in a fraction of the time

    def rows():
        yield HEADER
        for number in range(10_000):
            yield ["", "单选", f"甲{number}", "乙", "A", ""]  # no stem: every row is a problem, and the report is bounded

    book = raw_xlsx(tmp_path / "junk.xlsx", rows())
    code, _, err = _run(tmp_path, book, capsys)
    assert code == 1
    lines = err.splitlines()
    assert lines[0] == f"{book}:题库!A2: 未导入：题干是空的" and "……还有" in err
    assert f"{book}:题库!A3001: 未导入：行数超过上限 3000，从这一行起没有读；请把题目分成几个文件" in lines  # shown though past the first 50
    assert "没有可以导入的题目" in lines[-1] and len(lines) < 60


def _declare_size(path: Path, member: str, size: int) -> None:
    """Rewrite the uncompressed size a zip declares for `member` (central directory and local header), as a bomb would."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46 : central + 46 + name_length]) == name:
            struct.pack_into("<I", data, central + 24, size)
            local = struct.unpack_from("<I", data, central + 42)[0]
            struct.pack_into("<I", data, local + 22, size)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


def _office_zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(("name", "part"), [("bomb.xlsx", "xl/worksheets/sheet1.xml"), ("bomb.docx", "word/document.xml")])
def test_zip_bomb_is_refused_by_its_compression_ratio(tmp_path: Path, capsys, name: str, part: str) -> None:
    bomb = _office_zip(tmp_path / name, {"[Content_Types].xml": CONTENT_TYPES.encode(), part: b"<a>" + b" " * (40 * 1024 * 1024) + b"</a>"})
    code, _, err = _run(tmp_path, bomb, capsys)
    assert code == 1 and f"{bomb}:1: 部件 {part} 声明解压后有 42 MB" in err and "压缩炸弹" in err


@pytest.mark.parametrize(("name", "part"), [("huge.xlsx", "xl/sharedStrings.xml"), ("huge.docx", "word/document.xml")])
def test_declared_sizes_are_checked_before_opening(tmp_path: Path, capsys, name: str, part: str) -> None:
    small = _office_zip(tmp_path / name, {"[Content_Types].xml": CONTENT_TYPES.encode(), part: b"<a>x</a>" * 1000})
    _declare_size(small, part, 0xF000_0000)  # 3.7 GB declared; the bytes are a few kB
    code, _, err = _run(tmp_path, small, capsys)
    assert code == 1 and f"{small}:1: 部件 {part}" in err and ("压缩炸弹" in err or "超过上限" in err)


def test_a_part_that_unpacks_beyond_its_declared_size_is_cut_off(tmp_path: Path, capsys) -> None:
    rows = [HEADER, ["与促销对应的是", "单选", "成本", "沟通", "B", ""]] + [[f"题{i}", "单选", "甲", "乙", "A", ""] for i in range(2000)]
    book = raw_xlsx(tmp_path / "lying.xlsx", rows)
    _declare_size(book, "xl/worksheets/sheet1.xml", 5000)  # the real sheet is far larger: zipfile stops at 5000 bytes
    code, _, err = _run(tmp_path, book, capsys)
    assert f"{book}:题库!A" in err and "读不下去" in err
    assert code in (0, 1)  # the rows before the cut may be imported; nothing past the declared size is read


# -- XML -------------------------------------------------------------------------------------------

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
    + ']>\n<quiz><question type="truefalse"><questiontext><text>&lol9;</text></questiontext></question></quiz>\n'
)
EXTERNAL = (
    '<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    '<quiz><question type="shortanswer"><questiontext><text>&xxe;</text></questiontext><answer fraction="100"><text>x</text></answer></question></quiz>\n'
)
EXTERNAL_DTD = '<?xml version="1.0"?>\n<!DOCTYPE quiz SYSTEM "http://example.invalid/quiz.dtd">\n<quiz></quiz>\n'


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL, EXTERNAL_DTD], ids=["billion-laughs", "external-entity", "external-dtd"])
def test_moodle_xml_entity_bombs_and_external_entities_are_refused(tmp_path: Path, capsys, text: str) -> None:
    source = tmp_path / "quiz.xml"
    source.write_text(text, encoding="utf-8")
    code, _, err = _run(tmp_path, source, capsys)
    assert code == 1 and err.startswith(f"{source}:1: XML 里有 DTD 或实体定义") and "root:" not in err


def test_entities_inside_a_worksheet_are_refused(tmp_path: Path, capsys) -> None:
    doctype = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    book = raw_xlsx(tmp_path / "xxe.xlsx", [HEADER, ["与促销对应的是", "单选", "成本", "沟通", "B", ""]], doctype=doctype)
    code, _, err = _run(tmp_path, book, capsys)
    assert code == 1 and f"{book}:题库!A1: 未导入：工作表从这一行起读不下去" in err and "root:" not in err


# -- cells -----------------------------------------------------------------------------------------


def test_formulas_are_read_as_their_cached_values_never_evaluated(tmp_path: Path, capsys) -> None:
    book = raw_xlsx(
        tmp_path / "formulas.xlsx",
        [
            HEADER,
            [('CONCATENATE("4C中与","促销对应的是")', "4C中与促销对应的是"), "单选", "成本", ('"沟"&"通"', "沟通"), ("CHAR(66)", "B"), ""],
            [("cmd|' /C calc'!A0", None), "判断", "", "", "对", ""],  # no cached value: the cell is empty
            ["=2+2 是公式吗", "判断", "", "", "错", ""],  # text that looks like a formula stays text
        ],
    )
    code, _, err = _run(tmp_path, book, capsys)
    assert code == 0 and f"{book}:题库!A3: 未导入：题干是空的" in err
    questions = _imported(tmp_path)
    assert [(q.prompt, getattr(q, "options", None), q.answer) for q in questions] == [
        ("4C中与促销对应的是", ("成本", "沟通"), 1),
        ("=2+2 是公式吗", None, False),
    ]
    text = (tmp_path / "out" / "chapter.yaml").read_text(encoding="utf-8")
    assert "CONCATENATE" not in text and "calc" not in text and "CHAR(" not in text


def test_merged_chapter_and_type_cells_carry_down(tmp_path: Path, capsys) -> None:
    import openpyxl

    path = tmp_path / "merged.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "题库"
    for row in [
        HEADER,
        ["4C中与促销对应的是", "单选", "成本", "沟通", "B", "营销理论"],
        ["4C中与产品对应的是", None, "顾客", "成本", "A", None],
        ["满意一定忠诚", "判断", None, None, "×", "客户满意"],
        ["忠诚一定满意", None, None, None, "错", None],
    ]:
        sheet.append(row)
    sheet.merge_cells("B2:B3")
    sheet.merge_cells("F2:F3")
    sheet.merge_cells("B4:B5")
    sheet.merge_cells("F4:F5")
    book.save(path)
    code, _, _ = _run(tmp_path, path, capsys)
    assert code == 0
    questions = _imported(tmp_path)
    assert [(q.type, q.chapter) for q in questions] == [("choice", "营销理论"), ("choice", "营销理论"), ("truefalse", "客户满意"), ("truefalse", "客户满意")]


def test_empty_sheets(tmp_path: Path, capsys) -> None:
    import openpyxl

    empty = tmp_path / "empty.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "空表"
    book.save(empty)
    code, _, err = _run(tmp_path, empty, capsys)
    assert code == 1 and f"{empty}:空表!A1: 注意：工作表是空的，跳过" in err and f"{empty}:1: 未导入：工作簿里没有题目" in err

    mixed = tmp_path / "mixed.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "空表"
    filled = book.create_sheet("题库")
    filled.append(HEADER)
    filled.append(["满意一定忠诚", "判断", None, None, "×", None])
    header_only = book.create_sheet("只有表头")
    header_only.append(HEADER)
    book.save(mixed)
    code, out, err = _run(tmp_path, mixed, capsys)
    assert code == 0 and f"{mixed}:空表!A1: 注意：工作表是空的，跳过" in err and "导入 1 题" in out


# -- encodings and impostors -----------------------------------------------------------------------

CSV_TEXT = "题干,题型,选项A,选项B,答案\n4C中与促销对应的是,单选,成本,沟通,Ｂ\n满意一定忠诚,判断,,,错误\n"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("gbk.csv", CSV_TEXT.encode("gbk")),
        ("utf16.csv", CSV_TEXT.replace(",", "\t").encode("utf-16")),  # Excel's "Unicode text": UTF-16 with a BOM, tab-separated
        ("utf16le.csv", CSV_TEXT.encode("utf-16-le")),
        ("bom.csv", CSV_TEXT.encode("utf-8-sig")),
    ],
    ids=["gbk", "utf-16-bom-tabs", "utf-16-le-no-bom", "utf-8-bom"],
)
def test_csv_in_the_encodings_excel_and_wps_save(tmp_path: Path, capsys, name: str, data: bytes) -> None:
    source = tmp_path / name
    source.write_bytes(data)
    code, out, _ = _run(tmp_path, source, capsys)
    assert code == 0 and "导入 2 题" in out
    questions = _imported(tmp_path)
    assert [(q.prompt, q.answer) for q in questions] == [("4C中与促销对应的是", 1), ("满意一定忠诚", False)]


def test_binary_noise_as_csv_fails_cleanly(tmp_path: Path, capsys) -> None:
    source = tmp_path / "noise.csv"
    source.write_bytes(bytes(range(256)) * 50)
    code, _, err = _run(tmp_path, source, capsys)
    assert code == 1 and err.startswith(f"{source}:")


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "utf-16"])
def test_a_docx_that_is_really_a_text_file(tmp_path: Path, capsys, encoding: str) -> None:
    source = tmp_path / "questions.docx"
    source.write_bytes("1. 与促销对应的是\nA. 成本 B. 沟通\n答案：B\n".encode(encoding))
    code, _, err = _run(tmp_path, source, capsys)
    assert code == 1 and err.strip() == f"{source}:1: 它其实是文本文件：请把扩展名改成 .txt 或 .csv，或者用 --format 指定格式"
    code, out, _ = _run(tmp_path, source, capsys, "--format", "txt")
    assert code == 0 and "导入 1 题" in out


def test_an_xlsx_that_is_really_an_old_xls(tmp_path: Path, capsys) -> None:
    source = tmp_path / "old.xlsx"
    source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    code, _, err = _run(tmp_path, source, capsys)
    assert code == 1 and f"{source}:1: 这是旧版 Office 格式" in err and "另存为 .xlsx" in err


def test_a_damaged_zip_fails_cleanly(tmp_path: Path, capsys) -> None:
    good = raw_xlsx(tmp_path / "good.xlsx", [HEADER, ["与促销对应的是", "单选", "成本", "沟通", "B", ""]])
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    code, _, err = _run(tmp_path, broken, capsys)
    assert code == 1 and f"{broken}:1: 不是有效的 Office 文件" in err
