"""CPU PostgreSQL spends storing a file's bytes, by how the column compresses them.

PostgreSQL moves each value over about 2 kB out of line (TOAST), compressing it first: with
pglz by default, with lz4 if the column says so, or not at all if its storage is EXTERNAL. The
files people attach are mostly compressed already, and how hard pglz tries before giving up
depends on their bytes, so this stores each file given (and 10 MB of random bytes and 10 MB of
CSV text, as the extremes) the way the app does, in 256 KB chunks in order, 40 MB of each, into
a table of each kind, in a throwaway cluster, and reads the connection's backend's CPU time from
/proc. It prints the milliseconds per 10 MB, and the space taken as a share of the bytes.

Usage: .venv/bin/python bench/toast.py [--rounds 2] [FILE ...]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from bench.upload_cpu import cpu_seconds  # noqa: E402
from learnset.files import CHUNK_SIZE, CHUNKS_PER_INSERT  # noqa: E402

TEN_MB = 10 * 1024 * 1024
STORED = 4 * TEN_MB
COLUMNS = {
    "pglz (default)": "",
    "lz4": "ALTER TABLE chunks ALTER COLUMN data SET COMPRESSION lz4",
    "none (EXTERNAL)": "ALTER TABLE chunks ALTER COLUMN data SET STORAGE EXTERNAL",
}


def csv_text() -> bytes:
    rows = (
        b"%d,participant %d,2026-12-%02d,session,%d\n" % (n, n % 97, n % 28 + 1, n * 7)
        for n in range(400_000)
    )
    return b"".join(rows)[:TEN_MB]


def store(connection: psycopg.Connection, data: bytes, column: str) -> tuple[float, float]:
    """Milliseconds of the backend's CPU per 10 MB, and the table's size per byte stored."""
    chunks = [data[offset : offset + CHUNK_SIZE] for offset in range(0, len(data), CHUNK_SIZE)]
    rows: list[bytes] = []
    while sum(map(len, rows)) < STORED:
        rows.append(chunks[len(rows) % len(chunks)])
    connection.execute("DROP TABLE IF EXISTS chunks")
    connection.execute("CREATE TABLE chunks (id serial PRIMARY KEY, data bytea)")
    if COLUMNS[column]:
        connection.execute(COLUMNS[column])
    backend = connection.info.backend_pid
    before = cpu_seconds(backend)
    with connection.cursor() as cursor:
        for first in range(0, len(rows), CHUNKS_PER_INSERT):
            batch = rows[first : first + CHUNKS_PER_INSERT]
            cursor.executemany("INSERT INTO chunks (data) VALUES (%s)", [(row,) for row in batch])
    spent = cpu_seconds(backend) - before
    size = connection.execute("SELECT pg_total_relation_size('chunks')").fetchone()
    total = sum(map(len, rows))
    return spent * 1000 * TEN_MB / total, (size[0] if size else 0) / total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=2, help="each column kind, in turn")
    args = parser.parse_args()
    kinds = {"random bytes": random.Random(21).randbytes(TEN_MB), "CSV text": csv_text()}
    kinds |= {path.name: path.read_bytes()[:TEN_MB] for path in args.files}
    from tests.postgres import start_cluster

    cluster = start_cluster()
    try:
        url = cluster.url("postgres").replace("postgresql+psycopg", "postgresql")
        with psycopg.connect(url, autocommit=True) as connection:
            print("| file | column | backend CPU ms per 10 MB | space per byte |")
            print("| --- | --- | ---: | ---: |")
            for _ in range(args.rounds):
                for name, data in kinds.items():
                    for column in COLUMNS:
                        ms, share = store(connection, data, column)
                        print(f"| {name} | {column} | {ms:.0f} | {share:.2f} |", flush=True)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
