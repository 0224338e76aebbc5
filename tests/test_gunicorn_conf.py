"""The gunicorn settings shipped in the wheel spread the load over the workers: a worker takes no
more connections than it has threads and closes each once it has answered, so a client keeping
its connections open cannot pile them onto one worker (one core) while the others idle."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from learnset import gunicorn_conf

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def test_a_worker_takes_no_more_connections_than_it_has_threads() -> None:
    assert gunicorn_conf.worker_connections == gunicorn_conf.threads
    assert gunicorn_conf.keepalive == 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_server_closes_each_connection_once_it_has_answered(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("LEARNSET_")},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
        "SECRET_KEY": "gunicorn-conf-test",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "BASE_URL": f"http://127.0.0.1:{port}",
    }
    command = [
        str(GUNICORN), "-c", "python:learnset.gunicorn_conf", "--workers", "1",
        "--bind", f"127.0.0.1:{port}", "learnset:create_app()",
    ]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request("GET", "/healthz")  # HTTP/1.1: kept open unless told
                response = connection.getresponse()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        response.read()
        assert response.status == 200
        assert response.getheader("Connection") == "close"
        assert response.will_close
    finally:
        server.terminate()
        server.wait(timeout=30)
