"""Mastery, activity and accuracy statistics, and the `revise stats` command."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from revise.bank.drills import practice_questions
from revise.bank.model import Bank
from revise.cli import build_parser, main
from revise.clock import start_of_day
from revise.progress.mastery import (
    MASTERED_RETRIEVABILITY,
    accuracy,
    answers_per_day,
    collect_stats,
    compute_mastery,
    current_streak,
    most_wrong,
    stats_to_json,
)
from revise.progress.scheduling import REVIEW, retrievability
from revise.progress.store import DB_NAME, Marking, Store

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)
UTC8 = timezone(timedelta(hours=8))
SCORES = {"correct": 1.0, "partial": 0.5, "incorrect": 0.0}


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "data") as opened:
        yield opened


def answer(store: Store, qid: str, verdict: str, at: datetime, qtype: str = "fill") -> None:
    store.record_answer(question_id=qid, question_type=qtype, response="", verdict=verdict, score=SCORES[verdict], at=at)


# -- mastery -------------------------------------------------------------------------------------


def test_mastery_is_retrievability_unseen_counts_zero_and_groups_take_the_mean(fixture_bank: Bank, store: Store) -> None:
    answer(store, "mkt-4p-list", "correct", T0)
    answer(store, "mkt-4p-list", "correct", T0 + timedelta(minutes=10))
    answer(store, "val-fixed", "partial", T0)
    answer(store, "drill:4p:odd", "incorrect", T0)
    now = T0 + timedelta(days=4)
    report = compute_mastery(fixture_bank, store, now=now, tz=timezone.utc)
    cards = store.card_states()
    assert cards["mkt-4p-list"].state == REVIEW  # graduated after two correct answers
    assert report.questions["mkt-4p-list"] == pytest.approx(retrievability(cards["mkt-4p-list"], now))
    assert 0 < report.questions["mkt-4p-list"] < 1
    for qid in ("val-fixed", "drill:4p:odd"):  # still in the learning steps: not known yet
        assert cards[qid].state != REVIEW
        assert report.questions[qid] == 0.0
    assert report.questions["mkt-4c-odd"] == 0.0
    assert len(report.questions) == 19

    def mean(ids) -> float:
        ids = list(ids)
        return sum(report.questions[qid] for qid in ids) / len(ids)

    practised = practice_questions(fixture_bank)
    by_chapter = {group.key: group for group in report.chapters}
    assert list(by_chapter) == ["营销理论", "客户价值与满意"]
    for title, group in by_chapter.items():
        ids = [qid for qid, q in practised.items() if q.chapter == title]
        assert group.questions == len(ids)
        assert group.mastery == pytest.approx(mean(ids))
    assert report.concepts["4p"].mastery == pytest.approx(mean(qid for qid, q in practised.items() if q.concept == "4p"))
    assert report.concepts["4p"].name == "4P营销组合"
    assert report.bank.mastery == pytest.approx(mean(practised))
    assert report.bank.questions == 19


def test_a_question_failed_today_is_not_shown_as_known(fixture_bank: Bank, store: Store) -> None:
    answer(store, "mkt-4p-list", "incorrect", T0)
    now = T0 + timedelta(minutes=5)
    assert retrievability(store.card_states()["mkt-4p-list"], now) == pytest.approx(1.0)  # fsrs counts whole days
    report = compute_mastery(fixture_bank, store, now=now, tz=timezone.utc)
    assert report.questions["mkt-4p-list"] == 0.0
    assert report.concepts["4p"].mastered == 0


def test_new_learning_due_today_and_mastered_counts(fixture_bank: Bank, store: Store) -> None:
    answer(store, "mkt-4p-list", "correct", T0)
    answer(store, "mkt-4p-list", "correct", T0 + timedelta(minutes=10))  # graduates to review
    answer(store, "mkt-4c-odd", "incorrect", T0)  # learning, due a minute later
    answer(store, "val-fixed", "incorrect", T0)
    now = T0 + timedelta(hours=1)
    report = compute_mastery(fixture_bank, store, now=now, tz=timezone.utc)
    assert store.get_card("mkt-4p-list").card.state == REVIEW
    assert report.questions["mkt-4p-list"] >= MASTERED_RETRIEVABILITY
    marketing, value = report.chapters
    assert (marketing.new, marketing.learning, marketing.due_today, marketing.mastered) == (12, 1, 1, 1)
    assert (value.new, value.learning, value.due_today, value.mastered) == (4, 1, 1, 0)
    assert (report.bank.new, report.bank.learning, report.bank.due_today, report.bank.mastered) == (16, 2, 2, 1)
    # A learning card answered wrong is neither "mastered" nor counted as known, however fresh it is.
    assert report.questions["mkt-4c-odd"] == 0.0
    # Much later the reviewed card is due today and no longer mastered.
    later = compute_mastery(fixture_bank, store, now=T0 + timedelta(days=200), tz=timezone.utc)
    assert later.chapters[0].due_today == 2 and later.chapters[0].mastered == 0


def test_questions_gone_from_the_bank_do_not_count_towards_mastery(fixture_bank: Bank, store: Store) -> None:
    answer(store, "gone", "correct", T0)
    report = compute_mastery(fixture_bank, store, now=T0, tz=timezone.utc)
    assert "gone" not in report.questions
    assert report.bank.new == 19
    assert compute_mastery(fixture_bank, store, now=T0, include_drills=False).bank.questions == 11


# -- activity ------------------------------------------------------------------------------------


def test_answers_per_day_use_local_days(store: Store) -> None:
    answer(store, "a", "correct", datetime(2025, 3, 1, 15, 30, tzinfo=timezone.utc))  # 23:30 on 1 March in UTC+8
    answer(store, "b", "correct", datetime(2025, 3, 1, 16, 30, tzinfo=timezone.utc))  # 00:30 on 2 March
    answer(store, "c", "correct", datetime(2025, 3, 2, 9, 0, tzinfo=timezone.utc))
    answer(store, "old", "correct", datetime(2024, 1, 1, tzinfo=timezone.utc))  # outside the window
    now = datetime(2025, 3, 2, 10, 0, tzinfo=timezone.utc)
    days = answers_per_day(store, now, UTC8)
    assert len(days) == 90
    assert days[-1] == (date(2025, 3, 2), 2)
    assert days[-2] == (date(2025, 3, 1), 1)
    assert days[0][0] == date(2025, 3, 2) - timedelta(days=89)
    assert sum(count for _, count in days) == 3
    assert start_of_day(now, UTC8) == datetime(2025, 3, 1, 16, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("day_offsets", "streak"),
    [
        ([0, 1, 2, 4], 3),
        ([1, 2, 3], 3),  # nothing yet today: yesterday's streak still stands
        ([2, 3], 0),
        ([0], 1),
        ([], 0),
        (list(range(120)), 120),  # longer than the 90-day window
    ],
)
def test_the_streak_counts_consecutive_days_ending_today(store: Store, day_offsets: list[int], streak: int) -> None:
    now = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)
    for offset in day_offsets:
        answer(store, f"q{offset}", "correct", now - timedelta(days=offset, hours=1))
    assert current_streak(store, now, timezone.utc) == streak


def test_accuracy_overall_and_per_type_and_the_most_often_wrong(fixture_bank: Bank, store: Store) -> None:
    for index, (qid, qtype, verdict) in enumerate(
        [
            ("mkt-4p-list", "fill", "incorrect"),
            ("mkt-4p-list", "fill", "incorrect"),
            ("mkt-4p-list", "fill", "correct"),
            ("mkt-4c-odd", "choice", "correct"),
            ("mkt-4c-odd", "choice", "partial"),
            ("val-fixed", "numeric", "incorrect"),
            ("gone", "choice", "incorrect"),
            ("gone", "choice", "incorrect"),
            ("gone", "choice", "incorrect"),
        ]
    ):
        answer(store, qid, verdict, T0 + timedelta(minutes=index), qtype)
    overall, by_type = accuracy(store)
    assert (overall.answered, overall.correct, overall.partial, overall.incorrect) == (9, 2, 1, 6)
    assert overall.accuracy == pytest.approx(2 / 9)
    assert list(by_type) == ["fill", "choice", "numeric"]
    assert (by_type["fill"].correct, by_type["fill"].answered, by_type["fill"].label) == (1, 3, "填空题")
    assert by_type["choice"].accuracy == pytest.approx(1 / 5)
    wrong = most_wrong(fixture_bank, store, practice_questions(fixture_bank), top=5)
    assert [(w.question_id, w.incorrect, w.answered) for w in wrong] == [("mkt-4p-list", 2, 3), ("val-fixed", 1, 1)]
    assert most_wrong(fixture_bank, store, practice_questions(fixture_bank), top=1)[0].question_id == "mkt-4p-list"


def test_collect_stats_and_its_json(fixture_bank: Bank, store: Store) -> None:
    answer(store, "mkt-4p-list", "incorrect", T0)
    answer(store, "val-fixed", "correct", T0)
    stats = collect_stats(fixture_bank, store, now=T0 + timedelta(hours=2), tz=timezone.utc)
    data = json.loads(json.dumps(stats_to_json(stats)))
    assert data["bank"]["questions"] == 19 and data["bank"]["new"] == 17
    assert [c["name"] for c in data["chapters"]] == ["营销理论", "客户价值与满意"]
    assert data["streak_days"] == 1
    assert data["answers_per_day"][-1] == {"date": "2025-03-01", "answers": 2}
    assert data["accuracy"]["answered"] == 2 and data["accuracy"]["accuracy"] == 0.5
    assert [w["question_id"] for w in data["most_wrong"]] == ["mkt-4p-list"]
    assert {q["id"] for q in data["questions"] if q["drill"]} == {qid for qid in practice_questions(fixture_bank) if qid.startswith("drill:")}


# -- the command ---------------------------------------------------------------------------------


def test_stats_is_a_registered_command() -> None:
    assert "stats" in build_parser().format_help()


def test_stats_prints_a_table_per_chapter(fixture_bank_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open(tmp_path) as store:
        answer(store, "mkt-4p-tf", "incorrect", datetime.now(timezone.utc))
    assert main(["stats", "--bank", str(fixture_bank_path), "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for text in ("营销理论", "客户价值与满意", "掌握度", "今日到期", "连续练习：1 天", "正确率：0%，共 1 次作答", "mkt-4p-tf"):
        assert text in out


def test_stats_json_for_scripts(fixture_bank_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    now = datetime.now(timezone.utc)
    with Store.open(tmp_path) as store:
        for verdict in ("incorrect", "correct", "correct"):
            answer(store, "mkt-4c-odd", verdict, now)
    assert main(["stats", "--json", "--bank", str(fixture_bank_path), "--data-dir", str(tmp_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["bank"]["questions"] == 19 and data["bank"]["new"] == 18
    assert len(data["answers_per_day"]) == 90 and data["answers_per_day"][-1]["answers"] == 3
    assert data["accuracy"]["correct"] == 2
    assert main(["stats", "--json", "--no-drills", "--bank", str(fixture_bank_path), "--data-dir", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)["bank"]["questions"] == 11


def test_stats_with_an_unwritable_data_dir_says_so_and_exits_1(fixture_bank_path: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    completed = subprocess.run(
        [sys.executable, "-m", "revise", "stats", "--bank", str(fixture_bank_path), "--data-dir", str(blocker / "data")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 1
    assert "数据目录" in completed.stderr and str(blocker / "data") in completed.stderr
    assert "Traceback" not in completed.stderr + completed.stdout


def test_stats_tells_the_user_where_a_corrupt_database_went(fixture_bank_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / DB_NAME).write_bytes(b"this is not a database at all" * 10)
    assert main(["stats", "--bank", str(fixture_bank_path), "--data-dir", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    [moved] = tmp_path.glob(f"{DB_NAME}.corrupt-*")
    assert str(moved) in err and "nothing was deleted" in err
    assert moved.read_bytes() == b"this is not a database at all" * 10


def test_stats_with_a_broken_bank_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "01.yaml").write_text("chapter: x\nquestions:\n  - id: q\n    type: nonsense\n", encoding="utf-8")
    assert main(["stats", "--bank", str(bank), "--data-dir", str(tmp_path / "data")]) == 1
    assert "错误" in capsys.readouterr().err


def test_stats_accepts_the_common_options_before_the_command(fixture_bank_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open(tmp_path) as store:
        answer(store, "val-fixed", "correct", datetime.now(timezone.utc))
    assert main(["--bank", str(fixture_bank_path), "--data-dir", str(tmp_path), "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["accuracy"]["answered"] == 1


# -- what is due, the calendar, time, trends, the exam date (issue 14 #9, #10) ------------------------------


def _fill_for_stats(store: Store, now: datetime) -> None:
    store.record_answer(
        question_id="val-stock",
        question_type="numeric",
        response="5",
        verdict="incorrect",
        score=0.0,
        at=now - timedelta(days=1),
        duration_ms=95_000,
        params={"last": 12, "inbound": 20, "now": 7},
    )
    store.record_answer(
        question_id="mkt-4p-tf", question_type="truefalse", response="对", verdict="correct", score=1.0, at=now - timedelta(days=3), duration_ms=4_000
    )
    store.record_answer(
        question_id="mkt-4p-tf",
        question_type="truefalse",
        response="对",
        verdict="correct",
        score=1.0,
        at=now - timedelta(days=3) + timedelta(minutes=10),
        duration_ms=3_000,
    )
    for attempt, (day, score) in enumerate([(9, 55.0), (5, 70.0)]):
        attempt_id = store.start_exam_attempt(
            "mock-a", attempt, 60, now - timedelta(days=day), now - timedelta(days=day) + timedelta(hours=1), [(1, "val-fixed")]
        )
        store.submit_exam_attempt(attempt_id, now - timedelta(days=day) + timedelta(minutes=50), False, score, 100.0, "{}", [])
    other = store.start_exam_attempt("mock-b", 9, 60, now - timedelta(days=2), now - timedelta(days=2) + timedelta(hours=1), [(1, "val-fixed")])
    store.submit_exam_attempt(other, now - timedelta(days=2) + timedelta(minutes=30), False, 40.0, 50.0, "{}", [])


def test_stats_shows_due_ahead_the_calendar_types_time_trends_and_retention_in_chinese(
    fixture_bank_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(tmp_path) as store:
        _fill_for_stats(store, datetime.now(timezone.utc))
    assert main(["stats", "--bank", str(fixture_bank_path), "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for text in (
        "按题型：",
        "判断题",
        "未来 7 天到期",
        "今天",
        "练习日历（最近 12 周：",
        "最花时间的题",
        "实际记住的比例",
        "目标记忆率 90%",
        "考试日期：未设置",
    ):
        assert text in out, text
    # The calculation shows the values drawn, never its raw template.
    assert "{last}" not in out
    assert "上期库存12箱，上期进货20箱" in out.split("最常错的题")[1].split("最花时间的题")[0]
    assert "上期库存12箱，上期进货20箱" in out.split("最花时间的题")[1]
    assert "1:35   1次 均1:35" in out  # 95 seconds
    trends = out.split("模拟考试成绩走势（按试卷分开")[1]
    assert "mock-a（2 次）：55% → 70%" in trends and "比上次提高 15%" in trends
    assert "mock-b（1 次）：80%" in trends


def test_stats_json_has_the_new_sections(fixture_bank_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    now = datetime.now(timezone.utc)
    with Store.open(tmp_path) as store:
        _fill_for_stats(store, now)
    exam = (datetime.now().date() + timedelta(days=6)).isoformat()
    assert main(["stats", "--json", "--exam-date", exam, "--bank", str(fixture_bank_path), "--data-dir", str(tmp_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["due_next_days"]) == 7 and sum(day["due"] for day in data["due_next_days"]) >= 1
    assert len(data["calendar"]) >= 78 and sum(day["answers"] for day in data["calendar"]) == 3
    assert {row["type"] for row in data["mastery_by_type"]} >= {"truefalse", "numeric"}
    assert data["most_time"][0]["question_id"] == "val-stock" and data["most_time"][0]["total_ms"] == 95_000
    assert [w["prompt"] for w in data["most_wrong"]] == ["上期库存12箱，上期进货20箱，本期库存7箱，合理进货量是多少箱？"]
    assert [(t["paper_id"], len(t["attempts"])) for t in data["exam_trends"]] == [("mock-a", 2), ("mock-b", 1)]
    assert data["retention"]["desired"] == 0.9
    assert data["exam"]["date"] == exam and data["exam"]["days_left"] == 6
    assert data["exam"]["never_answered"] == 17
    assert all(item["recall_at_exam"] < 0.9 for item in data["exam"]["sprint"])


def test_stats_with_an_exam_date_counts_the_days_and_lists_the_sprint(fixture_bank_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    now = datetime.now(timezone.utc)
    with Store.open(tmp_path) as store:
        store.record_answer(question_id="mkt-4c-odd", question_type="choice", response="A", verdict="incorrect", score=0.0, at=now - timedelta(days=2))
    exam = (datetime.now().date() + timedelta(days=10)).isoformat()
    assert main(["stats", "--exam-date", exam, "--bank", str(fixture_bank_path), "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "还有 10 天" in out
    assert "考前冲刺：做过的题中有 1 道" in out and "另有 18 道题从未做过" in out and "mkt-4c-odd" in out


@pytest.mark.parametrize("text", ["2025-02-30", "next friday"])
def test_stats_refuses_a_bad_exam_date_in_chinese(text: str, fixture_bank_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--exam-date", text, "--bank", str(fixture_bank_path), "--data-dir", str(tmp_path)]) == 2
    assert "考试日期应写成" in capsys.readouterr().err


def test_bank_text_reaches_the_terminal_harmless(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "01.yaml").write_text(
        'chapter: "第一章\\e]0;x\\a"\nquestions:\n  - id: q1\n    type: truefalse\n    prompt: "危险\\e[2J题干"\n    answer: true\n', encoding="utf-8"
    )
    with Store.open(tmp_path / "data") as store:
        store.record_answer(
            question_id="q1", question_type="truefalse", response="错", verdict="incorrect", score=0.0, at=datetime.now(timezone.utc), duration_ms=5000
        )
    assert main(["stats", "--bank", str(bank), "--data-dir", str(tmp_path / "data")]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "危险␛[2J题干" in out


# -- --fit ----------------------------------------------------------------------------------------------------


def test_fit_with_too_few_answers_says_how_many_more(fixture_bank_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open(tmp_path) as store:
        answer(store, "val-fixed", "correct", T0)
    assert main(["stats", "--fit", "--data-dir", str(tmp_path)]) == 1
    assert "还需要 399 次作答" in capsys.readouterr().err


def test_fit_saves_the_parameters_and_reports_achieved_against_desired(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from test_optimizer import simulate_log

    from revise.progress import optimizer

    saved: list[tuple[float, ...]] = []
    log = simulate_log()
    monkeypatch.setattr(optimizer, "load_answers", lambda _store: log)
    monkeypatch.setattr(optimizer, "can_save_parameters", lambda: True)
    monkeypatch.setattr(optimizer, "save_parameters", lambda _store, parameters: saved.append(tuple(parameters)) or True)
    assert main(["stats", "--fit", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    retention = optimizer.achieved_retention(log)
    assert f"根据 {len(log)} 次作答" in out
    assert f"实际记住的比例：{retention.achieved * 100:.0f}%（到期复习 {retention.reviews} 次" in out and "目标记忆率 90%" in out
    assert "已保存" in out
    [parameters] = saved
    assert len(parameters) == 21
    assert main(["stats", "--fit", "--json", "--data-dir", str(tmp_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["saved"] is True and data["parameters"] == list(parameters) and data["answers"] == len(log)


def test_fit_without_a_setting_to_keep_the_parameters_says_they_were_not_saved(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from test_optimizer import simulate_log

    from revise.progress import optimizer

    log = simulate_log()
    monkeypatch.setattr(optimizer, "load_answers", lambda _store: log)
    monkeypatch.setattr(optimizer, "can_save_parameters", lambda: False)
    assert main(["stats", "--fit", "--data-dir", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "参数：" in captured.out and "未保存" in captured.out
    assert "参数未保存" in captured.err


def test_stats_takes_the_exam_date_from_the_settings(fixture_bank_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open(tmp_path) as store:
        store.set_setting("exam_date", (datetime.now().date() + timedelta(days=3)).isoformat())
    assert main(["stats", "--bank", str(fixture_bank_path), "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "还有 3 天" in out and "考前冲刺：做过的题都能" not in out
    later = (datetime.now().date() + timedelta(days=30)).isoformat()
    assert main(["stats", "--json", "--exam-date", later, "--bank", str(fixture_bank_path), "--data-dir", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)["exam"]["days_left"] == 30  # the option wins over the setting


def test_fit_really_saves_into_the_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from test_optimizer import simulate_log

    from revise.progress import optimizer

    monkeypatch.setattr(optimizer, "load_answers", lambda _store: simulate_log())
    assert main(["stats", "--fit", "--data-dir", str(tmp_path)]) == 0
    assert "已保存" in capsys.readouterr().out
    with Store.open(tmp_path) as store:
        kept = store.get_setting(optimizer.PARAMETERS_SETTING)
    assert kept is not None and len(kept) == 21


# -- 判我对 counted; attempts not counted left out of the trends (issues 11 and 14) -----------------------------


def _appeal_and_sit_late(store: Store, now: datetime) -> None:
    """One appeal in practice and one of an exam answer; a mock-a attempt handed in late under the "nocount" rule."""
    practice = store.record_answer(question_id="mkt-4c-odd", question_type="choice", response="A", verdict="incorrect", score=0.0, at=now)
    store.record_appeal("mkt-4c-odd", practice.review_id, "incorrect", "A", now)
    attempt = store.start_exam_attempt("mock-a", 3, 60, now - timedelta(hours=2), now - timedelta(hours=1), [(1, "mkt-4p-tf")], time_rule="nocount")
    exam_answer = dict(question_id="mkt-4p-tf", question_type="truefalse", response="对", verdict="incorrect", score=0.0, at=now, mode="exam")
    [receipt] = store.hand_in_exam_attempt(attempt, now, True, lambda _saved: Marking([exam_answer], 5.0, 100.0, lambda _r: "{}"), counted=False)[1]
    store.record_appeal("mkt-4p-tf", receipt.review_id, "incorrect", "对", now)


def test_stats_count_appeals_and_leave_uncounted_attempts_out(fixture_bank_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open(tmp_path) as store:
        now = datetime.now(timezone.utc)
        _fill_for_stats(store, now)
        _appeal_and_sit_late(store, now)
    assert main(["stats", "--bank", str(fixture_bank_path), "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "判我对（申诉）：2 次，其中模拟考试成绩单里 1 次" in out
    trends = out.split("模拟考试成绩走势")[1]
    assert "另有 1 次时间到未交卷，按规则不计成绩" in trends
    assert "mock-a（2 次）：55% → 70%" in trends  # the 5% attempt is not in mock-a's trend
    assert main(["stats", "--json", "--bank", str(fixture_bank_path), "--data-dir", str(tmp_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["appeals"] == {"total": 2, "in_exams": 1} and data["exams_not_counted"] == 1
    assert [len(t["attempts"]) for t in data["exam_trends"]] == [2, 1]


def test_count_appeals_reads_the_mode_of_the_appealed_answer() -> None:
    from types import SimpleNamespace

    from revise.progress.forecast import AppealCount, count_appeals

    rows = [SimpleNamespace(id=1, mode="practice"), SimpleNamespace(id=2, mode="exam")]
    appeals = [{"review_id": 1}, {"review_id": 2}, {"review_id": None}]
    assert count_appeals(appeals, rows) == AppealCount(3, 1)
    assert count_appeals([], rows) == AppealCount(0, 0)
