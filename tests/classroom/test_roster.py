"""The roster: CSV in English or Chinese, scrypt passwords, slowed-down guessing, and students' data dirs."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from revise.classroom.roster import FREE_FAILURES, Member, Roster, RosterError, parse_roster, student_dir
from revise.cli import main


def test_roster_accepts_english_and_chinese_headers() -> None:
    assert parse_roster("id,name,role\na1,Ann,teacher\n") == [Member("a1", "Ann", "teacher")]
    assert parse_roster("\ufeff学号,姓名,角色\n2023001,张三,学生\n2023002,李四,教师\n") == [
        Member("2023001", "张三", "student"),
        Member("2023002", "李四", "teacher"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id,name\n../x,Evil\n", "roster.csv:2: 学号 '../x' 无效"),
        ("id,name,role\na,A,admin\n", "roster.csv:2: 角色 'admin' 无效"),
        ("id,name\na,A\na,B\n", "roster.csv:3: 学号 a 重复"),
        ("name,role\nA,student\n", "roster.csv:1: 缺少列 id"),
    ],
)
def test_bad_rosters_say_file_and_line(text: str, message: str) -> None:
    with pytest.raises(RosterError, match=message.replace("(", r"\(").replace(".", r"\.")):
        parse_roster(text)


def test_passwords_are_kept_only_as_salted_scrypt_hashes(roster: Roster) -> None:
    assert roster.login("s001", "pw-s001-secret", sleep=lambda _: None).member == Member("s001", "张三", "student")
    assert stat.S_IMODE(roster.accounts_path.stat().st_mode) == 0o600
    raw = roster.accounts_path.read_bytes()
    assert b"pw-s001-secret" not in raw
    with sqlite3.connect(roster.accounts_path) as connection:
        salts = [row[0] for row in connection.execute("SELECT salt FROM accounts WHERE salt IS NOT NULL")]
    assert len(salts) == 3 and len(set(salts)) == 3  # a salt per user


def test_unknown_ids_and_wrong_passwords_look_alike(roster: Roster) -> None:
    unknown = roster.login("nobody", "x", sleep=lambda _: None)
    wrong = roster.login("s001", "x", sleep=lambda _: None)
    assert unknown.member is None and wrong.member is None
    assert unknown.message == wrong.message == "学号或密码错误"


def test_repeated_failed_logins_are_slowed_down(roster: Roster) -> None:
    now = [1000.0]
    slept: list[float] = []
    roster.clock = lambda: now[0]
    for _ in range(FREE_FAILURES - 1):
        assert roster.login("s002", "wrong", sleep=slept.append).wait_seconds == 0
    third = roster.login("s002", "wrong", sleep=slept.append)
    assert third.wait_seconds == 2
    assert all(delay > 0 for delay in slept)  # every failure costs time
    refused = roster.login("s002", "pw-s002-secret", sleep=slept.append)
    assert refused.member is None and "秒后再试" in refused.message  # even the right password waits
    now[0] += 3
    fourth = roster.login("s002", "wrong again", sleep=slept.append)
    assert fourth.wait_seconds == 4  # doubling
    now[0] += 5
    assert roster.login("s002", "pw-s002-secret", sleep=slept.append).member is not None
    assert roster.login("s002", "wrong", sleep=slept.append).wait_seconds == 0  # a success forgives


def test_first_login_must_set_a_password(roster: Roster) -> None:
    roster.set_password("s001", None)
    result = roster.login("s001", "", sleep=lambda _: None)
    assert result.must_set_password and result.member is not None
    with pytest.raises(RosterError, match="至少"):
        roster.set_password("s001", "123")


@pytest.mark.parametrize("raw", ["../s001", "s001/../../etc", "/etc/passwd", "s 001", "s003", "", "S001"])
def test_a_student_dir_comes_only_from_a_roster_id(roster: Roster, tmp_path: Path, raw: str) -> None:
    with pytest.raises(RosterError):
        student_dir(tmp_path / "root", roster, raw)
    assert not (tmp_path / "root").exists() or not any((tmp_path / "root").iterdir())


def test_student_dirs_are_private(roster: Roster, tmp_path: Path) -> None:
    path = student_dir(tmp_path / "root", roster, "s001")
    assert path == (tmp_path / "root" / "s001").resolve()
    assert stat.S_IMODE(path.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_roster_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Walk-through step 3: add a roster from a CSV, list it, set a password."""
    source = tmp_path / "名单.csv"
    source.write_text("学号,姓名,角色\n2023001,张三,学生\n2023002,李四,学生\nt01,王老师,教师\n", encoding="utf-8")
    roster_path = tmp_path / "roster.csv"
    assert main(["class", "roster", "add", "--roster", str(roster_path), "--from", str(source)]) == 0
    assert main(["class", "roster", "add", "--roster", str(roster_path), "2023003", "赵五"]) == 0
    assert main(["class", "roster", "list", "--roster", str(roster_path)]) == 0
    out = capsys.readouterr().out
    assert "2023003\t赵五\t学生\t首次登录时设密码" in out and "t01\t王老师\t教师" in out
    done = subprocess.run(
        [sys.executable, "-m", "revise", "class", "roster", "reset-password", "--roster", str(roster_path), "2023001", "--password-stdin"],
        input="new-secret\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert Roster.open(roster_path).login("2023001", "new-secret", sleep=lambda _: None).member is not None
    assert main(["class", "roster", "reset-password", "--roster", str(roster_path), "nobody", "--clear"]) == 1
    assert "名单中没有学号 nobody" in capsys.readouterr().err
