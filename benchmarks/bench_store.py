"""Time the progress store on a synthetic history of 10,000 cards and 1,000,000 review-log rows.

Run: `.venv/bin/python -m benchmarks.bench_store [--cards 10000 --reviews 1000000]`.
Prints a table and rewrites the "Progress store" section of benchmarks/RESULTS.md.

Targets on the 2-core machine: the due queue plus the per-chapter mastery
under 300 ms; one answer's write (log row, card, notebook, one committed
transaction with synchronous=FULL) under 10 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from benchmarks.results import machine_details, record_section, table
from benchmarks.synth import write_synthetic_bank
from revise.bank.drills import practice_questions
from revise.bank.loader import load_bank
from revise.progress.mastery import collect_stats, compute_mastery
from revise.progress.scheduling import LEARNING, RELEARNING, REVIEW
from revise.progress.store import DB_NAME, Store, db_time
from revise.sessions.engine import PracticeEngine

NOW = datetime.now(timezone.utc).replace(microsecond=0)
VERDICT_RATINGS = (("correct", 1.0, 3), ("partial", 0.5, 2), ("incorrect", 0.0, 1))


def fill_history(store: Store, question_ids: list[str], cards: int, reviews: int, seed: int = 1) -> float:
    """Insert `cards` cards and `reviews` log rows spread over two years, in one transaction; seconds taken."""
    rng = random.Random(seed)
    started = time.perf_counter()
    connection = store._connection
    connection.execute("PRAGMA cache_size = -262144")  # 256 MiB while loading: index pages stay in memory
    connection.execute("BEGIN IMMEDIATE")
    card_rows = []
    chosen = question_ids[:cards]
    for qid in chosen:
        last = NOW - timedelta(days=rng.uniform(0, 365))
        stability = rng.uniform(0.5, 120)
        state = rng.choices((REVIEW, LEARNING, RELEARNING), weights=(90, 6, 4))[0]
        due = last + (timedelta(days=stability) if state == REVIEW else timedelta(minutes=10))
        counts = [rng.randint(0, 60) for _ in range(3)]
        card_rows.append(
            (
                qid,
                "fill",
                state,
                None if state == REVIEW else 0,
                stability,
                rng.uniform(1, 10),
                db_time(due),
                db_time(last),
                db_time(last - timedelta(days=30)),
                sum(counts),
                *counts,
            )
        )
    connection.executemany("INSERT INTO cards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", card_rows)

    def log_rows():
        # In time order, as a real log grows; times formatted by hand (strftime per row is the slow part).
        span = 730 * 86400
        start = NOW - timedelta(seconds=span)
        offsets = sorted(rng.random() * span for _ in range(reviews))
        choice, randrange = rng.choice, rng.randrange
        for offset in offsets:
            verdict, score, rating = choice(VERDICT_RATINGS)
            yield (
                choice(chosen),
                "fill",
                db_time(start + timedelta(seconds=offset)),
                "answer",
                "回答",
                verdict,
                score,
                rating,
                randrange(2000, 60000),
                "practice",
            )

    connection.executemany(
        "INSERT INTO review_log (question_id, question_type, reviewed_at, kind, response, verdict, score, rating, duration_ms, mode) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        log_rows(),
    )
    connection.execute("COMMIT")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.execute("PRAGMA cache_size = -2000")  # back to the default for the measurements
    return time.perf_counter() - started


def timings(function: Callable[[], object], repeat: int) -> tuple[float, float, float, float]:
    """First call, best, median and 95th percentile of `repeat` further calls, in milliseconds."""
    started = time.perf_counter()
    function()
    first = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return first, times[0], statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def grade(question, response, bank=None, *, params=None):
    """A stand-in grader: the engine's own work is measured, not grading."""
    from types import SimpleNamespace

    return SimpleNamespace(verdict="correct", score=1.0, expected="", feedback="")


def main() -> None:
    """Build the history, run the measurements and record them."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="revise-bench-store-"))
    rows: list[list[str]] = []
    try:
        bank = load_bank([write_synthetic_bank(work / "bank", args.cards)]).bank
        practised = practice_questions(bank)
        question_ids = list(bank.questions)
        with Store.open(work / "data") as store:
            fill_seconds = fill_history(store, question_ids, args.cards, args.reviews)
        db_size = (work / "data" / DB_NAME).stat().st_size
        print(f"history: {args.cards:,} cards, {args.reviews:,} log rows in {fill_seconds:.1f} s; database {db_size / 2**20:.0f} MiB")

        def row(label: str, measured: tuple[float, float, float, float], target: str = "") -> None:
            first, best, median, p95 = measured
            rows.append([label, f"{first:.1f}", f"{best:.1f}", f"{median:.1f}", f"{p95:.1f}", target])
            print(f"{label:<58} first {first:8.1f}  best {best:8.1f}  median {median:8.1f}  p95 {p95:8.1f} ms")

        started = time.perf_counter()
        store = Store.open(work / "data")  # over 16 MiB: quick_check runs in a worker thread, not before the app starts
        open_ms = (time.perf_counter() - started) * 1000
        store.wait_for_integrity_check()
        check_ms = (time.perf_counter() - started) * 1000
        rows.append(["open the store (quick_check in a worker above 16 MiB)", f"{open_ms:.1f}", "", "", "", "no wait for the check"])
        rows.append(["… until the background quick_check has finished", f"{check_ms:.1f}", "", "", "", ""])
        print(f"open: {open_ms:.1f} ms; background quick_check done after {check_ms:.1f} ms")
        quick_check = timings(lambda: store._read(lambda c: c.execute("PRAGMA quick_check(1)").fetchone()), 1)
        row("PRAGMA quick_check on this database (for reference)", quick_check)

        def due_queue() -> list[str]:
            return [qid for qid in store.due_ids(NOW) if qid in practised]

        def due_and_mastery() -> None:
            due_queue()
            compute_mastery(bank, store, now=NOW, tz=timezone.utc, questions=practised)

        due_count = len(due_queue())
        row(f"due queue ({due_count:,} due of {args.cards:,} cards)", timings(due_queue, args.repeat))
        row(
            f"per-chapter mastery ({len(practised):,} questions and drills)",
            timings(lambda: compute_mastery(bank, store, now=NOW, tz=timezone.utc, questions=practised), args.repeat),
        )
        row("due queue + per-chapter mastery", timings(due_and_mastery, args.repeat), "< 300 ms")

        engine = PracticeEngine(bank, store, grade=grade, now=lambda: NOW)
        row("engine: next_question (due, new and learning queries)", timings(lambda: (engine.next_question(), engine.skip()), args.repeat))

        rng = random.Random(5)

        def one_answer() -> None:
            store.record_answer(
                question_id=rng.choice(question_ids),
                question_type="fill",
                response="回答",
                verdict=rng.choice(("correct", "incorrect")),
                score=1.0,
                at=NOW,
                duration_ms=5000,
            )

        row("one answer's write (log + card + notebook, committed)", timings(one_answer, args.repeat * 5), "< 10 ms")

        def engine_answer() -> None:
            engine.next_question()
            engine.answer("x")

        row("engine: next_question + answer (stand-in grader)", timings(engine_answer, args.repeat))
        row(
            "`revise stats` data (collect_stats, 90 days, streak, accuracy)",
            timings(lambda: collect_stats(bank, store, now=NOW, tz=timezone.utc), max(3, args.repeat // 4)),
        )
        store.close()

        # A heavy but realistic student: a year of 150 answers a day.
        with Store.open(work / "student") as student:
            fill_history(student, question_ids, min(args.cards, 2_000), 55_000)
        student_mib = (work / "student" / DB_NAME).stat().st_size / 2**20
        row(f"open a {student_mib:.0f} MiB store (55,000 answers), quick_check included", timings(lambda: Store.open(work / "student").close(), 5))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    body = (
        f"Machine: {machine_details()} · SQLite {sqlite3.sqlite_version}\n\n"
        f"Command: `.venv/bin/python -m benchmarks.bench_store` — a synthetic bank of {args.cards:,} questions "
        f"(plus their concept drills), {args.cards:,} cards and {args.reviews:,} review-log rows over two years "
        f"(written with executemany in one transaction in {fill_seconds:.1f} s; database {db_size / 2**20:.0f} MiB). "
        "WAL, synchronous=FULL. Times in ms: the first call, then best, median and 95th percentile of repeated calls. "
        f"Load average when it started: {load_before:.2f} / after: {os.getloadavg()[0]:.2f} (other jobs share the 2 cores; medians and p95 move with them).\n\n"
        + table(["operation", "first", "best", "median", "p95", "target"], rows)
        + "\n\nTargets: due queue + per-chapter mastery < 300 ms; one answer's write < 10 ms."
    )
    record_section("Progress store", body)


if __name__ == "__main__":
    main()
