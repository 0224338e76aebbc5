"""gunicorn's settings for Learnset, shipped in the wheel:

    gunicorn -c python:learnset.gunicorn_conf 'learnset:create_app()'

gunicorn's own lines (start-up, workers, errors) become JSON lines like the app's, and its access
log stays off: the app logs each request itself, by route and without the path (learnset/logs.py).
Anything here can still be given on the command line or in GUNICORN_CMD_ARGS."""

import faulthandler
import gc
import os
import threading
from typing import Any


def _cores() -> int:
    """The cores this process may run on (a container's cpuset, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


bind = os.environ.get("LEARNSET_BIND", "127.0.0.1:8000")
# Two processes a core, of two threads each (bench/README.md, "Threads and the tail"). Threads
# share their worker's one interpreter: with four, a busy server held every request at once, each
# going at a quarter of its worker's pace, so the dearest took far longer than the rest; with two,
# the others wait in the listening queue and are served in the order they came, and under load
# the slowest requests took about a third less time for the same throughput. The second thread
# keeps the core busy while the first waits on PostgreSQL or a slow client.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * _cores())))
worker_class = "gthread"
threads = 2
# A worker takes no more connections than it has threads, and closes each once it has answered
# (nginx in front opens one a request anyway): a connection kept open stays with the worker that
# took it, and under load one worker came to hold most of them, serving them all on its one core
# (one interpreter lock) while the others idled. The rest wait in the listening queue for the
# first worker with a free thread.
worker_connections = threads
keepalive = 0
accesslog = None
# The app is made once, in the master, before any worker: settings that production refuses
# stop gunicorn itself with their one line, rather than each worker failing and being replaced.
# A new release needs a restart (systemctl restart), not a HUP.
preload_app = True


def pre_fork(server: object, worker: object) -> None:
    """Before each worker is forked, the master's objects (the app and its modules, some 230,000)
    move to the collector's permanent generation, which it never walks: otherwise every full
    collection in a worker walked them all, about 150 ms of CPU holding the interpreter lock, and
    the requests in that worker waited for it (bench/README.md, "Long tails")."""
    gc.collect()
    gc.freeze()


class KeptObjects:
    """Moves what a worker keeps for itself to the permanent generation too, as it grows.

    A worker fills caches as its pages are first opened (compiled statements, templates, released
    figures: some 80,000 objects once every page has been seen), and each full collection walked
    them all, 20 to 60 ms holding the interpreter lock, about once in 50 of the downloads that
    make the most objects: the requests of that worker waited for it, which made the downloads'
    p99 (bench/README.md, "What a worker keeps"). After a full collection, once the worker is
    serving nothing (so no request's objects are caught), if the collector keeps `grows_by`
    objects or more, they are collected once more and frozen. Frozen objects are still freed when
    nothing refers to them; only one caught in a reference cycle would stay, and freezes stop once
    the caches stop growing."""

    def __init__(self, grows_by: int = 5_000) -> None:
        self.grows_by = grows_by
        self.freezes = 0
        self._serving = 0
        self._full_collection_ran = False
        self._lock = threading.Lock()

    def collected(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "stop" and info["generation"] == 2:
            self._full_collection_ran = True

    def started(self) -> None:
        with self._lock:
            self._serving += 1

    def ended(self) -> None:
        with self._lock:
            self._serving -= 1
            if self._serving or not self._full_collection_ran:
                return
            self._full_collection_ran = False
            # The lock is held: a request starting meanwhile waits rather than be frozen.
            if len(gc.get_objects(generation=2)) >= self.grows_by:
                gc.collect()
                gc.freeze()
                self.freezes += 1


kept = KeptObjects()


def post_worker_init(worker: object) -> None:
    gc.callbacks.append(kept.collected)
    # A worker that crashes in C code (a database driver, a parser, the interpreter itself)
    # writes every thread's Python stack to standard error, so to the journal beside gunicorn's
    # "Worker (pid:...) was sent SIGSEGV!", before it dies; gunicorn then starts another.
    faulthandler.enable(all_threads=True)


def pre_request(worker: object, request: object) -> None:
    kept.started()


def post_request(worker: object, request: object, environ: object, response: object) -> None:
    kept.ended()


logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "WARNING", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
    },
    "handlers": {
        "console": {"class": "learnset.logs.JsonHandler"},
        "error_console": {"class": "learnset.logs.JsonHandler"},
    },
    "formatters": {},
}
