"""Import and export: GIFT, Moodle XML, the 刷题 apps' spreadsheets, numbered text and Word, Anki; round trips and hostile input."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from revise.bank.loader import load_bank
from revise.cli import main
from revise.formats.common import FormatError, parse_letters, parse_truth
from revise.formats.gift import read_gift
from revise.formats.importing import read_any

FORMATS = Path(__file__).parent / "fixtures" / "formats"
BANK = FORMATS / "bank"


def _import(tmp_path: Path, source: Path, *extra: str) -> list[Path]:
    out = tmp_path / "out" / "chapter.yaml"
    out.parent.mkdir(parents=True, exist_ok=True)
    assert main(["import", str(source), "--out", str(out), *extra]) == 0
    files = sorted(out.parent.glob("chapter*.yaml"))
    assert load_bank(files).errors == []
    return files


def test_gift_reads_every_form_of_moodles_examples() -> None:
    result = read_gift(FORMATS / "sample.gift")
    by_prompt = {q["prompt"]: q for q in result.questions}
    assert result.chapters[0].title == "营销理论"
    assert by_prompt["4C中与促销对应的是？"] | {} == {
        "id": "mc",
        "prompt": "4C中与促销对应的是？",
        "type": "choice",
        "options": ["顾客", "成本", "沟通"],
        "answer": "C",
    }
    assert by_prompt["4C理论中____与促销对应。"]["answer"] == "B"  # missing word
    assert by_prompt["客户满意一定忠诚。"] == {**by_prompt["客户满意一定忠诚。"], "type": "truefalse", "answer": False, "explanation": "满意不一定忠诚。"}
    fill = by_prompt["客户保持是使客户不断什么的过程？（____）"]
    assert fill["answer"] == [["重复购买", "重复采购"]] and fill["reject"] == ["首次购买"]
    assert by_prompt["按20/80法则，80%的业绩来自百分之多少的顾客？"] | {} == {
        **by_prompt["按20/80法则，80%的业绩来自百分之多少的顾客？"],
        "answer": 20.0,
        "tolerance": 1.0,
    }
    ranged = by_prompt["满意度C的取值范围在多少之间？"]
    assert (ranged["answer"], ranged["tolerance"]) == (1.0, 0.5)
    assert by_prompt["将4P与4C配对。"]["pairs"] == [["产品", "顾客"], ["价格", "成本"], ["渠道", "便利"]]
    assert by_prompt["属于4C的有哪两项？"] | {} == {**by_prompt["属于4C的有哪两项？"], "type": "multi", "answer": "BC"}
    assert by_prompt["哪个等式成立？"]["options"] == ["= 2 + 2", "= 2 + 3"]
    assert by_prompt["哪个不是 GIFT 控制字符？"]["options"] == ["~", "\\"]
    assert by_prompt["论述客户满意与忠诚的关系。"]["keypoints"] == ["满意是忠诚的基础", "满意不一定忠诚"]
    assert by_prompt["谁是**最重要**的资源？（____）"]["answer"] == "客户"
    messages = [str(issue) for issue in result.issues]
    assert any("sample.gift:49" in m and "说明文字" in m for m in messages)  # nothing dropped silently
    assert any("部分得分" in m for m in messages)
    assert result.counts()["choice"] == 5


def test_gift_import_command_validates_and_summarises(tmp_path: Path, capsys) -> None:
    files = _import(tmp_path, FORMATS / "sample.gift")
    again = _import(tmp_path / "again", FORMATS / "sample.gift")
    assert files[0].read_text(encoding="utf-8") == again[0].read_text(encoding="utf-8")  # ids are stable
    out = capsys.readouterr()
    assert "导入 15 题" in out.out and "单项选择题 5" in out.out
    assert "未导入" in out.err


def test_moodle_xml_entity_bomb_is_refused(tmp_path: Path, capsys) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><quiz>&b;</quiz>', encoding="utf-8")
    assert main(["import", str(bomb), "--out", str(tmp_path / "x.yaml")]) == 1
    err = capsys.readouterr().err
    assert f"{bomb}:1:" in err and "实体" in err and "Traceback" not in err


def test_malformed_xml_names_its_line(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<quiz>\n<question type='truefalse'>\n</quiz>\n", encoding="utf-8")
    assert main(["import", str(bad), "--out", str(tmp_path / "x.yaml")]) == 1
    assert f"{bad}:3: XML 格式错误" in capsys.readouterr().err


@pytest.mark.slow
def test_zip_bomb_is_refused_before_opening(tmp_path: Path, capsys) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (210 * 1024 * 1024))
    assert main(["import", str(bomb), "--out", str(tmp_path / "x.yaml")]) == 1
    assert "压缩炸弹" in capsys.readouterr().err


def _workbook(path: Path, rows: list[list[object]], title: str = "题库") -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


KSB_HEADER = ["题干（必填）", "题型（必填）", "选项A", "选项B", "选项C", "选项D", "正确答案（必填）", "解析", "章节"]


def test_kaoshibao_layout_conventions_and_cell_reports(tmp_path: Path, capsys) -> None:
    book = _workbook(
        tmp_path / "ksb.xlsx",
        [
            ["说明：第二行是表头"],
            KSB_HEADER,
            ["4C中与促销对应的是", "单选题", "A. 顾客", "B. 成本", "C. 沟通", "", "Ｃ", "促销对应沟通", "营销"],
            ["属于4C的有", "多选题", "顾客", "产品", "成本", "", "A,C", "", None],  # merged 章节: carried down
            ["满意一定忠诚", "判断题", "", "", "", "", "×", "", "营销"],
            ["CRM以客户为中心", "判断题", "对", "错", "", "", "A", "", "营销"],
            ["4P是____和____", "填空题", "", "", "", "", "产品||价格", "", "营销"],
            ["坏题", "单选题", "甲", "乙", "", "", "E", "", "营销"],
            ["=1+1", "单选题", "甲", "=2+2", "", "", "=SUM(1)", "", "营销"],
        ],
    )
    files = _import(tmp_path, book)
    questions = list(load_bank(files).bank.questions.values())
    assert [q.type for q in questions] == ["choice", "multi", "truefalse", "truefalse", "fill"]
    assert questions[0].options == ("顾客", "成本", "沟通") and questions[0].answer == 2
    assert questions[1].answer == frozenset({0, 2}) and questions[1].chapter == "营销"
    assert [q.answer for q in questions[2:4]] == [False, True]
    err = capsys.readouterr().err
    assert f"{book}:题库!G8" in err and "不是选项字母" in err
    assert f"{book}:题库!A9: 未导入：题干是空的" in err  # a formula is never evaluated: without a cached value the cell is empty


def test_empty_sheet_and_missing_header(tmp_path: Path, capsys) -> None:
    book = _workbook(tmp_path / "empty.xlsx", [])
    assert main(["import", str(book), "--out", str(tmp_path / "x.yaml")]) == 1
    assert "没有" in capsys.readouterr().err


def test_csv_in_gbk_and_text_numbered(tmp_path: Path) -> None:
    csv_path = tmp_path / "q.csv"
    csv_path.write_bytes(("题干,题型,选项A,选项B,答案\n4C中与促销对应的是,单选,成本,沟通,B\n满意一定忠诚,判断,,,错误\n").encode("gb18030"))
    questions = read_any(csv_path).questions
    assert [q["type"] for q in questions] == ["choice", "truefalse"] and questions[0]["answer"] == "B"
    text = tmp_path / "q.txt"
    text.write_text(
        "一、单项选择题\n1. 与促销对应的是（ ）\nA. 成本  B. 沟通\n答案：Ｂ\n解析：促销对应沟通。\n2、(判断题, 2.0 分) 满意一定忠诚。\n答案：×\n",
        encoding="utf-8",
    )
    questions = read_any(text).questions
    assert questions[0]["options"] == ["成本", "沟通"] and questions[0]["answer"] == "B" and questions[0]["explanation"] == "促销对应沟通。"
    assert questions[1] == {"id": "q-truefalse-001", "prompt": "满意一定忠诚。", "type": "truefalse", "answer": False}


def test_word_document(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for line in ["1. 与促销对应的是", "A、成本 B、沟通", "答案：B", "2. 4P是____和____。", "答案：产品；价格"]:
        document.add_paragraph(line)
    path = tmp_path / "q.docx"
    document.save(str(path))
    files = _import(tmp_path, path)
    questions = list(load_bank(files).bank.questions.values())
    assert [q.type for q in questions] == ["choice", "fill"]


@pytest.mark.parametrize(
    ("text", "truth"),
    [
        ("对", True),
        ("√", True),
        ("T", True),
        ("正确", True),
        ("Ａ", True),
        ("错", False),
        ("×", False),
        ("F", False),
        ("错误", False),
        ("B", False),
        ("也许", None),
    ],
)
def test_judge_conventions(text: str, truth: bool | None) -> None:
    assert parse_truth(text) is truth


def test_full_width_letters() -> None:
    assert parse_letters("ＡＣ", 4) == [0, 2] and parse_letters("A、D", 4) == [0, 3] and parse_letters("E", 4) is None


def test_unreadable_formats_fail_cleanly(tmp_path: Path) -> None:
    old = tmp_path / "q.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(FormatError, match="另存为"):
        read_any(old)


def test_anki_deck_has_stable_guids(tmp_path: Path) -> None:
    import sqlite3

    first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
    for out in (first, second):
        assert main(["--bank", str(BANK), "export", "--out", str(out)]) == 0

    def notes(path: Path) -> list[tuple[str, str, str]]:
        with zipfile.ZipFile(path) as archive:
            (tmp_path / "c.anki2").write_bytes(archive.read("collection.anki2"))
        with sqlite3.connect(tmp_path / "c.anki2") as db:
            return sorted(db.execute("select guid, tags, flds from notes").fetchall())

    assert notes(first) == notes(second) and len(notes(first)) == 12
    assert any("章节::营销理论" in tags and "题型::配对题" in tags for _, tags, _ in notes(first))
    assert all("《客户关系管理复习重点》" in fields for _, _, fields in notes(first))
