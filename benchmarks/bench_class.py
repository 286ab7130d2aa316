"""Class-scale load on loopback: 50 students answering and syncing at once to a real PostgreSQL, and 20 browser sessions on `revise serve`.

Run: ``.venv/bin/python benchmarks/bench_class.py [--students 50] [--rounds 5] [--sessions 20]``
(needs .ci/install-deps). Prints rows lost/doubled, sync latency p50/p99, and
resident memory per served session (the sum of each session's process RSS
after it has logged in and opened the app, divided by the sessions).
Everything runs on 127.0.0.1, in bounded loops.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def bench_sync(server: object, students: int, rounds: int, answers_per_round: int) -> dict[str, float]:
    """Every student answers and syncs `rounds` times, all at once; returns the figures."""
    import psycopg

    from revise.bank.loader import load_bank
    from revise.classroom.classstore import create_class, member_url
    from revise.classroom.roster import Member, Roster, student_dir
    from revise.classroom.sync import sync_to
    from revise.clock import utc_now
    from revise.progress.store import Store
    from tests.classroom.conftest import FIXTURE_BANK, superuser_url

    work = Path(tempfile.mkdtemp(prefix="bench-class-"))
    roster = Roster.open(work / "roster.csv", create=True)
    roster.add([Member(f"s{n:03d}", f"学生{n}", "student") for n in range(students)])
    with psycopg.connect(superuser_url(server), autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS bench_class WITH (FORCE)")
        admin.execute("CREATE DATABASE bench_class")
    url = superuser_url(server, "bench_class")
    bank = load_bank([FIXTURE_BANK]).bank
    created = create_class(url, roster, bank, FIXTURE_BANK)
    questions = list(bank.questions)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def student(member: Member) -> None:
        data_dir = student_dir(work / "data", roster, member.id)
        sync_url = member_url(url, roster, member.id)
        with Store.open(data_dir) as store:
            for round_ in range(rounds):
                for k in range(answers_per_round):
                    qid = questions[(round_ * answers_per_round + k) % len(questions)]
                    verdict = ("correct", "partial", "incorrect")[(hash(member.id) + k) % 3]
                    store.record_answer(
                        question_id=qid,
                        question_type="fill",
                        response="客户关系管理",
                        verdict=verdict,
                        score={"correct": 1.0, "partial": 0.5, "incorrect": 0.0}[verdict],
                        at=utc_now(),
                    )
                started = time.perf_counter()
                try:
                    sync_to(data_dir, sync_url, created.bank_version)
                except Exception as error:
                    errors.append(str(error))
                with lock:
                    latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=student, args=(member,)) for member in roster.members]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    elapsed = time.perf_counter() - started
    expected = students * rounds * answers_per_round
    with psycopg.connect(url) as connection:
        row = connection.execute("SELECT count(*), count(DISTINCT (student_id, store_id, local_id)) FROM reviews").fetchone()
    assert row is not None
    stored, distinct = int(row[0]), int(row[1])
    latencies.sort()
    return {
        "students": students,
        "syncs": len(latencies),
        "errors": len(errors),
        "rows_expected": expected,
        "rows_lost": expected - distinct,
        "rows_doubled": stored - distinct,
        "sync_p50_ms": 1000 * statistics.median(latencies),
        "sync_p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        "wall_s": elapsed,
    }


def bench_serve(sessions: int) -> dict[str, float]:
    """`sessions` websocket sessions on `revise serve`, each logged in to the app; resident memory per session."""
    import aiohttp

    from revise.classroom.roster import Member, Roster
    from tests.classroom.serving import served, session_processes, write_smoke_bank

    work = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    roster = Roster.open(work / "roster.csv", create=True)
    roster.add([Member(f"s{n:03d}", f"学生{n}", "student") for n in range(sessions)])
    for member in roster.members:
        roster.set_password(member.id, "secret-1")
    bank = write_smoke_bank(work / "bank")

    async def session(url: str, member_id: str, hold: asyncio.Event) -> None:
        async with aiohttp.ClientSession() as client, client.ws_connect(url.replace("http", "ws") + "ws?width=100&height=30") as ws:

            async def drain() -> None:  # read everything (the app's output; pings get their pongs)
                async for _message in ws:
                    pass

            reader = asyncio.create_task(drain())
            await asyncio.sleep(8)  # 20 Pythons starting on 2 cores: let the login screens come up
            for text in (member_id, "\r", "secret-1", "\r"):
                await ws.send_json(["stdin", text])
                await asyncio.sleep(0.3)
            await hold.wait()
            reader.cancel()

    async def run(url: str) -> dict[str, float]:
        hold = asyncio.Event()
        tasks = [asyncio.create_task(session(url, member.id, hold)) for member in roster.members]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # every session has exec'd into the app (argv has --student)
            pids = session_processes()
            in_app = [pid for pid in pids if b"--student" in Path(f"/proc/{pid}/cmdline").read_bytes()]
            if len(in_app) >= sessions:
                break
            await asyncio.sleep(0.5)
        await asyncio.sleep(5)  # the app's first screen
        pids = session_processes()
        rss = [_rss_kib(pid) for pid in pids]
        hold.set()
        failures = [r for r in await asyncio.gather(*tasks, return_exceptions=True) if isinstance(r, BaseException)]
        if failures:
            print(f"  {len(failures)} sessions failed, e.g. {failures[0]!r}", file=sys.stderr)
        return {"sessions": len(pids), "rss_per_session_mib": statistics.mean(rss) / 1024 if rss else 0.0, "rss_total_mib": sum(rss) / 1024}

    with served(work / "roster.csv", work / "data", bank) as (_server, url):
        return asyncio.run(run(url))


def main() -> int:
    """Run both benchmarks and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--answers", type=int, default=10, help="answers per student per round")
    parser.add_argument("--sessions", type=int, default=20)
    args = parser.parse_args()

    import tests.classroom.conftest as conftest

    fixture = conftest.pg_server.__wrapped__  # type: ignore[attr-defined]
    generator = fixture()
    server = next(generator)
    try:
        figures = bench_sync(server, args.students, args.rounds, args.answers)
    finally:
        generator.close()
    print(f"class store: {figures['students']} students x {args.rounds} rounds x {args.answers} answers, all at once")
    print(
        f"  syncs {figures['syncs']}, errors {figures['errors']}, rows expected {figures['rows_expected']}, lost {figures['rows_lost']}, doubled {figures['rows_doubled']}"
    )
    print(f"  sync latency p50 {figures['sync_p50_ms']:.1f} ms, p99 {figures['sync_p99_ms']:.1f} ms; wall {figures['wall_s']:.1f} s")
    serve = bench_serve(args.sessions)
    print(
        f"revise serve: {serve['sessions']} sessions logged in to the app; RSS {serve['rss_per_session_mib']:.1f} MiB per session, {serve['rss_total_mib']:.0f} MiB in all"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
