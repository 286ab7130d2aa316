"""docs/classroom.md step by step, in a real browser (Debian's chromium through playwright) on a real PostgreSQL.

1. start PostgreSQL (the ``pg_server`` fixture; the doc uses Debian's service);
2. create the class (``revise class create``);
3. add a roster from a CSV (``revise class roster add --from``);
4. start ``revise serve``;
5. two students practise in two browsers (one sets a password at first login),
   typing a Chinese answer as an IME commits it and seeing the feedback;
6. both are in the class report (``revise class report``), which only a teacher gets.

Screenshots are kept under ``tmp/artefacts`` (or ``$REVISE_TEST_ARTEFACTS``).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from revise.classroom.classstore import member_url
from revise.classroom.roster import Roster
from revise.cli import main
from tests.classroom.serving import ANSWER, CHROMIUM, log_in, open_page, served, type_text, wait_for, write_smoke_bank

pytestmark = pytest.mark.slow
ARTEFACTS = Path(os.environ.get("REVISE_TEST_ARTEFACTS", Path(__file__).resolve().parents[2] / "tmp" / "artefacts"))


def _revise(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "revise", *args], capture_output=True, text=True, check=False, timeout=120)


def test_a_new_teacher_walks_through_the_class(class_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("playwright")
    assert Path(CHROMIUM).exists(), "chromium is not installed: run .ci/install-deps"
    from playwright.sync_api import sync_playwright

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    bank = write_smoke_bank(tmp_path / "bank")
    roster_csv = tmp_path / "学生名单.csv"
    roster_csv.write_text("学号,姓名,角色\n2023001,张三,学生\n2023002,李四,学生\nt01,王老师,教师\n", encoding="utf-8")
    roster = tmp_path / "roster.csv"

    # 3 and 2: the roster from a CSV, then the class in the database.
    assert main(["class", "roster", "add", "--roster", str(roster), "--from", str(roster_csv)]) == 0
    done = _revise("--bank", str(bank), "class", "create", "--store", class_db, "--roster", str(roster))
    assert done.returncode == 0, done.stderr
    assert "3 个成员账号" in done.stdout
    # 张三 and the teacher get passwords from the teacher; 李四 sets one at first login.
    for member_id, password in (("2023001", "zhang-secret"), ("t01", "teacher-secret")):
        assert (
            subprocess.run(
                [sys.executable, "-m", "revise", "class", "roster", "reset-password", "--roster", str(roster), member_id, "--password-stdin"],
                input=password + "\n",
                text=True,
                capture_output=True,
                check=False,
            ).returncode
            == 0
        )

    # 4 and 5: serve, two students in two browsers at once.
    data_root = tmp_path / "data"
    with served(roster, data_root, bank, class_store=class_db) as (_server, url), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            zhang = open_page(browser, url)
            li = open_page(browser, url)
            log_in(zhang, "2023001", "zhang-secret")
            type_text(li, "2023002")
            li.keyboard.press("Enter")  # no password yet: the screen asks for a new one ...
            li.wait_for_timeout(1500)
            type_text(li, "li-new-secret")  # ... twice
            type_text(li, "li-new-secret")
            for page, name in ((zhang, "zhang"), (li, "li")):
                page.wait_for_timeout(2500)  # the app starts after the login
                page.keyboard.press("p")  # 开始练习
                page.wait_for_timeout(1500)
                type_text(page, ANSWER, pause_ms=800)
                page.wait_for_timeout(1000)
                page.screenshot(path=str(ARTEFACTS / f"classroom-feedback-{name}.png"))
            for member_id in ("2023001", "2023002"):
                database = data_root / member_id / "progress.sqlite3"
                rows = wait_for(
                    lambda database=database: database.exists() and sqlite3.connect(database).execute("SELECT response, verdict FROM review_log").fetchall()
                )
                assert rows == [(ANSWER, "correct")]
        finally:
            browser.close()
        # The browsers are gone: each session syncs once more as it ends.
        teacher_url = member_url(class_db, Roster.open(roster), "t01")

        def both_synced() -> bool:
            with psycopg.connect(class_db) as connection:
                return connection.execute("SELECT count(DISTINCT student_id) FROM reviews").fetchone() == (2,)

        wait_for(both_synced, timeout=30)
    assert Roster.open(roster).login("2023002", "li-new-secret", sleep=lambda _: None).member is not None

    # 6: the class report, as the teacher; a student's account is refused.
    assert main(["class", "report", "--store", teacher_url]) == 0
    report = capsys.readouterr().out
    assert "张三" in report and "李四" in report and "smoke-crm" in report
    out = tmp_path / "report.html"
    assert main(["class", "report", "--store", teacher_url, "--out", str(out)]) == 0
    assert "李四" in out.read_text(encoding="utf-8")
    student_url = member_url(class_db, Roster.open(roster), "2023001")
    assert main(["class", "report", "--store", student_url]) == 1
    assert "只有教师账号可以生成班级报告" in capsys.readouterr().err
