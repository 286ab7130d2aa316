"""`revise grade` as a teacher runs it: one answer, a CSV batch, and every way a CSV can be wrong."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from revise.cli import main

FIXTURE_BANK = Path(__file__).parent / "fixtures" / "bank"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `revise grade --bank FIXTURE ARGS`."""
    code = main(["grade", "--bank", str(FIXTURE_BANK), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(tmp_path: Path, text: str, *, bom: bool = False, name: str = "responses.csv") -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


# -- one answer ------------------------------------------------------------------------


def test_one_correct_answer(capsys) -> None:
    code, out, err = run(capsys, "mkt-4c-odd", "c")
    assert code == 0 and err == ""
    assert out.splitlines() == ["verdict:  correct", "score:    1", "expected: C. 促销", "feedback: 正确"]


def test_one_wrong_answer_still_exits_0(capsys) -> None:
    code, out, _ = run(capsys, "mkt-4p-list", "产品、价格、便利、促销")
    assert code == 0
    assert "verdict:  partial" in out and "score:    0.75" in out
    assert "「便利」属于「4C营销理论」" in out


def test_one_answer_as_json(capsys) -> None:
    code, out, _ = run(capsys, "mkt-4c-judge", "错，应为沟通", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["question_id"] == "mkt-4c-judge" and data["verdict"] == "correct" and data["score"] == 1.0
    assert data["expected"] == "错，应为：沟通" and data["feedback"] == "正确"


def test_short_answer_lists_found_and_missed(capsys) -> None:
    code, out, _ = run(capsys, "val-crm-short", "以客户为中心")
    assert code == 0
    assert "found:    以客户为中心" in out and "missed:   客户价值最大化、长期利润" in out


def test_empty_answer_is_unanswered(capsys) -> None:
    code, out, _ = run(capsys, "mkt-4c-odd", "  ")
    assert code == 0 and "feedback: 未作答" in out


def test_unknown_id_exits_2_with_a_suggestion(capsys) -> None:
    code, out, err = run(capsys, "mkt-4c-od", "c")
    assert code == 2 and out == ""
    assert err.strip() == "revise grade: 题库中没有题目“mkt-4c-od”（是不是“mkt-4c-odd”？）"


def test_numeric_params_on_the_command_line(capsys) -> None:
    code, out, err = run(capsys, "val-satisfaction", "1.2")
    assert code == 2 and "缺少 a、b" in err and "--param a=VALUE --param b=VALUE" in err
    code, out, _ = run(capsys, "val-satisfaction", "120%", "--param", "a=5", "--param", "b=6")
    assert code == 0 and "verdict:  correct" in out and "120% 即 1.2" in out
    code, _, err = run(capsys, "val-satisfaction", "1", "--param", "a=zero", "--param", "b=1")
    assert code == 2 and "不是数字" in err
    code, _, err = run(capsys, "val-satisfaction", "1", "--param", "a=0", "--param", "b=1")
    assert code == 2 and "无法评分" in err


@pytest.mark.parametrize(
    "args",
    [
        ["mkt-4c-odd"],
        [],
        ["mkt-4c-odd", "c", "--responses", "x.csv"],
        ["mkt-4c-odd", "c", "--out", "x.csv"],
        ["--responses", "x.csv", "--out", "x.txt"],
        ["--responses", "x.csv", "--report", "x.pdf"],
        ["--responses", "x.csv", "--param", "a=1"],
    ],
)
def test_usage_errors_exit_2(capsys, args: list[str]) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == "" and err.startswith("revise grade: ")


def test_an_unusable_bank_exits_1(capsys, tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("chapter: x\nquestions: [1, 2\n", encoding="utf-8")
    code = main(["grade", "--bank", str(tmp_path), "q", "a"])
    assert code == 1
    assert "错误" in capsys.readouterr().err


# -- a batch -------------------------------------------------------------------------------

CLASS = (
    "student,question_id,answer,comment\n"
    "张三,mkt-4c-odd,C,first\n"
    '李四,mkt-4p-list,"产品、价格、地点、促销",\n'
    "王五,no-such-question,x,typo in id\n"
    '赵六,mkt-4p-multi,"A,C",partial\n'
    "钱七,mkt-4p-tf,,empty\n"
)


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("bom", [False, True])
def test_batch_csv_in_input_order_with_columns_carried(capsys, tmp_path: Path, bom: bool) -> None:
    code, out, err = run(capsys, "--responses", str(write(tmp_path, CLASS, bom=bom)))
    rows = read_csv(out)
    assert rows[0] == ["student", "question_id", "answer", "comment", "verdict", "score", "expected", "feedback"]
    assert [row[0] for row in rows[1:]] == ["张三", "李四", "王五", "赵六", "钱七"]
    assert [row[3] for row in rows[1:]] == ["first", "", "typo in id", "partial", "empty"]
    assert [row[4] for row in rows[1:]] == ["correct", "correct", "error", "partial", "incorrect"]
    assert [row[5] for row in rows[1:]] == ["1", "1", "", "0.6667", "0"]
    assert "题库中没有题目“no-such-question”" in rows[3][7]
    assert rows[1][6] == "C. 促销" and rows[3][6] == ""
    assert rows[5][7] == "未作答"
    assert code == 1
    assert "responses.csv:4: 题库中没有题目“no-such-question”" in err
    assert "5 条答案中有 1 条无法评分" in err


def test_batch_json_lines(capsys, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "--responses", str(write(tmp_path, CLASS, bom=True)), "--json")
    objects = [json.loads(line) for line in out.splitlines()]
    assert [o["student"] for o in objects] == ["张三", "李四", "王五", "赵六", "钱七"]
    for item in objects:
        assert {"question_id", "verdict", "score", "expected", "feedback"} <= item.keys()
    assert objects[0]["expected"] == "C. 促销" and objects[0]["score"] == 1.0
    assert objects[2]["verdict"] == "error" and objects[2]["score"] is None
    assert objects[3]["verdict"] == "partial" and objects[3]["score"] == pytest.approx(2 / 3, abs=1e-3)
    assert code == 1


def test_batch_without_errors_exits_0(capsys, tmp_path: Path) -> None:
    path = write(tmp_path, "question_id,answer\nmkt-4c-odd,B\nmkt-4p-tf,×\n")
    code, out, err = run(capsys, "--responses", str(path))
    assert code == 0 and err == ""
    assert [row[2] for row in read_csv(out)[1:]] == ["incorrect", "correct"]


def test_batch_header_names_are_case_and_space_insensitive(capsys, tmp_path: Path) -> None:
    path = write(tmp_path, " Answer , Question_ID \nC,mkt-4c-odd\n")
    code, out, _ = run(capsys, "--responses", str(path))
    assert code == 0 and read_csv(out)[1][2] == "correct"


def test_batch_numeric_params_from_a_column(capsys, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "question_id,answer,params,a,b\n"
        "val-satisfaction,1.2,a=5;b=6,,\n"
        "val-satisfaction,2,,4,8\n"
        'val-satisfaction,1.2,"{""a"": 5, ""b"": 6}",,\n'
        "val-satisfaction,1.2,,,\n",
    )
    code, out, _ = run(capsys, "--responses", str(path))
    rows = read_csv(out)
    assert [row[5] for row in rows[1:]] == ["correct", "correct", "correct", "error"]
    assert "请加一列 params" in rows[4][8]
    assert code == 1


def test_batch_row_with_wrong_field_count_is_an_error_row(capsys, tmp_path: Path) -> None:
    path = write(tmp_path, "question_id,answer\nmkt-4p-list,产品,价格,地点,促销\nmkt-4c-odd,C\n")
    code, out, _ = run(capsys, "--responses", str(path))
    rows = read_csv(out)
    assert rows[1][2] == "error" and "含逗号的答案请加引号" in rows[1][5]
    assert rows[2][2] == "correct"
    assert code == 1


def test_batch_from_stdin(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"question_id,answer\nmkt-4c-odd,c\n")))
    code, out, _ = run(capsys, "--responses", "-")
    assert code == 0 and read_csv(out)[1][2] == "correct"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'question_id,answer\nmkt-4c-odd,"C\n', "responses.csv:2: CSV 格式错误"),
        (b'question_id,answer\nmkt-4c-odd,"C"x\n', "responses.csv:2: CSV 格式错误"),
        (b"id,response\nmkt-4c-odd,C\n", "responses.csv:1: 找不到表头：需要“题号/question_id”和“答案/answer”两列"),
        (b"question_id\nmkt-4c-odd\n", "找不到表头"),
        (b"", "responses.csv: 文件是空的"),
        (b"\n\n", "文件是空的"),
        (b"question_id,answer\nmkt-4c-odd,C\nmkt-4c-odd,\xff\xff\n", "responses.csv:3: 文件不是 UTF-8，也不是 GBK"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "旧的 .xls 格式"),
        (b"PK\x03\x04garbage", "不是有效的 .xlsx 文件"),
        (b"question_id,answer\n" + b"x" * 4_100_000 + b"\n", "responses.csv:2: 一行超过"),
    ],
    ids=["open-quote", "junk-after-quote", "no-header", "no-answer-column", "empty", "blank-lines", "bad-bytes", "xls", "broken-zip", "huge-line"],
)
def test_a_bad_file_gets_file_line_in_chinese_and_exit_1(capsys, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "responses.csv"
    path.write_bytes(content)
    code, out, err = run(capsys, "--responses", str(path))
    assert code == 1 and out == ""
    assert message in err and "Traceback" not in err


def test_missing_csv_file(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "--responses", str(tmp_path / "nope.csv"))
    assert code == 1 and "无法读取文件" in err and "nope.csv" in err


def test_hostile_answers_in_a_batch(capsys, tmp_path: Path) -> None:
    rows = ["question_id,answer"]
    for answer in ["客" * 100_000, "😀" * 50, "[b]markup[/b]", "\x1b[31mred", "A" * 5000]:
        for question_id in ("mkt-4c-odd", "mkt-4p-list", "val-crm-essay", "mkt-4c-judge", "val-fixed"):
            rows.append(f'{question_id},"{answer}"')
    path = write(tmp_path, "\n".join(rows) + "\n")
    code, out, _ = run(capsys, "--responses", str(path))
    graded = read_csv(out)[1:]
    assert code == 0 and len(graded) == 25
    assert {row[2] for row in graded} <= {"correct", "partial", "incorrect"}


def test_real_subprocess_has_no_traceback(tmp_path: Path) -> None:
    """The installed entry point: exit codes and messages, not tracebacks."""
    path = write(tmp_path, 'question_id,answer\nmkt-4c-odd,"C\n')
    command = [sys.executable, "-m", "revise", "grade", "--bank", str(FIXTURE_BANK)]
    broken = subprocess.run([*command, "--responses", str(path)], capture_output=True, text=True, timeout=120)
    assert broken.returncode == 1 and "CSV 格式错误" in broken.stderr and "Traceback" not in broken.stderr
    unknown = subprocess.run([*command, "nope", "x"], capture_output=True, text=True, timeout=120)
    assert unknown.returncode == 2 and "题库中没有题目“nope”" in unknown.stderr
    single = subprocess.run([*command, "mkt-4p-list", "促销，价格，产品，渠道", "--json"], capture_output=True, text=True, timeout=120)
    assert single.returncode == 0
    assert json.loads(single.stdout)["feedback"] == "正确（顺序不限）"


# -- marking a class: safe output ------------------------------------------------------------

HOSTILE = (
    "学号,姓名,题号,答案\n"
    '1,=cmd(),mkt-4c-odd,"=HYPERLINK(""http://x"",""点我"")"\n'
    "2,张三,mkt-4c-odd,+cmd|' /C calc'!A0\n"
    "3,李四,mkt-4c-odd,@SUM(1)\n"
    "4,王五,mkt-4c-odd,-2+3\n"
)


def test_out_csv_is_utf8_with_bom_and_formula_safe(capsys, tmp_path: Path) -> None:
    out = tmp_path / "marked.csv"
    code, stdout, _ = run(capsys, "--responses", str(write(tmp_path, HOSTILE)), "--out", str(out))
    assert code == 0 and "已批改 4 条答案" in stdout
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = read_csv(data.decode("utf-8-sig"))
    assert [row[1] for row in rows[1:]] == ["'=cmd()", "张三", "李四", "王五"]
    assert [row[3] for row in rows[1:]] == ['\'=HYPERLINK("http://x","点我")', "'+cmd|' /C calc'!A0", "'@SUM(1)", "'-2+3"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert not list(tmp_path.glob(".*.tmp"))


def test_stdout_csv_is_formula_safe_too(capsys, tmp_path: Path) -> None:
    _, stdout, _ = run(capsys, "--responses", str(write(tmp_path, HOSTILE)))
    rows = read_csv(stdout)
    assert rows[1][1] == "'=cmd()" and rows[3][3] == "'@SUM(1)"


def test_xlsx_out_is_formula_safe_and_has_the_report_sheets(capsys, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "marked.xlsx"
    code, _, _ = run(capsys, "--responses", str(write(tmp_path, HOSTILE)), "--out", str(out))
    assert code == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["批改结果", "试卷统计", "学生成绩", "题目分析"]
    sheet = book["批改结果"]
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[1][1] == "'=cmd()" and cells[1][3].startswith("'=HYPERLINK") and cells[2][5] == 0
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    students = [[cell.value for cell in row] for row in book["学生成绩"].iter_rows()]
    assert students[0][:4] == ["名次", "学生", "姓名", "总分"]
    assert students[1][:4] == [1, "1", "'=cmd()", 0]  # all four tie on 0: rank 1, by student id


def test_a_bare_cr_in_an_answer_is_quoted_so_the_output_reads_back(capsys, tmp_path: Path) -> None:
    path = tmp_path / "responses.csv"
    path.write_bytes(b'student,question_id,answer\r\n"a\rb",mkt-4c-odd,"C\rD"\r\nx,mkt-4c-odd,C\r\n')
    out = tmp_path / "marked.csv"
    run(capsys, "--responses", str(path), "--out", str(out))
    with out.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert len(rows) == 3 and rows[1][:3] == ["a\rb", "mkt-4c-odd", "C\rD"] and rows[2][0] == "x"
    _, stdout, _ = run(capsys, "--responses", str(path))
    rows = list(csv.reader(io.StringIO(stdout, newline="")))
    assert len(rows) == 3 and rows[1][2] == "C\rD"


def test_a_nul_byte_in_one_answer_cleans_that_answer_and_grades_the_file(capsys, tmp_path: Path) -> None:
    path = tmp_path / "responses.csv"
    path.write_bytes(b"question_id,answer\nmkt-4c-odd,C\x00\nmkt-4p-tf,\xc3\x97\n")
    code, stdout, err = run(capsys, "--responses", str(path))
    rows = read_csv(stdout)
    assert code == 0 and [row[2] for row in rows[1:]] == ["correct", "correct"] and rows[1][1] == "C"
    assert "responses.csv:2: 答案中的 NUL 字符已删除" in err


def test_terminal_output_never_carries_raw_escapes(capsys, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    path = write(tmp_path, "question_id,answer,note\nmkt-4c-odd,\x1b]0;pwned\x07C,\x1b[2Jx\nno\x1b[31mpe,C,\u202eevil\n")
    code, stdout, err = run(capsys, "--responses", str(path))
    assert code == 1
    assert "\x1b" not in stdout and "\x1b" not in err and "\u202e" not in stdout
    assert "<U+202E>evil" in stdout and "题库中没有题目“no" in err and "\u241b" in stdout  # ␛: shown, not obeyed


def test_gbk_stdout_never_aborts_and_escapes_what_it_cannot_show(tmp_path: Path) -> None:
    path = write(tmp_path, "student,question_id,answer\n张三😀,mkt-4c-odd,C😀\n李四,mkt-4c-odd,C\n")
    command = [sys.executable, "-m", "revise", "grade", "--bank", str(FIXTURE_BANK), "--responses", str(path)]
    for extra in ([], ["--json"]):
        done = subprocess.run([*command, *extra], capture_output=True, timeout=120, env={**__import__("os").environ, "PYTHONIOENCODING": "gbk"})
        assert done.returncode == 0, done.stderr.decode("gbk", "replace")
        text = done.stdout.decode("gbk")
        assert "张三\\U0001f600" in text and "李四" in text and "Traceback" not in done.stderr.decode("gbk", "replace")


def test_a_carried_column_is_never_replaced_by_a_grader_field(capsys, tmp_path: Path) -> None:
    path = write(tmp_path, "question_id,answer,expected,Verdict,revise_score\nmkt-4c-odd,B,老师的预期,mine,kept\n")
    _, stdout, _ = run(capsys, "--responses", str(path))
    rows = read_csv(stdout)
    assert rows[0] == ["question_id", "answer", "expected", "Verdict", "revise_score", "revise_verdict", "score", "revise_expected", "feedback"]
    assert rows[1][2:5] == ["老师的预期", "mine", "kept"] and rows[1][5] == "incorrect" and rows[1][7] == "C. 促销"
    _, stdout, _ = run(capsys, "--responses", str(path), "--json")
    data = json.loads(stdout)
    assert data["expected"] == "老师的预期" and data["revise_expected"] == "C. 促销"
    assert data["Verdict"] == "mine" and data["revise_verdict"] == "incorrect" and data["revise_score"] == "kept" and data["score"] == 0


def test_wide_layout_json_names_the_question_and_answer(capsys, tmp_path: Path) -> None:
    path = write(tmp_path, "学号,姓名,mkt-4c-odd,mkt-4p-tf\n1,张三,C,错\n2,李四,A,\n")
    code, stdout, _ = run(capsys, "--responses", str(path), "--json")
    objects = [json.loads(line) for line in stdout.splitlines()]
    assert code == 0
    assert [(o["学号"], o["question_id"], o["answer"], o["verdict"]) for o in objects] == [
        ("1", "mkt-4c-odd", "C", "correct"),
        ("1", "mkt-4p-tf", "错", "correct"),
        ("2", "mkt-4c-odd", "A", "incorrect"),
        ("2", "mkt-4p-tf", "", "incorrect"),
    ]


def test_a_file_broken_midway_leaves_no_output_file(capsys, tmp_path: Path) -> None:
    path = write(tmp_path, 'question_id,answer\nmkt-4c-odd,C\nmkt-4c-odd,"C\n')
    out = tmp_path / "marked.csv"
    code, _, err = run(capsys, "--responses", str(path), "--out", str(out))
    assert code == 1 and "responses.csv:3: CSV 格式错误" in err
    assert not out.exists() and not list(tmp_path.glob(".*.tmp"))


# -- marking with a paper, and the report -------------------------------------------------------

PAPER = """\
id: mini
title: 小测<i>
minutes: 10
sections:
  - {title: 一、单项选择题, type: choice, count: 1, points: 2}
  - {title: 二、判断并改错题, type: judge, count: 2, points: 3}
  - {title: 三、多项选择题, type: multi, count: 1, points: 4}
"""

CLASS_WIDE = "学号,姓名,mkt-4c-odd,mkt-4c-judge,mkt-4p-multi\n1,张三,C,错，应为沟通,ACE\n2,<script>alert(1)</script>,B,对,AC\n3,王五,C,错,A\n"


@pytest.fixture
def paper_bank(tmp_path: Path) -> Path:
    bank = tmp_path / "bank"
    (bank / "papers").mkdir(parents=True)
    for source in FIXTURE_BANK.glob("*.yaml"):
        (bank / source.name).write_bytes(source.read_bytes())
    (bank / "papers" / "mini.yaml").write_text(PAPER, encoding="utf-8")
    return bank


def run_bank(capsys, bank: Path, *args: str) -> tuple[int, str, str]:
    code = main(["grade", "--bank", str(bank), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_paper_marks_are_in_the_papers_points(capsys, tmp_path: Path, paper_bank: Path) -> None:
    code, stdout, _ = run_bank(capsys, paper_bank, "--responses", str(write(tmp_path, CLASS_WIDE)), "--paper", "mini")
    rows = read_csv(stdout)
    assert rows[0][4:9] == ["verdict", "score", "points", "full_marks", "section"]
    assert [(row[0], row[2], row[6], row[7], row[8]) for row in rows[1:4]] == [
        ("1", "mkt-4c-odd", "2", "2", "一、单项选择题"),
        ("1", "mkt-4c-judge", "3", "3", "二、判断并改错题"),
        ("1", "mkt-4p-multi", "4", "4", "三、多项选择题"),
    ]
    assert rows[6][6] == "2.67" and rows[8][6] == "1.5" and rows[9][6] == "1.33"  # 2/3 of 4; judged right but not corrected
    assert code == 0


def test_a_question_whose_type_is_not_on_the_paper_is_an_error_row(capsys, tmp_path: Path, paper_bank: Path) -> None:
    path = write(tmp_path, "question_id,answer\nmkt-4p-tf,错\n")
    code, stdout, _ = run_bank(capsys, paper_bank, "--responses", str(path), "--paper", "mini")
    assert code == 1 and "没有这种题型" in read_csv(stdout)[1][-1]


def test_an_unknown_paper_is_a_usage_error_with_a_suggestion(capsys, tmp_path: Path, paper_bank: Path) -> None:
    code, stdout, err = run_bank(capsys, paper_bank, "--responses", str(write(tmp_path, CLASS_WIDE)), "--paper", "mni")
    assert code == 2 and stdout == "" and "题库中没有试卷“mni”（是不是“mini”？）" in err


def test_the_html_report_escapes_everything_and_draws_inline(capsys, tmp_path: Path, paper_bank: Path) -> None:
    report = tmp_path / "report.html"
    code, stdout, err = run_bank(capsys, paper_bank, "--responses", str(write(tmp_path, CLASS_WIDE)), "--paper", "mini", "--report", str(report))
    assert code == 0 and "report.html" in err and len(read_csv(stdout)) == 10  # stdout: only the marked rows
    page = report.read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "小测&lt;i&gt;" in page and "<svg" in page and "://" not in page and "@import" not in page and "src=" not in page
    # totals 9, 2.67 (0 + 0 + 2.67) and 4.83 (2 + 1.5 + 1.33): mean 5.5
    assert '<td>平均分</td><td class="n">5.5</td>' in page
    assert "班级成绩报告" in page and "区分度" in page and "Cronbach" in page


def test_a_report_needs_a_student_column(capsys, tmp_path: Path) -> None:
    path = write(tmp_path, "question_id,answer\nmkt-4c-odd,C\n")
    code, _, err = run(capsys, "--responses", str(path), "--report", str(tmp_path / "r.html"))
    assert code == 1 and "需要一列“学号”或“姓名”" in err and not (tmp_path / "r.html").exists()


def test_an_interrupted_batch_leaves_no_temporary_file(capsys, monkeypatch, tmp_path: Path) -> None:
    from revise.marking import batch

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "mark_all", interrupted)
    out = tmp_path / "marked.xlsx"
    code, _, _ = run(capsys, "--responses", str(write(tmp_path, CLASS)), "--out", str(out))
    assert code == 130 and not out.exists() and not list(tmp_path.glob(".*.tmp"))


def test_an_xlsx_on_stdin(monkeypatch, capsys, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["学号", "题号", "答案"])
    book.active.append(["1", "mkt-4c-odd", "C"])
    data = io.BytesIO()
    book.save(data)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.getvalue())))
    code, out, _ = run(capsys, "--responses", "-")
    assert code == 0 and read_csv(out)[1][3] == "correct"


# -- marking with a saved paper (revise paper --save) ------------------------------------------------

MORE_QUESTIONS = """\
chapter: 新增章节
order: 3
questions:
  - id: new-choice
    type: choice
    prompt: 客户关系管理的核心是什么？
    options: [客户, 产品, 价格, 渠道]
    answer: A
  - id: new-multi
    type: multi
    prompt: 属于4C的有哪些？
    options: [顾客, 成本, 促销, 便利]
    answer: ABD
"""


def saved_paper(capsys, tmp_path: Path, bank: Path) -> tuple[Path, object]:
    """A saved 'mini' paper whose single-choice question is printed shuffled (its key is not the bank's C)."""
    from revise.bank.loader import load_bank
    from revise.formats.saved_paper import load_saved_paper

    loaded = load_bank([bank]).bank
    for seed in range(1, 60):
        saved = tmp_path / f"mini-{seed}.yaml"
        assert main(["paper", "--bank", str(bank), "--paper", "mini", "--seed", str(seed), "--out", str(tmp_path / f"p{seed}.md"), "--save", str(saved)]) == 0
        capsys.readouterr()
        drawn = load_saved_paper(saved, loaded)
        choice = next(placed for placed in drawn.questions if placed.question.id == "mkt-4c-odd")
        if choice.shown_key() != "C":
            return saved, drawn
    raise AssertionError("no seed shuffles the choice question")


def test_a_saved_paper_marks_in_its_points_and_printed_letters_and_ignores_a_grown_bank(capsys, tmp_path: Path, paper_bank: Path) -> None:
    saved, drawn = saved_paper(capsys, tmp_path, paper_bank)
    keys = {placed.question.id: placed.shown_key() for placed in drawn.questions}  # type: ignore[attr-defined]
    # 张三 answers in the letters printed on the paper; 李四 in the bank's own letters (wrong on this paper).
    header = ["学号", "姓名", "mkt-4c-odd", "mkt-4c-judge", "mkt-4c-judge-true", "mkt-4p-multi"]
    rows = [["1", "张三", keys["mkt-4c-odd"], "错，应为沟通", "对", keys["mkt-4p-multi"]], ["2", "李四", "C", "对", "对", "ACE"]]
    responses = write(tmp_path, "\n".join(",".join(row) for row in [header, *rows]) + "\n")
    report = tmp_path / "report.html"

    code, before, _ = run_bank(capsys, paper_bank, "--responses", str(responses), "--paper", str(saved), "--report", str(report))
    assert code == 0
    marked = read_csv(before)
    assert marked[0][4:9] == ["verdict", "score", "points", "full_marks", "section"]
    zhang = [(row[2], row[4], row[6], row[7], row[8]) for row in marked[1:5]]
    assert zhang == [
        ("mkt-4c-odd", "correct", "2", "2", "一、单项选择题"),
        ("mkt-4c-judge", "correct", "3", "3", "二、判断并改错题"),
        ("mkt-4c-judge-true", "correct", "3", "3", "二、判断并改错题"),
        ("mkt-4p-multi", "correct", "4", "4", "三、多项选择题"),
    ]
    assert marked[5][4] == "incorrect" and marked[5][6] == "0"  # "C" is not the printed key
    assert "小测" in report.read_text(encoding="utf-8")

    # The bank grows: the blueprint now draws from more questions, the saved paper stays what was printed.
    (paper_bank / "03-more.yaml").write_text(MORE_QUESTIONS, encoding="utf-8")
    code, after, _ = run_bank(capsys, paper_bank, "--responses", str(responses), "--paper", str(saved))
    assert code == 0 and after == before

    # A question that was not on the saved paper is an error row that says so.
    extra = write(tmp_path, "question_id,answer\nnew-choice,A\n", name="extra.csv")
    code, stdout, _ = run_bank(capsys, paper_bank, "--responses", str(extra), "--paper", str(saved))
    assert code == 1 and "不在试卷" in read_csv(stdout)[1][-1]


def test_a_saved_paper_that_no_longer_fits_the_bank_is_a_usage_error(capsys, tmp_path: Path, paper_bank: Path) -> None:
    responses = write(tmp_path, CLASS_WIDE)
    missing = tmp_path / "nothere.yaml"
    code, stdout, err = run_bank(capsys, paper_bank, "--responses", str(responses), "--paper", str(missing))
    assert code == 2 and stdout == "" and "找不到保存的试卷文件" in err
    broken = tmp_path / "broken.yaml"
    broken.write_text("saved_paper: 1\npaper: mini\n", encoding="utf-8")
    code, stdout, err = run_bank(capsys, paper_bank, "--responses", str(responses), "--paper", str(broken))
    assert code == 2 and stdout == "" and f"{broken}:1:" in err and "Traceback" not in err
