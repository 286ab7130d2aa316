"""Time load + validate of the shipped bank and of synthetic banks of 1k, 10k and 100k questions.

Run: `.venv/bin/python -m benchmarks.bench_load [--sizes 1000 10000 100000]`.
Prints a table and rewrites the "Load and validate" section of benchmarks/RESULTS.md.
Target: 10,000 questions in under 1 s on the 2-core machine.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from benchmarks.results import best_of, machine_details, record_section, table
from benchmarks.synth import write_synthetic_bank
from revise.bank.loader import load_bank
from revise.paths import shipped_bank


def measure(path: Path, repeat: int) -> tuple[int, int, float, float]:
    """Questions, files, best and median seconds to load and validate the bank at `path`."""
    result = load_bank([path])
    best, median = best_of(lambda: load_bank([path]), repeat)
    return len(result.bank.questions), len(result.bank.files), best, median


def main() -> None:
    """Run the measurements and record them."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = []
    work = Path(tempfile.mkdtemp(prefix="revise-bench-"))
    try:
        banks = [("shipped bank", shipped_bank())]
        for size in args.sizes:
            banks.append((f"synthetic {size:,}", write_synthetic_bank(work / str(size), size)))
        for label, path in banks:
            repeat = args.repeat if "100,000" not in label else max(1, args.repeat // 2)
            questions, files, best, median = measure(path, repeat)
            per_1k = best / max(questions, 1) * 1000
            rows.append([label, f"{questions:,}", str(files), f"{best * 1000:,.0f} ms", f"{median * 1000:,.0f} ms", f"{per_1k * 1000:.0f} ms"])
            print(f"{label:>20}: {questions:>7,} questions in {files:>4} files  best {best * 1000:8.0f} ms  median {median * 1000:8.0f} ms")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    body = (
        f"Machine: {machine_details()}\n\n"
        "Command: `.venv/bin/python -m benchmarks.bench_load` (load + validate in-process, "
        "best and median of repeated runs; files over 512 KB in all are parsed on every core).\n\n"
        + table(["bank", "questions", "files", "best", "median", "best per 1,000 questions"], rows)
        + "\n\nTarget: 10,000 questions under 1 s."
    )
    record_section("Load and validate", body)


if __name__ == "__main__":
    main()
