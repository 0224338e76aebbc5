"""CPU a gunicorn worker spends on one 10 MB upload, and how long SQLite's write lock is held.

Builds one small learning set on SQLite, serves it with one gunicorn gthread worker (so every
upload lands on the worker measured), and sends the bench's 10 MB PDF through the real upload
page --uploads times, unpaced, one after another. The worker's user and system CPU time is read
from /proc/<pid>/stat before and after; the first upload (which loads what uploads need) is not
counted. Nothing else is loaded meanwhile, so the figure is the upload's own cost. A probe
tries the database's write lock every 5 ms without waiting: the share of tries that find it
taken, times the time, is how long each upload holds it (while it does, SQLite refuses other
requests' small writes, such as recording the use of a sign-in). To compare
two versions of the app, run this same script from each checkout (bench/README.md).

Usage: .venv/bin/python bench/upload_cpu.py [--uploads 12]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.national import Scale  # noqa: E402
from bench.run import prepare, reflection_of, sign_in, start_server  # noqa: E402
from bench.upload import Uploader, make_pdf, worker_pids  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """A process's user and system CPU time so far (fields 14 and 15 of /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


class LockProbe:
    """Tries SQLite's write lock every few milliseconds without waiting: the share of tries
    that find it taken is the share of the time a writer holds it."""

    def __init__(self, path: Path, every: float = 0.005) -> None:
        self.path, self.every = path, every
        self.tries = self.taken = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        connection = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            while not self._stop.wait(self.every):
                self.tries += 1
                try:
                    connection.execute("BEGIN IMMEDIATE")
                    connection.execute("ROLLBACK")
                except sqlite3.OperationalError:
                    self.taken += 1
        finally:
            connection.close()

    def __enter__(self) -> LockProbe:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def share(self) -> float:
        return self.taken / self.tries if self.tries else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--uploads", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of --uploads, each timed")
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="learnset-upload-cpu-"))
    url = f"sqlite:///{instance / 'bench.db'}"
    server = None
    try:
        built, _ = prepare(url, instance, Scale(sets=1, months=2, reflections=2, check_ins=1))
        port = 19000 + os.getpid() % 1000
        server = start_server(url, instance, port, workers=1)
        base = f"http://127.0.0.1:{port}"
        email = built.participant_emails[1]
        uploader = Uploader(
            base, sign_in(base, email).cookie, reflection_of(url, instance, email), make_pdf(),
            link_bits_per_second=0,
        )  # fmt: skip
        (worker,) = worker_pids(server.pid)
        uploader.upload()
        per_upload: list[float] = []
        locked: list[float] = []
        for _ in range(args.rounds):
            before, started = cpu_seconds(worker), time.perf_counter()
            with LockProbe(instance / "bench.db") as probe:
                for _ in range(args.uploads):
                    uploader.upload()
            spent, took = cpu_seconds(worker) - before, time.perf_counter() - started
            per_upload.append(spent * 1000 / args.uploads)
            locked.append(probe.share * took * 1000 / args.uploads)
            print(
                f"{args.uploads} uploads: {spent * 1000 / args.uploads:.0f} ms CPU each in the "
                f"worker, {took * 1000 / args.uploads:.0f} ms each from first byte to answer, "
                f"the write lock held about {locked[-1]:.0f} ms each",
                flush=True,
            )
        if uploader.refused:
            sys.exit(f"refused: {uploader.refused}")
        print(
            f"CPU per 10 MB upload in the worker: {min(per_upload):.0f}-{max(per_upload):.0f} ms "
            f"(median {statistics.median(per_upload):.0f} ms over {args.rounds} rounds); "
            f"SQLite's write lock held {statistics.median(locked):.0f} ms an upload (median)"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
