"""A throwaway PostgreSQL cluster for the test run: initdb into a temporary folder, start, stop."""

from __future__ import annotations

import glob
import os
import random
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def find_bin_dir() -> Path | None:
    """The newest installed PostgreSQL server binaries, if any."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    # Below the ephemeral range, where load tests leave TIME_WAIT sockets behind; a random
    # start keeps two test runs on one machine from racing for the same port.
    start = random.randrange(25432, 29432)
    for port in range(start, start + 1000):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for PostgreSQL")


@dataclass
class Cluster:
    bin_dir: Path
    data_dir: Path
    socket_dir: Path
    port: int
    as_postgres: bool

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, stdin=subprocess.DEVNULL)

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def restart(self, mode: str = "fast") -> None:
        """pg_ctl restart: stop (`fast` rolls back and disconnects every session; `immediate`
        is a crash), then start again with the same options, and wait until it accepts."""
        # With a log file of its own: the new server would otherwise hold our output pipes open.
        log = str(self.data_dir.parent / "log")
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-l", log, "-w", "restart")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def start_cluster(synchronous_commit: bool = False) -> Cluster:
    """initdb and start a cluster on 127.0.0.1, fsync off; as root, run them as postgres.

    Commits are acknowledged before their WAL is written unless `synchronous_commit`: fine for
    tests, but a crash (`-m immediate`) would then lose acknowledged commits, as it would in
    production with the same setting."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL server binaries not found")
    root = Path(tempfile.mkdtemp(prefix="learnset-pg-"))
    data_dir, socket_dir = root / "data", root / "socket"
    socket_dir.mkdir()
    as_postgres = os.geteuid() == 0
    if as_postgres:
        shutil.chown(root, "postgres")
        shutil.chown(socket_dir, "postgres")
    cluster = Cluster(bin_dir, data_dir, socket_dir, _free_port(), as_postgres)
    cluster._run(
        "initdb", "-D", str(data_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8",
        "--locale=C.UTF-8", "--no-sync",
    )  # fmt: skip
    options = (
        f"-c listen_addresses=127.0.0.1 -p {cluster.port} -k {socket_dir} "
        "-c fsync=off -c full_page_writes=off -c max_connections=100 "
        f"-c synchronous_commit={'on' if synchronous_commit else 'off'}"
    )
    cluster._run(
        "pg_ctl", "-D", str(data_dir), "-o", options, "-l", str(root / "log"), "-w", "start"
    )
    return cluster
