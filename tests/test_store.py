"""The progress store: schema and migrations, the append-only log, cards, the notebook and settings."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from revise.progress import scheduling
from revise.progress.scheduling import AGAIN, EASY, GOOD, HARD, LEARNING, REVIEW, CardState
from revise.progress.store import (
    DB_NAME,
    MIGRATIONS,
    NOTEBOOK_ADDED,
    NOTEBOOK_CLEARED,
    NOTEBOOK_ONE_MORE,
    NOTEBOOK_STILL_IN,
    SETTINGS_DEFAULTS,
    Migration,
    NewerSchemaError,
    Store,
    StoreError,
    db_time,
    latest_version,
    migrate,
    parse_db_time,
)

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "data") as opened:
        yield opened


def answer(store: Store, qid: str, verdict: str, at: datetime, **extra) -> object:
    score = {"correct": 1.0, "partial": 0.5, "incorrect": 0.0}[verdict]
    return store.record_answer(question_id=qid, question_type="fill", response=f"r-{verdict}", verdict=verdict, score=score, at=at, **extra)


# -- opening, pragmas and migrations -----------------------------------------------------------


def test_open_creates_the_database_with_wal_and_a_busy_timeout(tmp_path: Path) -> None:
    data_dir = tmp_path / "nested" / "data"
    with Store.open(data_dir) as store:
        assert store.path == data_dir / DB_NAME
        assert store.path.is_file()
        assert store.schema_version == latest_version() >= 1
        assert store.notices == []
        connection = store._connection
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"review_log", "cards", "notebook", "settings"} <= tables


def test_data_survives_reopening_without_migrating_again(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        answer(store, "q1", "correct", T0)
    with Store.open(tmp_path) as store:
        assert [r.question_id for r in store.history("q1")] == ["q1"]
        assert store.schema_version == latest_version()


def test_a_later_migration_upgrades_an_existing_database_and_keeps_its_data(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        answer(store, "q1", "incorrect", T0)
    future = Migration(
        latest_version() + 1,
        "a table from the future",
        ("CREATE TABLE future_things (id INTEGER PRIMARY KEY, name TEXT NOT NULL)", "INSERT INTO future_things (name) VALUES ('p1')"),
    )
    migrations = (*MIGRATIONS, future)
    with Store.open(tmp_path, migrations=migrations) as store:
        assert store.schema_version == future.version
        assert store._connection.execute("SELECT name FROM future_things").fetchall() == [("p1",)]
        assert store.history("q1")[0].verdict == "incorrect"
        assert store.notebook_ids() == ["q1"]
    # Applied once: opening again does not insert the row a second time.
    with Store.open(tmp_path, migrations=migrations) as store:
        assert store._connection.execute("SELECT COUNT(*) FROM future_things").fetchone()[0] == 1


def old_database(data_dir: Path, version: int) -> sqlite3.Connection:
    """A database as an older revise left it: the first `version` migrations only (rows written by hand)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(data_dir / DB_NAME, isolation_level=None)
    migrate(connection, MIGRATIONS[:version])
    return connection


def test_a_schema_1_database_gains_the_exam_tables(tmp_path: Path) -> None:
    connection = old_database(tmp_path, 1)
    connection.execute(
        "INSERT INTO review_log (question_id, question_type, reviewed_at, response, verdict, score, rating, mode)"
        " VALUES ('q1', 'fill', ?, 'r', 'correct', 1.0, 3, 'practice')",
        (db_time(T0),),
    )
    assert "exam_attempts" not in {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    connection.close()
    with Store.open(tmp_path) as store:
        assert store.schema_version == latest_version() >= 2
        assert store.exam_attempts() == [] and store.unfinished_exam_attempt() is None
        assert [r.question_id for r in store.history("q1")] == ["q1"]
        assert store.answer_count() == 1


def test_an_unfinished_attempt_survives_the_upgrade_to_the_latest_schema(tmp_path: Path) -> None:
    connection = old_database(tmp_path, 2)
    connection.execute(
        "INSERT INTO exam_attempts (id, paper_id, seed, minutes, started_at, deadline, questions) VALUES (1, 'final-standard', 7, 90, ?, ?, ?)",
        (db_time(T0), db_time(T0 + timedelta(minutes=90)), '[[1, "q1"]]'),
    )
    connection.execute("INSERT INTO exam_answers (attempt_id, number, response, flagged, saved_at) VALUES (1, 1, '产品', 0, ?)", (db_time(T0),))
    connection.close()
    with Store.open(tmp_path) as store:
        assert store.schema_version == latest_version()
        assert store.unfinished_exam_attempt() == 1
        assert store.exam_attempt(1)["answers"] == [(1, "产品", False)]
        store.abandon_exam_attempt(1, "试卷已删除", T0)
        assert store.unfinished_exam_attempt() is None and store.exam_attempts() == []


def test_a_failing_migration_leaves_the_previous_version_intact(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    broken = Migration(latest_version() + 1, "broken", ("CREATE TABLE t (x)", "THIS IS NOT SQL"))
    with pytest.raises(StoreError, match="无法准备进度数据库"):
        Store.open(tmp_path, migrations=(*MIGRATIONS, broken))
    with Store.open(tmp_path) as store:
        assert store.schema_version == latest_version()
        assert "t" not in {row[0] for row in store._connection.execute("SELECT name FROM sqlite_master")}


def test_a_database_from_a_newer_revise_is_refused_and_left_untouched(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    path = tmp_path / DB_NAME
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {latest_version() + 5}")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    with pytest.raises(NewerSchemaError, match="更新；数据库没有改动"):
        Store.open(tmp_path)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_timestamps_are_fixed_width_utc_so_text_order_is_time_order() -> None:
    moments = [
        T0,
        T0 + timedelta(microseconds=1),
        T0.replace(microsecond=0) + timedelta(days=400),
        datetime(2025, 3, 1, 17, 0, tzinfo=timezone(timedelta(hours=8))),
    ]
    texts = [db_time(moment) for moment in moments]
    assert len({len(text) for text in texts}) == 1
    assert all(text.endswith("+00:00") for text in texts)
    assert sorted(texts) == [db_time(m) for m in sorted(moments)]
    assert [parse_db_time(text) for text in texts] == [m.astimezone(timezone.utc) for m in moments]
    with pytest.raises(ValueError):
        db_time(datetime(2025, 1, 1))  # naive times are refused


# -- the review log ------------------------------------------------------------------------------


def test_an_answer_is_logged_with_time_response_verdict_score_rating_duration_and_mode(store: Store) -> None:
    receipt = store.record_answer(
        question_id="val-satisfaction",
        question_type="numeric",
        response=" 1.25 ",
        verdict="correct",
        score=1.0,
        at=T0,
        duration_ms=4321,
        mode="exam",
        params={"a": 4.0, "b": 5.0},
    )
    [row] = store.history("val-satisfaction")
    assert row.id == receipt.review_id
    assert (row.reviewed_at, row.response, row.verdict, row.score, row.rating) == (T0, " 1.25 ", "correct", 1.0, GOOD)
    assert (row.duration_ms, row.mode, row.kind, row.params, row.question_type) == (4321, "exam", "answer", {"a": 4.0, "b": 5.0}, "numeric")
    assert store.answer_count() == 1


@pytest.mark.parametrize(("verdict", "rating"), [("incorrect", AGAIN), ("partial", HARD), ("correct", GOOD)])
def test_the_rating_follows_the_verdict(store: Store, verdict: str, rating: int) -> None:
    receipt = answer(store, "q", verdict, T0)
    assert receipt.rating == rating
    assert store.history("q")[0].rating == rating


def test_the_review_log_is_append_only(store: Store) -> None:
    answer(store, "q", "correct", T0)
    connection = store._connection
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        connection.execute("UPDATE review_log SET verdict = 'incorrect'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        connection.execute("DELETE FROM review_log")
    assert store.history("q")[0].verdict == "correct"


def test_bad_verdicts_and_modes_are_refused_before_anything_is_written(store: Store) -> None:
    with pytest.raises(ValueError, match="verdict"):
        store.record_answer(question_id="q", question_type="fill", response="", verdict="maybe", score=0, at=T0)
    with pytest.raises(ValueError, match="mode"):
        answer(store, "q", "correct", T0, mode="cram")
    assert store.answer_count() == 0
    assert store.get_card("q") is None


# -- cards and scheduling ------------------------------------------------------------------------


def test_a_first_answer_creates_the_card_scheduled_by_fsrs(store: Store) -> None:
    receipt = answer(store, "q", "correct", T0)
    record = store.get_card("q")
    assert record is not None
    assert record.card == receipt.card_after == scheduling.review(None, GOOD, T0)
    assert record.card.due > T0 and record.card.last_review == T0
    assert (record.first_review, record.reviews, record.correct, record.partial, record.incorrect) == (T0, 1, 1, 0, 0)
    assert receipt.card_before is None


def test_later_answers_build_on_the_stored_card_and_count_verdicts(store: Store) -> None:
    answer(store, "q", "correct", T0)
    first = store.get_card("q")
    later = T0 + timedelta(hours=1)
    receipt = answer(store, "q", "incorrect", later)
    record = store.get_card("q")
    assert receipt.card_before == first.card
    assert record.card == scheduling.review(first.card, AGAIN, later)
    assert (record.first_review, record.reviews, record.correct, record.incorrect) == (T0, 2, 1, 1)


def test_due_ids_new_counts_and_learning_ahead(store: Store) -> None:
    answer(store, "late", "correct", T0)  # learning, due in 10 minutes
    answer(store, "soon", "incorrect", T0)  # learning, due in 1 minute
    assert store.due_ids(T0) == []
    assert store.due_ids(T0 + timedelta(minutes=5)) == ["soon"]
    assert store.due_ids(T0 + timedelta(hours=1)) == ["soon", "late"]  # most overdue first
    assert store.learning_ids_due_by(T0 + timedelta(minutes=20)) == ["soon", "late"]
    assert store.new_since(T0) == 2
    assert store.new_since(T0 + timedelta(seconds=1)) == 0
    assert store.seen_ids() == {"late", "soon"}


def test_schedule_false_logs_without_touching_the_card(store: Store) -> None:
    receipt = answer(store, "q", "incorrect", T0, schedule=False)
    assert store.get_card("q") is None
    assert receipt.card_after is None
    assert store.answer_count() == 1
    assert store.notebook_ids() == ["q"]


def test_the_desired_retention_setting_changes_the_intervals(tmp_path: Path) -> None:
    def interval(retention: float) -> timedelta:
        with Store.open(tmp_path / str(retention)) as store:
            store.set_setting("desired_retention", retention)
            answer(store, "q", "correct", T0)
            answer(store, "q", "correct", T0 + timedelta(minutes=10))  # graduates to review
            later = T0 + timedelta(days=5)
            receipt = answer(store, "q", "correct", later)
            assert receipt.card_after.state == REVIEW
            return receipt.card_after.due - later

    # Fuzzing is random, but a much higher retention always means a much shorter interval.
    assert interval(0.97) < interval(0.75)


# -- overrides -----------------------------------------------------------------------------------


def test_an_override_reschedules_from_the_pre_answer_state_and_is_logged(store: Store) -> None:
    answer(store, "q", "correct", T0)
    before = store.get_card("q").card
    at = T0 + timedelta(hours=2)
    receipt = answer(store, "q", "correct", at)
    overridden = store.record_override(receipt, AGAIN, at=at + timedelta(seconds=5))
    record = store.get_card("q")
    assert overridden.card_before == before
    assert record.card == overridden.card_after == scheduling.review(before, AGAIN, at)
    assert record.reviews == 2 and record.correct == 2  # counts follow the grader's verdicts
    rows = store.history("q")
    assert [(r.kind, r.rating) for r in rows] == [("answer", GOOD), ("answer", GOOD), ("override", AGAIN)]
    assert rows[2].overrides == receipt.review_id
    assert rows[1].rating == GOOD  # the answer's own row is never changed
    assert store.answer_count() == 2


def test_an_easy_override_gives_a_longer_interval_than_good(store: Store) -> None:
    receipt = answer(store, "q", "correct", T0)
    good_due = receipt.card_after.due
    overridden = store.record_override(receipt, EASY, at=T0)
    assert overridden.card_after.due > good_due
    assert overridden.rating_name == "easy"


# -- the notebook ------------------------------------------------------------------------------


def test_a_wrong_answer_enters_the_notebook_and_two_correct_in_a_row_take_it_out(store: Store) -> None:
    steps = [
        ("correct", None, []),
        ("incorrect", NOTEBOOK_ADDED, ["q"]),
        ("correct", NOTEBOOK_ONE_MORE, ["q"]),
        ("incorrect", NOTEBOOK_STILL_IN, ["q"]),  # the run of correct answers starts again
        ("correct", NOTEBOOK_ONE_MORE, ["q"]),
        ("partial", NOTEBOOK_STILL_IN, ["q"]),  # partial is not correct either
        ("correct", NOTEBOOK_ONE_MORE, ["q"]),
        ("correct", NOTEBOOK_CLEARED, []),
        ("correct", None, []),
        ("partial", NOTEBOOK_ADDED, ["q"]),  # a partial mistake goes into the 错题本 too
        ("incorrect", NOTEBOOK_STILL_IN, ["q"]),
    ]
    for index, (verdict, status, ids) in enumerate(steps):
        receipt = answer(store, "q", verdict, T0 + timedelta(minutes=index))
        assert (receipt.notebook_status, store.notebook_ids()) == (status, ids), index
    entry = store.notebook_entry("q")
    assert entry.active and entry.times_wrong == 5 and entry.added_at == T0 + timedelta(minutes=9)


def test_cleared_entries_are_kept_for_history(store: Store) -> None:
    for index, verdict in enumerate(["incorrect", "correct", "correct"]):
        answer(store, "q", verdict, T0 + timedelta(minutes=index))
    assert store.notebook() == []
    [entry] = store.notebook(include_cleared=True)
    assert entry.cleared_at == T0 + timedelta(minutes=2) and not entry.active


def test_overrides_redo_the_notebook_from_its_pre_answer_state(store: Store) -> None:
    wrong = answer(store, "a", "incorrect", T0)
    assert store.notebook_ids() == ["a"]
    store.record_override(wrong, EASY, at=T0)  # "I knew it": the grader was too strict
    assert store.notebook_ids() == [] and store.notebook_entry("a") is None

    guessed = answer(store, "b", "correct", T0)
    overridden = store.record_override(guessed, AGAIN, at=T0)  # "I guessed"
    assert overridden.notebook_status == NOTEBOOK_ADDED
    assert store.notebook_ids() == ["b"]


def test_the_notebook_lists_oldest_entries_first(store: Store) -> None:
    answer(store, "later", "incorrect", T0 + timedelta(hours=1))
    answer(store, "earlier", "incorrect", T0)
    assert store.notebook_ids() == ["earlier", "later"]


# -- settings ------------------------------------------------------------------------------------


def test_settings_have_defaults_and_persist(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        assert store.settings() == SETTINGS_DEFAULTS
        assert store.get_setting("desired_retention") == 0.9
        assert store.get_setting("daily_new_limit") == 20
        assert store.get_setting("display_script") == "simplified"
        assert store.get_setting("skip_feedback_on_correct") is False
        assert store.set_setting("daily_new_limit", "35") == 35
        store.set_setting("skip_feedback_on_correct", "true")
        store.set_setting("display_script", "traditional")
        store.set_setting("desired_retention", 0.85)
    with Store.open(tmp_path) as store:
        assert store.settings() == {
            **SETTINGS_DEFAULTS,
            "desired_retention": 0.85,
            "daily_new_limit": 35,
            "display_script": "traditional",
            "skip_feedback_on_correct": True,
        }


def test_theme_exam_date_and_fitted_parameters_are_settings_too(store: Store) -> None:
    from datetime import date

    assert (store.get_setting("theme"), store.get_setting("exam_date"), store.get_setting("fsrs_parameters")) == (None, None, None)
    assert store.set_setting("theme", "gruvbox") == "gruvbox"
    assert store.set_setting("exam_date", date(2026, 6, 20)) == "2026-06-20"
    assert store.set_setting("exam_date", " 2026-06-21 ") == "2026-06-21"
    parameters = [0.4] * 21
    assert store.set_setting("fsrs_parameters", parameters) == parameters
    assert store.get_setting("fsrs_parameters") == parameters and store.get_setting("exam_date") == "2026-06-21"
    assert store.set_setting("exam_date", "") is None and store.get_setting("exam_date") is None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("desired_retention", 1.5),
        ("desired_retention", "high"),
        ("daily_new_limit", -1),
        ("daily_new_limit", 2.5),
        ("display_script", "pinyin"),
        ("skip_feedback_on_correct", "perhaps"),
        ("no_such_setting", 1),
        ("theme", "x" * 65),
        ("theme", "dark\x1b[2J"),
        ("exam_date", "next friday"),
        ("fsrs_parameters", [1.0, 2.0]),
        ("fsrs_parameters", [float("nan")] * 21),
        ("fsrs_parameters", "0.4,0.6"),
    ],
)
def test_bad_settings_are_refused(store: Store, key: str, value: object) -> None:
    with pytest.raises(ValueError):
        store.set_setting(key, value)
    if key in SETTINGS_DEFAULTS:
        assert store.get_setting(key) == SETTINGS_DEFAULTS[key]


def test_a_hand_edited_bad_setting_falls_back_to_the_default(store: Store) -> None:
    store._connection.execute("INSERT INTO settings (key, value) VALUES ('daily_new_limit', '\"lots\"')")
    assert store.get_setting("daily_new_limit") == 20
    with pytest.raises(KeyError):
        store.get_setting("colour")


# -- scheduling ----------------------------------------------------------------------------------


def test_retrievability_is_fsrs_own_and_zero_when_unseen() -> None:
    import fsrs

    card = scheduling.review(None, GOOD, T0)
    later = T0 + timedelta(days=3)
    expected = fsrs.Scheduler().get_card_retrievability(scheduling.to_fsrs_card(card), later)
    assert scheduling.retrievability(card, later) == pytest.approx(expected)
    assert 0 < scheduling.retrievability(card, later) < 1
    assert scheduling.retrievability(card, T0 + timedelta(days=30)) < scheduling.retrievability(card, later)
    assert scheduling.retrievability(None, later) == 0.0
    assert scheduling.retrievability(CardState(), later) == 0.0


def test_card_state_round_trips_through_fsrs() -> None:
    card = scheduling.review(scheduling.review(None, GOOD, T0), GOOD, T0 + timedelta(minutes=10))
    assert card.state == REVIEW and card.step is None
    assert scheduling.from_fsrs_card(scheduling.to_fsrs_card(card)) == card
    assert scheduling.new_card(T0) == CardState(state=LEARNING, step=0, due=T0)


def test_verdicts_and_overrides_map_to_ratings() -> None:
    assert [scheduling.rating_for_verdict(v) for v in ("incorrect", "partial", "correct")] == [AGAIN, HARD, GOOD]
    assert scheduling.override_rating("Easy") == EASY
    assert scheduling.override_rating("again") == AGAIN
    with pytest.raises(ValueError):
        scheduling.override_rating("good")
    with pytest.raises(ValueError):
        scheduling.rating_for_verdict("right")
    with pytest.raises(ValueError):
        scheduling.review(None, 7, T0)


# -- exam attempts -------------------------------------------------------------------------------


def test_an_exam_attempt_is_saved_answer_by_answer_and_resumable(tmp_path: Path) -> None:
    deadline = T0 + timedelta(minutes=90)
    with Store.open(tmp_path) as store:
        attempt = store.start_exam_attempt("paper-1", 42, 90, T0, deadline, [(1, "mkt-4p-list"), (2, "val-fixed")])
        store.save_exam_answer(attempt, 1, "产品", False, T0 + timedelta(minutes=1))
        store.save_exam_answer(attempt, 2, "", True, T0 + timedelta(minutes=2))
        store.save_exam_answer(attempt, 1, "产品、价格、渠道、促销", False, T0 + timedelta(minutes=3))
        assert store.unfinished_exam_attempt() == attempt
    with Store.open(tmp_path) as store:  # as after a crash
        record = store.exam_attempt(attempt)
        assert (record["paper_id"], record["seed"], record["minutes"], record["deadline"]) == ("paper-1", 42, 90, deadline)
        assert record["questions"] == [(1, "mkt-4p-list"), (2, "val-fixed")]
        assert record["answers"] == [(1, "产品、价格、渠道、促销", False), (2, "", True)]
        assert record["submitted_at"] is None and record["report"] is None
        assert store.exam_attempt(attempt + 1) is None


def test_submitting_an_exam_logs_every_answer_in_one_go_and_only_once(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        attempt = store.start_exam_attempt("paper-1", 1, 60, T0, T0 + timedelta(hours=1), [(1, "a"), (2, "b")])
        at = T0 + timedelta(minutes=30)
        answers = [
            dict(question_id="a", question_type="fill", response="x", verdict="correct", score=1.0, at=at, mode="exam", params=None),
            dict(question_id="b", question_type="numeric", response="3", verdict="incorrect", score=0.0, at=at, mode="exam", params={"n": 2.0}),
        ]
        receipts = store.submit_exam_attempt(attempt, at, False, 5.0, 10.0, '{"total": 5}', answers)
        assert [r.question_id for r in receipts] == ["a", "b"]
        assert [(r.mode, r.verdict, r.params) for r in store.history("b")] == [("exam", "incorrect", {"n": 2.0})]
        assert store.notebook_ids() == ["b"] and store.get_card("a") is not None
        record = store.exam_attempt(attempt)
        assert (record["submitted_at"], record["auto_submitted"], record["score"], record["max_score"], record["report"]) == (
            at,
            False,
            5.0,
            10.0,
            '{"total": 5}',
        )
        assert store.unfinished_exam_attempt() is None
        # A second submission (another window, a double key press) changes nothing.
        assert store.submit_exam_attempt(attempt, at + timedelta(minutes=1), True, 0.0, 10.0, "{}", answers) == []
        assert store.answer_count() == 2 and store.exam_attempt(attempt)["score"] == 5.0
        store.adjust_exam_points(attempt, 2, 0.0, 1.5, 6.5, '{"total": 6.5}', at + timedelta(minutes=5))
        assert store.exam_adjustments(attempt) == [(2, 0.0, 1.5, at + timedelta(minutes=5))]
        [summary] = store.exam_attempts()
        assert (summary["id"], summary["score"], summary["report"]) == (attempt, 6.5, '{"total": 6.5}')


def test_a_bad_answer_in_a_submission_saves_nothing(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        attempt = store.start_exam_attempt("paper-1", 1, 60, T0, T0 + timedelta(hours=1), [(1, "a")])
        good = dict(question_id="a", question_type="fill", response="x", verdict="correct", score=1.0, at=T0, mode="exam")
        with pytest.raises(ValueError):
            store.submit_exam_attempt(attempt, T0, False, 1.0, 1.0, "{}", [good, dict(good, verdict="so-so")])
        assert store.answer_count() == 0 and store.unfinished_exam_attempt() == attempt
        # A failure half-way (here a naive time, refused inside the transaction) rolls back the first answer too.
        with pytest.raises(ValueError, match="timezone-aware"):
            store.submit_exam_attempt(attempt, T0, False, 1.0, 1.0, "{}", [good, dict(good, at=datetime(2025, 3, 1))])
        assert store.answer_count() == 0 and store.get_card("a") is None and store.unfinished_exam_attempt() == attempt
        with pytest.raises(StoreError, match="没有编号为"):
            store.submit_exam_attempt(attempt + 7, T0, False, 1.0, 1.0, "{}", [good])
        assert store.answer_count() == 0
