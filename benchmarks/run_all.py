"""Run every benchmark in this folder (`make bench`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    """Run each bench_*.py as a module from the project root; return the number that failed."""
    failed = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.stem}", flush=True)
        failed += subprocess.run([sys.executable, "-m", f"benchmarks.{script.stem}"], cwd=HERE.parent).returncode != 0
    return failed


if __name__ == "__main__":
    raise SystemExit(main())
