"""Hostile bank files: each case's time and peak memory, next to the bound it must stay within.

Run: `.venv/bin/python -m benchmarks.bench_hostile`.
Each case runs in a child process, so its peak resident memory is its own.
Prints a table and rewrites the "Hostile input" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.results import machine_details, record_section, table

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from revise.bank.loader import load_bank
path = Path(sys.argv[1])
started = time.perf_counter()
result = load_bank([path])
elapsed = time.perf_counter() - started
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "peak_mb": peak_mb, "problems": len(result.problems)}))
"""


def cases(work: Path) -> list[tuple[str, Path, float, float]]:
    """(label, file, time bound in s, memory bound in MB) for each hostile file, written under `work`."""
    written = []

    def write(name: str, text: str) -> Path:
        path = work / name
        path.write_text(text, encoding="utf-8")
        return path

    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    written.append(("billion laughs (9^9 values through aliases)", write("laughs.yaml", laughs), 1.0, 200))
    written.append(("deep nesting (100,000 levels)", write("deep.yaml", "[" * 100_000 + "]" * 100_000 + "\n"), 1.0, 200))
    written.append(("5 MB of 2.6 M tiny values", write("tiny.yaml", "chapter: x\nquestions: [" + ",".join(["1"] * 2_600_000) + "]\n"), 2.0, 300))
    concepts = ["chapter: x", "source: s", "concepts:"] + [f"  - {{id: c{i}, name: 概念{i}, confusable: [unknown-{i}]}}" for i in range(2000)]
    written.append(("2,000 concepts naming unknown confusables", write("confusables.yaml", "\n".join(concepts) + "\n"), 2.0, 300))
    written.append(
        (
            "a 1.5 M-character prompt",
            write("prompt.yaml", "chapter: x\nquestions:\n  - {id: q, type: truefalse, answer: true, prompt: " + "长" * 1_500_000 + "}\n"),
            1.0,
            300,
        )
    )
    errors = "chapter: x\nquestions:\n" + "".join(f"  - {{id: q{i}, type: choice, prompt: p, options: [a, b], answer: Z}}\n" for i in range(20_000))
    written.append(("20,000 questions, each with an error", write("errors.yaml", errors), 5.0, 500))
    return written


def main() -> None:
    """Run every case in a child process and record the table."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="revise-hostile-") as work_dir:
        for label, path, time_bound, memory_bound in cases(Path(work_dir)):
            output = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True).stdout
            measured = json.loads(output.strip().splitlines()[-1])
            within = measured["seconds"] <= time_bound and measured["peak_mb"] <= memory_bound
            rows.append(
                [
                    label,
                    f"{measured['seconds']:.2f} s",
                    f"{time_bound:g} s",
                    f"{measured['peak_mb']:.0f} MB",
                    f"{memory_bound:g} MB",
                    str(measured["problems"]),
                    "yes" if within else "**no**",
                ]
            )
            print(" | ".join(rows[-1]), flush=True)
    body = (
        f"{machine_details()}\n\n"
        "Each file is loaded by `load_bank` in a fresh process; peak memory is that process's maximum resident size "
        "(the interpreter and revise alone take about 40 MB).\n\n"
        + table(["case", "time", "bound", "peak memory", "bound", "problems reported", "within bounds"], rows)
    )
    record_section("Hostile input", body)


if __name__ == "__main__":
    main()
