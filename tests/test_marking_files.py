"""Reading what Excel and WPS save: encodings, headers, layouts, .xlsx, and hostile files."""

from __future__ import annotations

import io
import sys
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest

from revise.marking import encoding
from revise.marking.errors import InputError
from revise.marking.reading import Entry, open_responses

KNOWN = {"q1", "q2", "mkt-4c-odd"}


def suggest(word: str) -> str | None:
    return "q1" if word == "ql" else None


def read(path: Path | str) -> list[Entry]:
    with open_responses(str(path), KNOWN, suggest) as responses:
        return list(responses.entries)


def layout_of(path: Path):
    with open_responses(str(path), KNOWN, suggest) as responses:
        return responses.layout, responses.kind


TEXT = "学号,姓名,题号,答案\n1,张三,q1,客户😀\n2,李四,q2,对\n"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (TEXT.encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "UTF-8"),
        (TEXT.replace("😀", "").encode("gbk"), "GBK/GB18030"),
        (TEXT.encode("gb18030"), "GBK/GB18030"),  # 😀 needs GB18030's four-byte form
        (TEXT.encode("utf-16"), "UTF-16"),  # with BOM, as Excel's "Unicode text"
        (b"\xfe\xff" + TEXT.encode("utf-16-be"), "UTF-16"),
        (TEXT.encode("utf-16-le"), "UTF-16"),  # no BOM: NULs in alternate bytes
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "utf16-bom", "utf16-be", "utf16-no-bom"],
)
def test_encodings_are_detected(tmp_path: Path, data: bytes, kind: str) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(data)
    _, described = layout_of(path)
    assert kind in described
    entries = read(path)
    assert [(e.student, e.question_id, e.answer.replace("😀", "")) for e in entries] == [("1", "q1", "客户"), ("2", "q2", "对")]


@pytest.mark.slow
def test_a_gbk_byte_after_megabytes_of_ascii_is_still_gbk(tmp_path: Path) -> None:
    """The whole file is checked (in chunks), not a sample of its start."""
    rows = "question_id,answer\n" + "q1,A\n" * 120_000 + "q2,客户\n"
    path = tmp_path / "r.csv"
    path.write_bytes(rows.encode("gbk"))
    entries = read(path)
    assert entries[-1].answer == "客户" and len(entries) == 120_001


def test_detect_reports_the_line_of_an_undecodable_byte() -> None:
    data = "a,b\n客户,x\n".encode() + b"\x80\xff\n"
    with pytest.raises(InputError) as caught:
        encoding.detect(io.BytesIO(data), "f.csv")
    assert caught.value.where == "f.csv:3"


@pytest.mark.parametrize(
    "header",
    ["question_id,answer", "Question_ID , Answer", "题号,答案", "题目编号,学生答案", "ＱＵＥＳＴＩＯＮ＿ＩＤ,答　案"],
)
def test_header_names_in_english_chinese_and_full_width(tmp_path: Path, header: str) -> None:
    path = tmp_path / "r.csv"
    path.write_text(f"{header}\nq1,甲\n", encoding="utf-8")
    assert [(e.question_id, e.answer) for e in read(path)] == [("q1", "甲")]


def test_a_title_row_above_the_header_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("2024级 客户关系管理 期中,,\n,,\n学号,题号,答案\n7,q1,甲\n", encoding="utf-8")
    layout, _ = layout_of(path)
    assert layout.header_row == 3
    assert [(e.where.rsplit(":", 1)[1], e.student) for e in read(path)] == [("4", "7")]


def test_wide_layout_one_row_per_student(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("学号,姓名,q1,q2,ql,备注\n1,张三,甲,乙,丙,好\n2,李四,,丁\n", encoding="utf-8")
    layout, _ = layout_of(path)
    assert layout.wide and layout.near_misses == [("ql", "q1")]
    assert layout.carried_names == ["学号", "姓名", "ql", "备注"]
    entries = read(path)
    assert [(e.student, e.question_id, e.answer) for e in entries] == [("1", "q1", "甲"), ("1", "q2", "乙"), ("2", "q1", ""), ("2", "q2", "丁")]
    assert entries[0].carried == ["1", "张三", "丙", "好"] and entries[2].carried == ["2", "李四", "", ""]


def test_one_bank_id_in_a_data_row_is_not_taken_for_a_wide_header(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,response\nq1,A\n", encoding="utf-8")
    with pytest.raises(InputError, match="找不到表头"):
        read(path)


def test_a_nul_inside_an_answer_is_cleaned_not_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b"question_id,answer\nq1,A\x00B\nq2,C\n")
    entries = read(path)
    assert [(e.answer, e.cleaned) for e in entries] == [("AB", True), ("C", False)]


def test_a_bare_cr_inside_a_quoted_answer_is_read_as_part_of_it(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b'question_id,answer\r\nq1,"A\rB"\r\nq2,C\r\n')
    assert [e.answer for e in read(path)] == ["A\rB", "C"]


def test_stdin_is_spooled_not_held(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode("gbk", "ignore"))))
    assert [e.question_id for e in read("-")] == ["q1", "q2"]


def _peak_reading(path: Path, rows: int) -> tuple[int, int]:
    with path.open("w", encoding="utf-8") as file:
        file.write("学号,题号,答案\n")
        for i in range(rows):
            file.write(f"{i},q1,客户关系管理{i}\n")
    tracemalloc.start()
    try:
        count = 0
        with open_responses(str(path), KNOWN, suggest) as responses:
            for _ in responses.entries:
                count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == rows
    return peak, path.stat().st_size


@pytest.mark.slow
def test_reading_is_streamed_with_bounded_memory(tmp_path: Path) -> None:
    """Four times the rows, about the same peak: the file is never held whole."""
    small, small_size = _peak_reading(tmp_path / "small.csv", 20_000)
    big, big_size = _peak_reading(tmp_path / "big.csv", 80_000)
    assert big_size > 2_500_000 and big < 4_000_000
    assert big < small * 1.5 + 200_000, f"peak {small} for {small_size} bytes, {big} for {big_size} bytes"


# -- xlsx ----------------------------------------------------------------------------------------


def workbook(path: Path, rows: list[list[object]], *, title: str = "成绩", merge: str | None = None, extra_empty_sheet: bool = False) -> Path:
    book = openpyxl.Workbook()
    if extra_empty_sheet:
        book.active.title = "说明"
        sheet = book.create_sheet(title)
    else:
        sheet = book.active
        sheet.title = title
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    book.save(path)
    return path


def test_xlsx_long_layout_with_numbers_and_locations(tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", [["学号", "姓名", "题号", "答案"], [20240001, "张三", "q1", 1.0], [20240002, "李四", "q2", True]])
    _, kind = layout_of(path)
    assert "xlsx" in kind and "成绩" in kind
    entries = read(path)
    assert [(e.student, e.answer, e.where) for e in entries] == [("20240001", "1", "成绩!D2"), ("20240002", "TRUE", "成绩!D3")]


def test_xlsx_formulas_are_read_as_saved_values_never_evaluated(tmp_path: Path) -> None:
    # openpyxl saves no cached value, so a formula cell reads as empty: neither its text nor its result
    path = workbook(tmp_path / "r.xlsx", [["题号", "答案"], ["q1", "=1+1"], ["q2", '=HYPERLINK("http://x","点我")']])
    assert [e.answer for e in read(path)] == ["", ""]


def test_xlsx_finds_the_sheet_with_the_header_and_fills_merged_students_down(tmp_path: Path) -> None:
    rows = [["学号", "题号", "答案"], ["7", "q1", "甲"], [None, "q2", "乙"], ["8", "q1", "丙"]]
    path = workbook(tmp_path / "r.xlsx", rows, merge="A2:A3", extra_empty_sheet=True)
    entries = read(path)
    assert [(e.student, e.carried[0], e.answer) for e in entries] == [("7", "7", "甲"), ("7", "", "乙"), ("8", "8", "丙")]


def test_xlsx_wide_layout(tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", [["姓名", "q1", "q2"], ["张三", "A", "对"]])
    entries = read(path)
    assert [(e.student, e.question_id, e.answer, e.where) for e in entries] == [("张三", "q1", "A", "成绩!B2"), ("张三", "q2", "对", "成绩!C2")]


def test_an_empty_workbook_fails_cleanly(tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", [])
    with pytest.raises(InputError, match="工作簿是空的"):
        read(path)


def test_an_xlsx_without_a_header_names_the_sheet_and_row(tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", [[None], ["随便", "写点"]])
    with pytest.raises(InputError) as caught:
        read(path)
    assert caught.value.where == "成绩!A2" and "找不到表头" in caught.value.message


def _rewrite_member(path: Path, member: str, transform) -> None:
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            target.writestr(info.filename, transform(data) if info.filename == member else data)


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", [["题号", "答案"], ["q1", "A"]])
    padding = b"<!--" + b" " * (8 << 20) + b"-->"  # 8 MB of spaces deflates to a few KB: over 200:1
    _rewrite_member(path, "xl/worksheets/sheet1.xml", lambda data: data.replace(b"<sheetData>", padding + b"<sheetData>"))
    with pytest.raises(InputError, match="压缩炸弹"):
        read(path)


def test_huge_declared_dimensions_and_a_far_row_are_not_padded_out(tmp_path: Path) -> None:
    """A1:XFD1048576 and a cell at XFD1048576: read in moments, cut to the header's width."""
    path = workbook(tmp_path / "r.xlsx", [["题号", "答案"], ["q1", "A"]])

    def hostile(data: bytes) -> bytes:
        data = data.replace(b'<dimension ref="A1:B2"/>', b'<dimension ref="A1:XFD1048576"/>')
        far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        return data.replace(b"</sheetData>", far + b"</sheetData>")

    _rewrite_member(path, "xl/worksheets/sheet1.xml", hostile)
    assert [(e.question_id, e.answer) for e in read(path)] == [("q1", "A")]


def test_a_damaged_xlsx_fails_cleanly(tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", [["题号", "答案"], ["q1", "A"]])
    _rewrite_member(path, "xl/worksheets/sheet1.xml", lambda data: data[: len(data) // 2])
    with pytest.raises(InputError):
        read(path)


# -- any bytes at all -----------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PIECES = st.sampled_from(
    [
        b"question_id",
        b"answer",
        b"\xe9\xa2\x98\xe5\x8f\xb7",
        b"q1",
        b",",
        b'"',
        b"\n",
        b"\r",
        b"\x00",
        b"\xff",
        b"\xef\xbb\xbf",
        b"\xfe\xff",
        b"PK\x03\x04",
        b"A",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=300), st.lists(PIECES, max_size=40).map(b"".join)))
def test_any_bytes_give_entries_or_a_located_input_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    try:
        entries = read(path)
    except InputError as error:
        assert error.where.startswith(str(path)) and error.message
    else:
        assert all(isinstance(e.answer, str) and "\x00" not in e.answer for e in entries)


def test_an_unclosed_quote_swallowing_the_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b'question_id,answer\nq1,"' + b"x\n" * 2_100_000)
    with pytest.raises(InputError, match="引号没有配对"):
        read(path)


# -- a small CSV read whole (a class roster): the same encoding ladder ------------------------------

ROSTER = "学号,姓名,角色\ns001,张三,学生\nt001,王老师,教师\n"


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "gbk", "utf-16"])
def test_a_small_csv_is_read_in_whatever_encoding_excel_saved(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(ROSTER.encode(codec))
    assert encoding.read_small_text(str(path)) == ROSTER


def test_roster_add_from_a_gbk_csv(tmp_path: Path, capsys) -> None:
    from revise.cli import main

    source = tmp_path / "名单.csv"
    source.write_bytes(ROSTER.encode("gbk"))
    roster = tmp_path / "roster.csv"
    assert main(["class", "roster", "add", "--roster", str(roster), "--from", str(source)]) == 0
    assert "共 2 人" in capsys.readouterr().out
    source.write_bytes(b"\xff\xfe\x00" + b"\x81" * 50)  # a UTF-16 BOM, then nothing UTF-16
    assert main(["class", "roster", "add", "--roster", str(roster), "--from", str(source)]) == 1
    assert f"{source}:1:" in capsys.readouterr().err


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_found_by_both_readers(tmp_path: Path, encoding: str) -> None:
    """The importers and the class marking share one detection ladder (revise.interchange), so they agree."""
    from revise.formats.textfile import read_text

    path = tmp_path / "r.csv"
    path.write_bytes("question_id,answer\nq1,客户满意\n".encode(encoding))
    assert [e.answer for e in read(path)] == ["客户满意"]
    assert read_text(path).splitlines()[1] == "q1,客户满意"
