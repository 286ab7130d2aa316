"""Writers read back what they wrote; suggestions and mark schemes behave."""

from __future__ import annotations

import csv
import difflib
import io
from pathlib import Path

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from revise.bank.model import Location, Paper, Section
from revise.marking import suggest as suggest_module
from revise.marking.scheme import BlueprintScheme, EachOnePoint, TableScheme
from revise.marking.suggest import SuggestionIndex
from revise.marking.writing import CsvFileSink, CsvStdoutSink, JsonStdoutSink, XlsxSink, json_line, terminal_text, xlsx_cell
from revise.safetext import spreadsheet_cell

cells = st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30), min_size=1, max_size=5)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(cells, min_size=1, max_size=5))
def test_csv_file_reads_back_what_was_written(tmp_path_factory, rows: list[list[str]]) -> None:
    path = tmp_path_factory.mktemp("w") / "out.csv"
    sink = CsvFileSink(path)
    for row in rows:
        sink.row(list(row))
    sink.close()
    with path.open(encoding="utf-8-sig", newline="") as file:
        back = list(csv.reader(file))
    assert back == [[spreadsheet_cell(cell) for cell in row] for row in rows]


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(cells, min_size=1, max_size=5))
def test_csv_stdout_reads_back_what_was_written(rows: list[list[str]]) -> None:
    stream = io.StringIO()
    sink = CsvStdoutSink(stream)
    for row in rows:
        sink.row(list(row))
    back = list(csv.reader(io.StringIO(stream.getvalue(), newline="")))
    assert back == [[spreadsheet_cell(cell) for cell in row] for row in rows]


def test_xlsx_cells_are_legal_bounded_and_formula_safe(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    sink = XlsxSink(path)
    sink.header(["a", "b", "c", "d"])
    sink.row(["=1+1", "bell\x07nul\x00", "客" * 40_000, 2.5])
    sink.close()
    values = [cell.value for cell in openpyxl.load_workbook(path).active[2]]
    assert values[0] == "'=1+1" and values[1] == "bell␇nul␀" and len(values[2]) == 32_767 and values[3] == 2.5
    assert xlsx_cell(None) is None and xlsx_cell(3) == 3


def test_an_aborted_file_leaves_nothing(tmp_path: Path) -> None:
    for sink in (CsvFileSink(tmp_path / "a.csv"), XlsxSink(tmp_path / "a.xlsx")):
        sink.row(["x"])
        sink.abort()
    assert list(tmp_path.iterdir()) == []


class GbkStream(io.StringIO):
    encoding = "gbk"


def test_terminal_text_escapes_what_the_encoding_cannot_show() -> None:
    assert terminal_text(GbkStream(), "客户😀") == "客户\\U0001f600"
    assert terminal_text(io.StringIO(), "客户😀") == "客户😀"


def test_json_lines_escape_controls_and_bidi_but_stay_json() -> None:
    stream = io.StringIO()
    sink = JsonStdoutSink(stream)
    sink.header(["a", "b"])
    sink.row(["\x1b[2J\u202e\x9b", 1])
    line = stream.getvalue()
    assert "\x1b" not in line and "\u202e" not in line and "\x9b" not in line
    assert __import__("json").loads(line) == {"a": "\x1b[2J\u202e\x9b", "b": 1}
    assert json_line({"k": "客户"}) == '{"k": "客户"}'


# -- suggestions -----------------------------------------------------------------------------------


def test_suggestions_find_the_close_id() -> None:
    index = SuggestionIndex(["mkt-4c-odd", "mkt-4p-list", "val-crm-short"])
    assert index.suggest("mkt-4c-od") == "mkt-4c-odd"
    assert index.suggest("val-crm-shrt") == "val-crm-short"
    assert index.suggest("totally-different") is None and index.suggest("") is None


def test_an_unknown_id_is_compared_with_a_few_candidates_once(monkeypatch) -> None:
    """Issue 13 #13: not every id against every other, and a repeated typo pays once."""
    ids = [f"ch{c:02d}-q{n:04d}" for c in range(20) for n in range(500)]
    index = SuggestionIndex(ids)
    seen: list[int] = []
    real = difflib.get_close_matches

    def spy(word, possibilities, n=3, cutoff=0.6):
        seen.append(len(possibilities))
        return real(word, possibilities, n, cutoff)

    monkeypatch.setattr(suggest_module.difflib, "get_close_matches", spy)
    for _ in range(50):
        assert index.suggest("ch07-q0412x") == "ch07-q0412"
    assert len(seen) == 1 and seen[0] <= suggest_module.CANDIDATES


# -- mark schemes ----------------------------------------------------------------------------------


class FakeQuestion:
    def __init__(self, id: str, type: str) -> None:
        self.id, self.type, self.type_label = id, type, {"choice": "单选题", "judge": "判断并改错题"}.get(type, type)


def test_schemes_give_points_and_sections() -> None:
    paper = Paper(
        "p",
        "期中",
        60,
        (Section("一、单选", "choice", 10, 2), Section("二、单选附加", "choice", 2, 5), Section("三、判断改错", "judge", 5, 3)),
        Location(Path("p.yaml"), 1),
    )
    blueprint = BlueprintScheme(paper)
    choice, judge, essay = FakeQuestion("c", "choice"), FakeQuestion("j", "judge"), FakeQuestion("e", "essay")
    assert (blueprint.full_marks(choice), blueprint.section(choice)) == (2.0, "一、单选")  # the first section of its type
    assert (blueprint.full_marks(judge), blueprint.section(judge)) == (3.0, "三、判断改错")
    assert blueprint.full_marks(essay) is None and blueprint.title == "期中"
    assert (EachOnePoint().full_marks(essay), EachOnePoint().section(judge)) == (1.0, "判断并改错题")
    table = TableScheme.from_items("保存的试卷", [("c", 4, "一、选择"), ("j", 6, "二、判断")])
    assert (table.full_marks(choice), table.section(judge), table.full_marks(essay)) == (4.0, "二、判断", None)


def test_report_tables_become_sheets_with_names_excel_accepts(tmp_path: Path) -> None:
    from revise.marking.report import Table
    from revise.marking.writing import write_xlsx_tables

    out = tmp_path / "tables.xlsx"
    long = "每周趋势" * 10
    write_xlsx_tables(out, [Table("a/b:c?", ["x"], [["=1+1"]]), Table(long, ["y"], [[1.5]]), Table(long, ["z"], [])])
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["a_b_c_", long[:31], long[:27] + " (2)"]
    assert book["a_b_c_"]["A2"].value == "'=1+1" and book["a_b_c_"]["A2"].data_type != "f"
    assert book[long[:31]]["A2"].value == 1.5
    assert [p.name for p in tmp_path.iterdir()] == ["tables.xlsx"]  # no temporary file left
