"""How often the grader agrees with a fair teacher on realistic answers to the shipped bank.

Run: `.venv/bin/python -m benchmarks.bench_calibration [--rows] [--disagree]`.

The answers in tests/fixtures/calibration/answers.yaml were written the way
students write under exam pressure (paraphrase, bare lists of terms, swapped
concepts, negations, lead-ins, pinyin slips, wrong numerals, padding) and
labelled *before* the grader saw them:

* ``verdict``: correct / partial / incorrect, as a fair teacher would mark it;
* ``band`` (short and essay only): the share of the points the teacher would
  give, as ``[low, high]``.

Agreement is the verdict for fill, judge and numeric, and the score inside the
band for short and essay. A *false accept* is the grader saying correct, or
partial at 0.5 or more, where the teacher says incorrect; a *false reject* is
the grader saying incorrect, or partial under 0.5, where the teacher says
correct. Prints a table per type; no timing, no assertions (the floors live in
tests/test_grading_calibration.py).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from revise.bank.loader import load_bank
from revise.bank.model import Bank
from revise.grading import grade
from revise.paths import shipped_bank

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "calibration" / "answers.yaml"
FREE_TEXT = frozenset({"short", "essay"})
EPSILON = 1e-6


@dataclass(frozen=True)
class Row:
    """One labelled answer and what the grader made of it."""

    id: str
    type: str
    kind: str
    answer: str
    verdict: str  # the teacher's
    band: tuple[float, float] | None
    got_verdict: str
    got_score: float

    @property
    def agrees(self) -> bool:
        if self.band is not None:
            low, high = self.band
            return low - EPSILON <= self.got_score <= high + EPSILON
        return self.got_verdict == self.verdict

    @property
    def false_accept(self) -> bool:
        return self.verdict == "incorrect" and (self.got_verdict == "correct" or self.got_score >= 0.5 - EPSILON)

    @property
    def false_reject(self) -> bool:
        return self.verdict == "correct" and (self.got_verdict == "incorrect" or self.got_score < 0.5 - EPSILON)


def load_cases(path: Path = FIXTURE) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data or [])


def shipped() -> Bank:
    return load_bank([shipped_bank()]).bank


def measure(bank: Bank | None = None, cases: list[dict[str, Any]] | None = None) -> tuple[list[Row], list[str]]:
    """Grade every labelled answer; also the ids no longer in the bank (skipped)."""
    bank = bank if bank is not None else shipped()
    cases = cases if cases is not None else load_cases()
    rows: list[Row] = []
    missing: list[str] = []
    for case in cases:
        question = bank.questions.get(case["id"])
        if question is None:
            missing.append(case["id"])
            continue
        params = {name: float(value) for name, value in (case.get("params") or {}).items()} or None
        result = grade(question, str(case["answer"]), bank, params=params)
        band = tuple(float(x) for x in case["band"]) if case.get("band") is not None else None
        rows.append(
            Row(
                case["id"],
                question.type,
                str(case.get("kind", "")),
                str(case["answer"]),
                case["verdict"],
                (band[0], band[1]) if band is not None else None,
                result.verdict,
                float(result.score),
            )
        )
    return rows, missing


@dataclass(frozen=True)
class Summary:
    count: int
    agreement: float
    false_accepts: int
    false_rejects: int


def summarise(rows: list[Row]) -> dict[str, Summary]:
    """Per type, per group (term = fill/judge/numeric, free = short/essay) and overall."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[row.type].append(row)
        groups["free" if row.type in FREE_TEXT else "term"].append(row)
        groups["all"].append(row)
    return {
        name: Summary(len(members), sum(r.agrees for r in members) / len(members), sum(r.false_accept for r in members), sum(r.false_reject for r in members))
        for name, members in groups.items()
        if members
    }


def render(summary: dict[str, Summary]) -> str:
    order = ["fill", "judge", "numeric", "term", "short", "essay", "free", "all"]
    lines = [f"{'type':<8} {'rows':>5} {'agree':>7} {'false+':>7} {'false-':>7}"]
    for name in order:
        if name in summary:
            s = summary[name]
            lines.append(f"{name:<8} {s.count:>5} {s.agreement:>7.1%} {s.false_accepts:>7} {s.false_rejects:>7}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--disagree", action="store_true", help="list every row where grader and teacher disagree")
    args = parser.parse_args(argv)
    rows, missing = measure()
    print(render(summarise(rows)))
    if missing:
        print(f"\n{len(missing)} rows skipped: questions no longer in the bank: {', '.join(sorted(set(missing)))}")
    if args.disagree:
        print()
        for row in rows:
            if not row.agrees:
                flag = "FA " if row.false_accept else "FR " if row.false_reject else "   "
                band = f"{row.band[0]:.2f}-{row.band[1]:.2f}" if row.band else row.verdict
                print(f"{flag}{row.id:<32} {row.kind:<16} want {band:<10} got {row.got_verdict} {row.got_score:.2f}  {row.answer[:70]}")


if __name__ == "__main__":
    main()
