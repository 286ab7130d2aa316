"""Time fitting a student's FSRS parameters with fsrs-rs-python, on simulated logs of growing size.

Run from the project root: `.venv/bin/python -m benchmarks.bench_optimizer [--record]`.
Prints a table; with --record it also rewrites the "FSRS optimizer" section of
benchmarks/RESULTS.md.

The logs come from the seeded simulator the tests use (tests/test_optimizer.py:
a known true memory model, py-fsrs scheduling). Measured: importing the Rust
extension, the whole fit (log to training items, training, the two
evaluations), and reading a store's log with the state before each answer
(:func:`revise.progress.optimizer.load_answers`, one receipt per answer) against
reading the log alone.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import timedelta, timezone

from benchmarks.results import best_of, machine_details, record_section, table
from revise.progress.optimizer import answers_from_log, fit_parameters, load_answers, review_histories, training_items
from revise.progress.store import Store
from tests.test_optimizer import VERDICTS, simulate_log

UTC8 = timezone(timedelta(hours=8))
# (questions, days, new per day): about 2,300, 10,000 and 25,000 answers.
SIZES = ((300, 70, 8), (1200, 120, 12), (3000, 150, 20))


def import_seconds() -> float:
    """Wall time of `import fsrs_rs_python` in a fresh interpreter (what the first --fit pays once)."""
    code = "import time; t = time.perf_counter(); import fsrs_rs_python; print(time.perf_counter() - t)"
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def store_read_seconds(answers: int) -> tuple[int, float, float]:
    """Answers logged, and seconds to read them with their states (load_answers) and without (reviews only); at most `answers`."""
    log = simulate_log()[:answers]
    with tempfile.TemporaryDirectory() as folder, Store.open(folder) as store:
        for item in log:
            verdict = VERDICTS[item.rating]
            store.record_answer(
                question_id=item.question_id, question_type="fill", response="", verdict=verdict, score=1.0, at=item.reviewed_at, rating=item.rating
            )
        with_states, _ = best_of(lambda: load_answers(store), repeat=3)
        log_only, _ = best_of(lambda: answers_from_log(store.reviews()), repeat=3)
    return len(log), with_states, log_only


def main() -> int:
    """Print (and with --record, save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--record", action="store_true", help="rewrite the FSRS optimizer section of benchmarks/RESULTS.md")
    parser.add_argument("--store-answers", type=int, default=2400, help="answers written to a real store for the read timing (default 2400)")
    args = parser.parse_args()

    rows = []
    for questions, days, new_per_day in SIZES:
        started = time.perf_counter()
        log = simulate_log(seed=11, questions=questions, days=days, new_per_day=new_per_day)
        simulated = time.perf_counter() - started
        items = training_items(review_histories(log, UTC8))
        best, median = best_of(lambda log=log: fit_parameters(log, desired_retention=0.9, tz=UTC8), repeat=3)  # type: ignore[misc]
        result = fit_parameters(log, desired_retention=0.9, tz=UTC8)
        rows.append(
            [
                f"{len(log):,}",
                f"{len(items):,}",
                f"{simulated:.2f} s",
                f"{best * 1000:.0f} ms",
                f"{median * 1000:.0f} ms",
                f"{result.default_fit.log_loss:.4f} → {result.fitted_fit.log_loss:.4f}",
                f"{(result.retention.achieved or 0) * 100:.1f}%",
            ]
        )
        print(" | ".join(rows[-1]), flush=True)
    imported = import_seconds()
    logged, with_states, log_only = store_read_seconds(args.store_answers)

    body = "\n\n".join(
        [
            machine_details(),
            table(["answers", "training items", "simulate", "fit (best)", "fit (median)", "log loss default → fitted", "achieved retention"], rows),
            f"`import fsrs_rs_python`: {imported * 1000:.0f} ms (only when a fit runs; never at start-up).",
            f"Reading {logged:,} answers from a store: {with_states * 1000:.0f} ms with the state before each answer "
            f"(one `receipt_for` per answer), {log_only * 1000:.0f} ms for the log alone; a bulk read of `answer_states` would close the gap.",
        ]
    )
    print(body)
    if args.record:
        record_section("FSRS optimizer", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
