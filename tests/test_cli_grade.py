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
    assert err.strip() == 'revise grade: unknown question id "mkt-4c-od" (did you mean "mkt-4c-odd"?)'


def test_numeric_params_on_the_command_line(capsys) -> None:
    code, out, err = run(capsys, "val-satisfaction", "1.2")
    assert code == 2 and "--param a=VALUE --param b=VALUE" in err
    code, out, _ = run(capsys, "val-satisfaction", "120%", "--param", "a=5", "--param", "b=6")
    assert code == 0 and "verdict:  correct" in out and "120% 即 1.2" in out
    code, _, err = run(capsys, "val-satisfaction", "1", "--param", "a=zero", "--param", "b=1")
    assert code == 2 and "not a number" in err
    code, _, err = run(capsys, "val-satisfaction", "1", "--param", "a=0", "--param", "b=1")
    assert code == 2 and "cannot grade" in err


@pytest.mark.parametrize(
    "args",
    [
        ["mkt-4c-odd"],
        [],
        ["mkt-4c-odd", "c", "--responses", "x.csv"],
    ],
)
def test_usage_errors_exit_2(capsys, args: list[str]) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == "" and err.startswith("revise grade: ")


def test_an_unusable_bank_exits_1(capsys, tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("chapter: x\nquestions: [1, 2\n", encoding="utf-8")
    code = main(["grade", "--bank", str(tmp_path), "q", "a"])
    assert code == 1
    assert "error" in capsys.readouterr().err


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
    assert rows[0] == ["student", "question_id", "answer", "comment", "verdict", "score", "feedback"]
    assert [row[0] for row in rows[1:]] == ["张三", "李四", "王五", "赵六", "钱七"]
    assert [row[3] for row in rows[1:]] == ["first", "", "typo in id", "partial", "empty"]
    assert [row[4] for row in rows[1:]] == ["correct", "correct", "error", "partial", "incorrect"]
    assert [row[5] for row in rows[1:]] == ["1", "1", "", "0.6667", "0"]
    assert 'unknown question id "no-such-question"' in rows[3][6]
    assert rows[5][6] == "未作答"
    assert code == 1
    assert "1 of 5 rows could not be graded" in err


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
    assert "params column" in rows[4][7]
    assert code == 1


def test_batch_row_with_wrong_field_count_is_an_error_row(capsys, tmp_path: Path) -> None:
    path = write(tmp_path, "question_id,answer\nmkt-4p-list,产品,价格,地点,促销\nmkt-4c-odd,C\n")
    code, out, _ = run(capsys, "--responses", str(path))
    rows = read_csv(out)
    assert rows[1][2] == "error" and "quote answers that contain commas" in rows[1][4]
    assert rows[2][2] == "correct"
    assert code == 1


def test_batch_from_stdin(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"question_id,answer\nmkt-4c-odd,c\n")))
    code, out, _ = run(capsys, "--responses", "-")
    assert code == 0 and read_csv(out)[1][2] == "correct"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'question_id,answer\nmkt-4c-odd,"C\n', "responses.csv:2: malformed CSV"),
        (b'question_id,answer\nmkt-4c-odd,"C"x\n', "malformed CSV"),
        (b"id,response\nmkt-4c-odd,C\n", "the header needs columns question_id and answer (missing question_id, answer"),
        (b"question_id\nmkt-4c-odd\n", "missing answer"),
        (b"", "empty file"),
        (b"\n\n", "empty file"),
        (b"question_id,answer\nmkt-4c-odd,\xff\xfe\n", "responses.csv:2: not UTF-8"),
        (b"question_id,answer\x00\n", "NUL byte"),
    ],
)
def test_malformed_csv_gets_a_clear_message_and_exit_2(capsys, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "responses.csv"
    path.write_bytes(content)
    code, out, err = run(capsys, "--responses", str(path))
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_missing_csv_file(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "--responses", str(tmp_path / "nope.csv"))
    assert code == 2 and "cannot read" in err and "No such file" in err


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
    assert broken.returncode == 2 and "malformed CSV" in broken.stderr and "Traceback" not in broken.stderr
    unknown = subprocess.run([*command, "nope", "x"], capture_output=True, text=True, timeout=120)
    assert unknown.returncode == 2 and "unknown question id" in unknown.stderr
    single = subprocess.run([*command, "mkt-4p-list", "促销，价格，产品，渠道", "--json"], capture_output=True, text=True, timeout=120)
    assert single.returncode == 0
    assert json.loads(single.stdout)["feedback"] == "正确（顺序不限）"
