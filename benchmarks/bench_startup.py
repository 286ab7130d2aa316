"""Start-up time: from process start until the home screen is composed and ready (headless), against a bare Textual app.

Run: `.venv/bin/python -m benchmarks.bench_startup [--repeat 9]`.

Each measurement is a fresh interpreter. The parent notes ``time.monotonic()``
(system-wide on Linux) just before starting it; the child runs headless and,
once its first screen is composed, mounted and idle, prints the same clock and
exits. Three programs are timed, interleaved so that machine noise hits all
alike:

- **bare**: a Textual app composing one Static;
- **revise, fresh data dir**: `revise --data-dir <empty dir>` on the shipped bank
  (the real CLI path: load and validate the bank, create the store, build the app);
- **revise, with history**: the same with a store holding a few hundred answers
  spread over 30 days (home then computes FSRS retrievability per question).

Prints a table and rewrites the "Start-up" section of benchmarks/RESULTS.md.
Target: revise's median at most 1.5x the bare app's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.results import machine_details, record_section, table

TARGET_RATIO = 1.5
ROOT = Path(__file__).resolve().parent.parent

BARE_CHILD = """
import sys, time
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("hello")

async def ready(pilot):
    await pilot.pause()
    assert pilot.app.query_one(Static)
    print(f"READY {time.monotonic():.6f}", flush=True)
    pilot.app.exit()

Bare().run(headless=True, size=(80, 24), auto_pilot=ready)
"""

REVISE_CHILD = """
import sys, time
import revise.tui.app as tui_app

def run_until_home_is_ready(self, **_):
    async def ready(pilot):
        await pilot.pause()
        assert type(pilot.app.screen).__name__ == "HomeScreen", pilot.app.screen
        assert str(pilot.app.screen.query_one("#today").render()), "home has no counts"
        print(f"READY {time.monotonic():.6f}", flush=True)
        pilot.app.exit()
    return tui_app.App.run(self, headless=True, size=(80, 24), auto_pilot=ready)

tui_app.ReviseApp.run = run_until_home_is_ready
from revise.cli import main
sys.exit(main(sys.argv[1:]))
"""


BREAKDOWN_CHILD = """
import time
started = time.perf_counter()
import sys
marks = []

def mark(label):
    marks.append((label, time.perf_counter()))

import revise.tui.app as tui_app
mark("import Textual and revise.tui")
import revise.commands.app as app_command
mark("import revise.commands")
import revise.cli

def run_until_home_is_ready(self, **_):
    mark("build the app")
    async def ready(pilot):
        await pilot.pause()
        mark("compose home (engine, mastery, streak) until ready")
        pilot.app.exit()
    return tui_app.App.run(self, headless=True, size=(80, 24), auto_pilot=ready)

tui_app.ReviseApp.run = run_until_home_is_ready
load = app_command.load_bank_for_app

def timed_load(*args):
    mark("parse arguments, open the store")
    bank = load(*args)
    mark("load the bank")
    return bank

app_command.load_bank_for_app = timed_load
revise.cli.main(sys.argv[1:])
previous = started
for label, moment in marks:
    print(f"MARK {(moment - previous) * 1000:.3f} {label}")
    previous = moment
print(f"MARK 0 fsrs imported: {'fsrs' in sys.modules}")
"""


# Bytecode caches are written as usual (the warm-up run writes any that are stale), as after
# installing; the data dir is always the one passed on the command line.
CHILD_ENV = {key: value for key, value in os.environ.items() if key not in ("PYTHONDONTWRITEBYTECODE", "REVISE_DATA_DIR")}


def time_to_ready(code: str, *args: str) -> tuple[float, float]:
    """Seconds from starting a fresh interpreter on `code` until it reports ready, and until it has exited."""
    started = time.monotonic()
    completed = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, env=CHILD_ENV, timeout=120)
    finished = time.monotonic()
    if completed.returncode != 0:
        raise SystemExit(f"child failed ({completed.returncode}):\n{completed.stderr}")
    ready_lines = [line for line in completed.stdout.splitlines() if line.startswith("READY ")]
    if not ready_lines:
        raise SystemExit(f"child never reported ready:\n{completed.stdout}\n{completed.stderr}")
    return float(ready_lines[-1].split()[1]) - started, finished - started


def seed_history(data_dir: Path, answers: int = 300) -> int:
    """Fill a store with answers to the shipped bank's questions over the last 30 days; returns the count."""
    from datetime import datetime, timedelta, timezone

    from revise.bank.loader import load_bank
    from revise.paths import shipped_bank
    from revise.progress.store import Store

    bank = load_bank([shipped_bank()]).bank
    questions = list(bank.questions.values())
    now = datetime.now(timezone.utc)
    with Store.open(data_dir) as store:
        for index in range(answers):
            question = questions[index % len(questions)]
            verdict = ("correct", "correct", "partial", "incorrect")[index % 4]
            at = now - timedelta(days=30 - (index * 30) // answers, minutes=index % 50)
            store.record_answer(
                question_id=question.id,
                question_type=question.type,
                response="x",
                verdict=verdict,
                score={"correct": 1.0, "partial": 0.5, "incorrect": 0.0}[verdict],
                at=at,
            )
    return answers


def main() -> None:
    """Run the measurements, print them and record them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9, help="measurements of each program (default 9)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="revise-bench-startup-") as work:
        fresh_parent = Path(work) / "fresh"
        history_dir = Path(work) / "history"
        answers = seed_history(history_dir)
        programs = {
            "bare Textual app (one Static)": lambda run: time_to_ready(BARE_CHILD),
            # A new, empty data dir every time: the store is created on the way.
            "revise, fresh data dir": lambda run: time_to_ready(REVISE_CHILD, "--data-dir", str(fresh_parent / str(run))),
            f"revise, {answers} answers in the store": lambda run: time_to_ready(REVISE_CHILD, "--data-dir", str(history_dir)),
        }
        # One warm-up of each (disk cache, .pyc files), not counted.
        for program in programs.values():
            program(-1)
        ready: dict[str, list[float]] = {name: [] for name in programs}
        total: dict[str, list[float]] = {name: [] for name in programs}
        for run in range(args.repeat):
            for name, program in programs.items():
                to_ready, to_exit = program(run)
                ready[name].append(to_ready)
                total[name].append(to_exit)

        # Where revise's time goes (in-process clock, after the interpreter has started).
        segments: dict[str, list[float]] = {}
        fsrs_loaded = False
        for _ in range(args.repeat):
            completed = subprocess.run(
                [sys.executable, "-c", BREAKDOWN_CHILD, "--data-dir", str(history_dir)], capture_output=True, text=True, cwd=ROOT, timeout=120, env=CHILD_ENV
            )
            if completed.returncode != 0:  # a breakdown that silently measures nothing hides a renamed hook
                raise SystemExit(f"breakdown child failed ({completed.returncode}):\n{completed.stderr}")
            for line in completed.stdout.splitlines():
                if line.startswith("MARK 0 fsrs imported:"):
                    fsrs_loaded = line.endswith("True")
                elif line.startswith("MARK "):
                    _, milliseconds, label = line.split(" ", 2)
                    segments.setdefault(label, []).append(float(milliseconds))

    bare_name = next(iter(programs))
    bare = statistics.median(ready[bare_name])
    rows = []
    for name in programs:
        median = statistics.median(ready[name])
        ratio = median / bare
        verdict = "" if name == bare_name else ("meets target" if ratio <= TARGET_RATIO else "over target")
        rows.append(
            [
                name,
                f"{median * 1000:,.0f} ms",
                f"{min(ready[name]) * 1000:,.0f} ms",
                f"{statistics.median(total[name]) * 1000:,.0f} ms",
                f"{ratio:.2f}x",
                verdict,
            ]
        )
        print(f"{name:>36}: ready median {median * 1000:6.0f} ms  best {min(ready[name]) * 1000:6.0f} ms  ratio {ratio:.2f}  {verdict}")
    breakdown = [[label, f"{statistics.median(values):,.0f} ms"] for label, values in segments.items()]
    for label, value in breakdown:
        print(f"{label:>70}: {value}")
    body = (
        f"Machine: {machine_details()}\n\n"
        f"Command: `.venv/bin/python -m benchmarks.bench_startup --repeat {args.repeat}` "
        "(a fresh interpreter per run, headless, 80x24; time from process start until the first screen is composed, "
        "mounted and idle; programs interleaved, one warm-up each not counted).\n\n"
        + table(["program", "median to ready", "best to ready", "median to exit", "ratio to bare (median)", ""], rows)
        + f"\n\nTarget: revise at most {TARGET_RATIO}x the bare app. The revise runs go through the real CLI "
        "(`revise.cli.main`): the bank (from the data dir's cache when current, else loaded and validated, then cached), "
        "the store, the app and the home screen (counts, mastery per chapter, streak). A fresh data dir pays once for "
        "creating the store and the cache.\n\n"
        f"Where a start with history goes (median of {args.repeat}, in-process clock after interpreter start-up; "
        f"fsrs imported by the time home is ready: {'yes' if fsrs_loaded else 'no'}):\n\n" + table(["step", "median"], breakdown)
    )
    record_section("Start-up", body)


if __name__ == "__main__":
    main()
