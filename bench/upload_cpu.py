"""CPU a gunicorn worker spends on one 10 MB upload, and what the database spends beside it.

Builds one small learning set, serves it with one gunicorn gthread worker (so every upload
lands on the worker measured), and sends the bench's 10 MB PDF through the real upload page
--uploads times, one after another, unpaced (or at --link-mbits, as the upload scenario sends
it). The worker's user and system CPU time is read from /proc/<pid>/stat before and after;
the first upload (which loads what uploads need) is not counted. Nothing else is loaded
meanwhile, so the figure is the upload's own cost.

On SQLite (the default) a probe tries the database's write lock every 5 ms without waiting: the
share of tries that find it taken, times the time, is how long each upload holds it (while it
does, SQLite refuses other requests' small writes, such as recording the use of a sign-in).
With --link-mbits 100 it shows whether the lock is held while the body is still arriving (it is
not: the form, and so the file, is read before the request first touches the database).

On PostgreSQL (--db postgresql, a throwaway cluster as the tests and the bench make) the
database's work is in processes of its own, which the worker's figure does not show: the CPU of
the whole server (the postmaster, its living children - the connections' backends, the WAL
writer, the checkpointer, autovacuum - and the children that ended meanwhile, which /proc counts
in their parent's) is read the same way, with the WAL the uploads wrote.

To compare two versions of the app, run this same script from each checkout (bench/README.md).

Usage: .venv/bin/python bench/upload_cpu.py [--uploads 12] [--rounds 3] [--db postgresql]
                                            [--file FILE] [--link-mbits 0]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.national import Scale  # noqa: E402
from bench.run import prepare, reflections_of, sign_in, start_server, tear_down  # noqa: E402
from bench.upload import (  # noqa: E402
    Uploader,
    cpu_ms,
    database_ms,
    make_pdf,
    postmaster_of,
    worker_pids,
)


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


class ServerProbe:
    """A PostgreSQL server's CPU time and the WAL it wrote, from one reading to the next."""

    def __init__(self, url: str, cluster: Any) -> None:
        self.postmaster: int = postmaster_of(cluster)  # type: ignore[assignment]
        # One connection for the WAL's position, opened before the first reading.
        self.engine = create_engine(url, poolclass=NullPool)
        self.connection = self.engine.connect()

    def reading(self) -> tuple[float, int]:
        wal = self.connection.scalar(
            text("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')")
        )
        return database_ms(self.postmaster) / 1000, int(wal)

    def close(self) -> None:
        self.connection.close()
        self.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--uploads", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of --uploads, each timed")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--file",
        type=Path,
        help="send this file (judged by its content) instead of the bench PDF, whose padding is "
        "random bytes: PostgreSQL compresses real files differently (bench/README.md)",
    )
    parser.add_argument(
        "--link-mbits",
        type=float,
        default=0,
        help="send each upload at this speed, Mbit/s, as bench/run.py does (0: unpaced)",
    )
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="learnset-upload-cpu-"))
    cluster = server = probe = None
    try:
        if args.db == "postgresql":
            from tests.postgres import start_cluster

            cluster = start_cluster()
            url = cluster.admin_url
        else:
            url = f"sqlite:///{instance / 'bench.db'}"
        built, _ = prepare(url, instance, Scale(sets=1, months=2, reflections=2, check_ins=1))
        port = 19000 + os.getpid() % 1000
        server = start_server(url, instance, port, workers=1)
        base = f"http://127.0.0.1:{port}"
        email = built.participant_emails[1]
        uploader = Uploader(
            base, sign_in(base, email).cookie, reflections_of(url, instance, email),
            args.file.read_bytes() if args.file else make_pdf(),
            link_bits_per_second=args.link_mbits * 1e6,
        )  # fmt: skip
        (worker,) = worker_pids(server.pid)
        uploader.upload()
        if cluster is not None:
            probe = ServerProbe(url, cluster)
        per_upload: list[float] = []
        locked: list[float] = []
        in_server: list[float] = []
        for _ in range(args.rounds):
            before = probe.reading() if probe else (0.0, 0)
            worker_before, started = cpu_ms(worker) / 1000, time.perf_counter()
            with LockProbe(instance / "bench.db") if probe is None else nullcontext() as lock:
                for _ in range(args.uploads):
                    uploader.upload()
            spent, took = cpu_ms(worker) / 1000 - worker_before, time.perf_counter() - started
            after = probe.reading() if probe else (0.0, 0)
            per_upload.append(spent * 1000 / args.uploads)
            line = (
                f"{args.uploads} uploads: {per_upload[-1]:.0f} ms CPU each in the worker, "
                f"{took * 1000 / args.uploads:.0f} ms each from first byte to answer, "
            )
            if lock is not None:
                locked.append(lock.share * took * 1000 / args.uploads)
                line += f"the write lock held about {locked[-1]:.0f} ms each"
            else:
                in_server.append((after[0] - before[0]) * 1000 / args.uploads)
                wal = (after[1] - before[1]) / args.uploads / 1024 / 1024
                line += f"{in_server[-1]:.0f} ms CPU each in PostgreSQL, {wal:.1f} MB of WAL each"
            print(line, flush=True)
        if uploader.refused:
            sys.exit(f"refused: {uploader.refused}")
        summary = (
            f"CPU per {len(uploader.pdf) / 1024 / 1024:.1f} MB upload in the worker: "
            f"{min(per_upload):.0f}-{max(per_upload):.0f} ms "
            f"(median {statistics.median(per_upload):.0f} ms over {args.rounds} rounds); "
        )
        if locked:
            summary += f"SQLite's write lock held {statistics.median(locked):.0f} ms an upload"
        else:
            summary += (
                f"in PostgreSQL: {min(in_server):.0f}-{max(in_server):.0f} ms "
                f"(median {statistics.median(in_server):.0f} ms)"
            )
        print(summary + f"; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    finally:
        if probe is not None:
            probe.close()
        tear_down(server, cluster, instance)


if __name__ == "__main__":
    main()
