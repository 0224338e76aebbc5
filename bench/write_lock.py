"""How long a write waits for SQLite's write lock when many write at once (issue 14).

Writers in several processes of several threads (4 x 4, as the bench's gunicorn), each through
the app's engine (learnset.db.make_engine, a writer's connection: BEGIN IMMEDIATE) in turn:
begin, update one row, hold the lock a few milliseconds, commit, then rest a while without it.
Prints the wait to begin (the turn in the process and SQLite's lock) at the median, 90th and
99th percentiles and at most, and the writes done. No server, no HTTP: the lock alone.

Usage: .venv/bin/python bench/write_lock.py [--processes 4] [--threads 4] [--seconds 8]
                                            [--hold-ms 2] [--rest-ms 20] [--code DIR]
       .venv/bin/python bench/write_lock.py --code /tmp/learnset-main   # main's code
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4, help="writers in each process")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--hold-ms", type=float, default=2, help="time a writer holds the lock")
    parser.add_argument("--rest-ms", type=float, default=20, help="time between its writes")
    parser.add_argument("--code", help="import learnset from this checkout (e.g. main's)")
    parser.add_argument("--rounds", type=int, default=1)
    return parser.parse_args()


def _writer(url: str, args: argparse.Namespace, until: float, found: list[float]) -> None:
    from sqlalchemy import text

    from learnset.db import WRITES, make_engine

    engine = make_engine(url).execution_options(**{WRITES: True})
    waits: list[float] = []
    errors: list[str] = []

    def write() -> None:
        while time.monotonic() < until:
            asked = time.perf_counter()
            try:
                with engine.begin() as connection:
                    waits.append(time.perf_counter() - asked)
                    connection.execute(text("UPDATE counter SET n = n + 1"))
                    time.sleep(args.hold_ms / 1000)
            except Exception as error:  # counted, and the writer goes on
                errors.append(type(error).__name__)
            time.sleep(args.rest_ms / 1000)

    threads = [threading.Thread(target=write) for _ in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    found.extend(waits)
    found.extend(-1.0 for _ in errors)
    engine.dispose()


def _process(url: str, args: argparse.Namespace, until: float, queue: object) -> None:
    found: list[float] = []
    _writer(url, args, until, found)
    queue.put(found)  # type: ignore[attr-defined]


def _children_cpu() -> float:
    """User and system CPU seconds of the writers' processes that have ended."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    args = _arguments()
    if args.code:
        sys.dont_write_bytecode = True
        sys.path.insert(0, str(Path(args.code).resolve()))
    else:
        sys.path.insert(0, str(ROOT))
    import learnset
    from learnset.db import make_engine

    print(f"learnset from {Path(learnset.__file__).parent.parent}")
    print(
        f"{args.processes} processes x {args.threads} writers, hold {args.hold_ms:g} ms, "
        f"rest {args.rest_ms:g} ms, {args.seconds:g} s a round"
    )
    print("| round | writes | errors | wait p50 ms | p90 ms | p99 ms | max ms | CPU ms a write |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    folder = Path(tempfile.mkdtemp(prefix="learnset-write-lock-"))
    url = f"sqlite:///{folder / 'lock.db'}"
    from sqlalchemy import text

    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (n INTEGER)"))
        connection.execute(text("INSERT INTO counter VALUES (0)"))
    engine.dispose()
    context = multiprocessing.get_context("fork")
    for number in range(1, args.rounds + 1):
        queue = context.Queue()
        cpu_before = _children_cpu()
        until = time.monotonic() + args.seconds
        processes = [
            context.Process(target=_process, args=(url, args, until, queue))
            for _ in range(args.processes)
        ]
        for process in processes:
            process.start()
        found = [wait for _ in processes for wait in queue.get()]
        for process in processes:
            process.join()
        cpu = _children_cpu() - cpu_before
        waits = [wait * 1000 for wait in found if wait >= 0]
        errors = len(found) - len(waits)
        print(
            f"| {number} | {len(waits)} | {errors} | {statistics.median(waits):.1f} | "
            f"{_percentile(waits, 0.9):.1f} | {_percentile(waits, 0.99):.1f} | "
            f"{max(waits):.1f} | {cpu * 1000 / max(1, len(waits)):.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
