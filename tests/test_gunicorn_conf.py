"""The gunicorn settings shipped in the wheel spread the load over the workers: a worker takes no
more connections than it has threads and closes each once it has answered, so a client keeping
its connections open cannot pile them onto one worker (one core) while the others idle. And the
app, made once in the master, is frozen out of each worker's garbage collections."""

from __future__ import annotations

import gc
import http.client
import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from learnset import gunicorn_conf
from tests.helpers import free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"

# A WSGI module in front of Learnset that answers /gc with its worker's garbage collector's
# state, and how many objects the master held once the app was made.
GC_PROBE = """
import gc, json, os
from learnset import create_app

learnset_app = create_app()
TRACKED_WHEN_MADE = len(gc.get_objects())

KEPT = []

def app(environ, start_response):
    if environ["PATH_INFO"] == "/keep":
        # A cache filled by a request, then a full collection while it is served.
        KEPT.extend([n] for n in range(20_000))
        gc.collect()
        start_response("204 No Content", [])
        return []
    if environ["PATH_INFO"] == "/pid":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [str(os.getpid()).encode()]
    if environ["PATH_INFO"] != "/gc":
        return learnset_app(environ, start_response)
    body = json.dumps({"frozen": gc.get_freeze_count(), "made": TRACKED_WHEN_MADE,
                       "enabled": gc.isenabled()}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]
"""


def test_a_worker_takes_no_more_connections_than_it_has_threads() -> None:
    assert gunicorn_conf.worker_connections == gunicorn_conf.threads
    assert gunicorn_conf.keepalive == 0


def test_two_workers_a_core_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2})
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    assert importlib.reload(gunicorn_conf).workers == 6
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert importlib.reload(gunicorn_conf).workers == 3
    monkeypatch.undo()
    importlib.reload(gunicorn_conf)


@contextmanager
def _gunicorn(tmp_path: Path, app: str, stderr: Path | None = None) -> Iterator[int]:
    """gunicorn with the shipped settings and one worker, serving `app` (its standard error to
    the file `stderr`, if given); yields its port."""
    port = free_port()
    env = {
        **{
            key: value
            for key, value in os.environ.items()
            if not key.startswith("LEARNSET_") and key != "PYTHONFAULTHANDLER"
        },
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
        "SECRET_KEY": "gunicorn-conf-test",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "BASE_URL": f"http://127.0.0.1:{port}",
    }
    command = [
        str(GUNICORN), "-c", "python:learnset.gunicorn_conf", "--workers", "1",
        "--bind", f"127.0.0.1:{port}", "--pythonpath", str(tmp_path), app,
    ]  # fmt: skip
    errors = stderr.open("wb") if stderr else subprocess.DEVNULL
    server = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, "gunicorn stopped"
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
        if stderr:
            errors.close()  # type: ignore[union-attr]  # the file opened above


def test_the_server_closes_each_connection_once_it_has_answered(tmp_path: Path) -> None:
    with _gunicorn(tmp_path, "learnset:create_app()") as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/healthz")  # HTTP/1.1: kept open unless told
        response = connection.getresponse()
        response.read()
    assert response.status == 200
    assert response.getheader("Connection") == "close"
    assert response.will_close


def test_a_worker_never_walks_the_app_made_before_it_in_its_collections(tmp_path: Path) -> None:
    """Each full collection in a worker walked every object the master made (the app and its
    modules), which stopped the worker's requests for 100 ms and more; frozen, they are skipped."""
    (tmp_path / "gc_probe.py").write_text(GC_PROBE)
    with _gunicorn(tmp_path, "gc_probe:app") as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/gc")
        state = json.loads(connection.getresponse().read())
    assert state["enabled"]
    assert state["frozen"] > 0.8 * state["made"] > 100_000


def test_what_a_worker_keeps_is_frozen_once_it_grows(tmp_path: Path) -> None:
    """A worker's own caches (compiled statements, templates, figures) are walked by every full
    collection until they are frozen too: once a full collection has run and the worker serves
    nothing, what it keeps goes to the permanent generation."""
    (tmp_path / "gc_probe.py").write_text(GC_PROBE)

    def frozen(port: int) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/gc")
        return int(json.loads(connection.getresponse().read())["frozen"])

    with _gunicorn(tmp_path, "gc_probe:app") as port:
        before = frozen(port)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/keep")
        assert connection.getresponse().status == 204
        # The response is sent before its thread runs the post_request hook, so the next
        # request may still find it serving: the freeze then follows that one.
        deadline = time.monotonic() + 10
        while (after := frozen(port)) < before + 20_000 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert after >= before + 20_000


def test_a_worker_that_crashes_in_c_code_leaves_its_stack_and_is_replaced(tmp_path: Path) -> None:
    """A segmentation fault (once seen in a worker under the PostgreSQL benchmark) leaves the
    Python stack of every thread of the worker in the log, and the service goes on."""
    (tmp_path / "gc_probe.py").write_text(GC_PROBE)
    log = tmp_path / "gunicorn.log"

    def worker_pid(port: int) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/pid")
        return int(connection.getresponse().read())

    with _gunicorn(tmp_path, "gc_probe:app", stderr=log) as port:
        crashed = worker_pid(port)
        os.kill(crashed, signal.SIGSEGV)
        deadline = time.monotonic() + 30
        while True:
            try:
                replaced = worker_pid(port)
                break
            except OSError:  # the master has not started the next worker yet
                assert time.monotonic() < deadline, "no worker came back"
                time.sleep(0.1)
        written = log.read_text()
    assert replaced != crashed
    assert "Fatal Python error: Segmentation fault" in written
    # Every thread's stack: the worker's main loop and its request threads.
    assert written.lower().count("thread 0x") >= 2 and "gunicorn/workers" in written
    assert f"Worker (pid:{crashed}) was sent SIGSEGV!" in written


def _full_collection(kept: gunicorn_conf.KeptObjects) -> None:
    gc.callbacks.append(kept.collected)
    try:
        gc.collect()
    finally:
        gc.callbacks.remove(kept.collected)


@pytest.fixture
def kept() -> gunicorn_conf.KeptObjects:
    """The policy on its own, in this process, which keeps a good deal already: it freezes once
    20,000 objects more than now are kept. The caches the tests fill hold 100,000, far from it
    either way whatever else the process frees or keeps meanwhile (5,000 was once too close)."""
    gc.collect()
    return gunicorn_conf.KeptObjects(grows_by=len(gc.get_objects(generation=2)) + 20_000)


def _frozen(kept_object: object) -> bool:
    """Whether the collector has it in its permanent generation (which get_objects leaves out)."""
    return gc.is_tracked(kept_object) and not any(o is kept_object for o in gc.get_objects())


def test_nothing_is_frozen_while_a_request_is_served(kept: gunicorn_conf.KeptObjects) -> None:
    cache = [[n] for n in range(100_000)]
    kept.started()
    kept.started()
    _full_collection(kept)
    kept.ended()
    assert (kept.freezes, _frozen(cache[-1])) == (0, False)
    kept.ended()
    assert (kept.freezes, _frozen(cache[-1])) == (1, True)


def test_nothing_is_frozen_before_a_full_collection(kept: gunicorn_conf.KeptObjects) -> None:
    cache = [[n] for n in range(100_000)]
    kept.started()
    kept.ended()
    assert (kept.freezes, _frozen(cache[-1])) == (0, False)


def test_a_few_kept_objects_are_left_to_the_collector(kept: gunicorn_conf.KeptObjects) -> None:
    few = [[n] for n in range(100)]
    kept.started()
    _full_collection(kept)
    kept.ended()
    assert (kept.freezes, _frozen(few[-1])) == (0, False)
    # The full collection is spent: growth after it waits for the next one.
    cache = [[n] for n in range(100_000)]
    kept.started()
    kept.ended()
    assert (kept.freezes, _frozen(cache[-1])) == (0, False)
