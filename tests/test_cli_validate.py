"""`revise validate` as a teacher runs it: output format, summary, exit codes, no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from revise.cli import main
from revise.paths import resolve_bank, shipped_bank

GOOD = "chapter: 测试\nsource: s.txt\nquestions:\n  - id: q1\n    type: truefalse\n    prompt: 甲\n    answer: true\n    explanation: 因为\n"


def run_validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    """Exit code and output lines of `revise validate ARGS`."""
    code = main(["validate", *args])
    return code, capsys.readouterr().out.splitlines()


def test_clean_bank_exits_0_with_summary(capsys, fixture_bank_path: Path) -> None:
    code, lines = run_validate(capsys, str(fixture_bank_path))
    assert code == 0
    assert lines == ["2 个文件，11 道题，3 个概念：0 个错误，0 个警告"]


def test_errors_exit_1_and_are_listed_first(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("answer: true", "anwser: true"), encoding="utf-8")
    code, lines = run_validate(capsys, str(bad))
    assert code == 1
    assert lines == [
        f"{bad}:4: 错误: 判断题缺少必填字段“answer”",
        f"{bad}:7: 错误: 判断题没有“anwser”这个字段（是不是“answer”？）",
        "1 个文件，0 道题，0 个概念：2 个错误，0 个警告",
    ]


def test_warnings_fail_only_with_strict(capsys, tmp_path: Path) -> None:
    path = tmp_path / "warn.yaml"
    path.write_text(GOOD.replace("    explanation: 因为\n", ""), encoding="utf-8")
    code, lines = run_validate(capsys, str(path))
    assert code == 0 and lines[-1] == "1 个文件，1 道题，0 个概念：0 个错误，1 个警告"
    code, _ = run_validate(capsys, "--strict", str(path))
    assert code == 1


def test_several_paths(capsys, tmp_path: Path, fixture_bank_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text(GOOD, encoding="utf-8")
    code, lines = run_validate(capsys, str(fixture_bank_path), str(extra))
    assert code == 0 and lines == ["3 个文件，12 道题，3 个概念：0 个错误，0 个警告"]


def test_bank_option_and_environment(capsys, monkeypatch, fixture_bank_path: Path, tmp_path: Path) -> None:
    code, lines = run_validate(capsys, "--bank", str(fixture_bank_path))
    assert code == 0 and lines[-1].startswith("2 个文件，11 道题")
    monkeypatch.setenv("REVISE_BANK", str(fixture_bank_path))
    assert resolve_bank() == fixture_bank_path
    code, lines = run_validate(capsys)
    assert lines[-1].startswith("2 个文件，11 道题")
    assert resolve_bank(str(tmp_path)) == tmp_path  # the option beats the environment


def test_shipped_bank_found_from_checkout_or_install(tmp_path: Path) -> None:
    installed = tmp_path / "share" / "revise" / "question_bank"
    installed.mkdir(parents=True)
    assert shipped_bank([tmp_path / "no-checkout", installed]) == installed
    assert shipped_bank().name == "question_bank" and shipped_bank().is_dir()


@pytest.mark.parametrize(
    "content",
    [
        b"- just\n- a list\n",
        b"plain scalar\n",
        b"chapter: x\nquestions: 5\n",
        b"chapter: x\nquestions:\n  - 5\n  - [a]\n  - {type: fill}\n",
        b"chapter: x\nconcepts: {a: b}\n",
        b"[" * 5000 + b"]" * 5000,
        b"\x00\x01\x02binary",
        b"\xff\xfe\x00c\x00h",
        b"chapter: x\n\tbad: tab\n",
        b"---\nchapter: a\n---\nchapter: b\n",
        b"chapter: x\nquestions:\n  - {id: q, type: numeric, prompt: '{a}', params: {a: [5, 1]}, formula: a}\n",
        b"chapter: x\nquestions:\n  - {id: q, type: numeric, prompt: '{a}', params: [a], formula: a}\n",
        b"chapter: x\nquestions:\n  - {id: q, type: fill, prompt: '__', answer: []}\n",
        b"chapter: x\nquestions:\n  - {id: q, type: short, prompt: p, answer: a, keypoints: []}\n",
        b"chapter: x\nquestions:\n  - {? [a] : b}\n",
    ],
)
def test_bad_input_never_raises(capsys, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    code, lines = run_validate(capsys, str(path))
    assert code == 1
    assert any(": 错误: " in line for line in lines)
    assert "Traceback" not in "\n".join(lines)


def test_console_script_and_module_entry_agree(fixture_bank_path: Path) -> None:
    console_script = str(Path(sys.executable).with_name("revise"))
    for command in ([console_script], [sys.executable, "-m", "revise"]):
        completed = subprocess.run([*command, "validate", str(fixture_bank_path)], capture_output=True, text=True, timeout=60)
        assert completed.returncode == 0, completed.stderr
        assert completed.stdout.strip() == "2 个文件，11 道题，3 个概念：0 个错误，0 个警告"


def test_lint_reports_ambiguities_as_warnings(capsys, tmp_path: Path) -> None:
    path = tmp_path / "lint.yaml"
    path.write_text(
        "chapter: 测试\nsource: s\nquestions:\n"
        "  - {id: s1, type: short, prompt: 简述客户忠诚的作用。, answer: 客户忠诚带来重复购买。, keypoints: [重复购买, 降低营销成本], explanation: 因为如此}\n",
        encoding="utf-8",
    )
    code, lines = run_validate(capsys, str(path))
    assert code == 0 and not any("降低营销成本" in line for line in lines)
    code, lines = run_validate(capsys, "--lint", "--strict", str(path))
    assert code == 1
    assert f"{path}:4: 警告: 题目“s1”：参考答案没有得到要点“降低营销成本”" in lines
    assert not any("重复购买”" in line for line in lines)


def test_several_banks_merge_and_duplicate_ids_are_named(capsys, tmp_path: Path, fixture_bank_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "extra.yaml").write_text(GOOD, encoding="utf-8")
    code, lines = run_validate(capsys, "--bank", str(fixture_bank_path), "--bank", str(mine))
    assert code == 0 and lines[-1].startswith("3 个文件，12 道题")
    # The same chapter twice: its question id is reported as a duplicate, naming the first place.
    clash = tmp_path / "clash"
    clash.mkdir()
    (clash / "again.yaml").write_text(GOOD, encoding="utf-8")
    code, lines = run_validate(capsys, "--bank", str(mine), "--bank", str(clash))
    assert code == 1
    assert any("重复了（第一次出现在" in line and str(mine / "extra.yaml") in line for line in lines)
