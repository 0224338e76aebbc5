"""The garbage collector in each gunicorn worker, by page: the shipped settings
(learnset/gunicorn_conf.py) with hooks that count each worker's collections by generation and
their CPU time, charged to the request that was being served in the thread that ran them.

    .venv/bin/python bench/run.py --db sqlite --only "," --gc-probe /tmp/gc   # serve with it
    .venv/bin/python bench/gc_probe.py /tmp/gc                                # the table

Each worker writes its counts to GC_PROBE_DIR as it goes (every 100 requests) and as it exits.
Collections run outside any request (the shipped freezes among them) are charged to "-"."""

from __future__ import annotations

import gc
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from learnset import gunicorn_conf
from learnset.gunicorn_conf import *  # noqa: F403  (the shipped settings, then these hooks)

_serving = threading.local()
_started: dict[int, float] = {}
_pages: dict[str, dict[str, Any]] = {}
_requests = 0


def _blank() -> dict[str, Any]:
    return {"requests": 0, "cpu_ms": 0.0, "count": [0, 0, 0], "ms": [0.0] * 3, "longest": 0.0}


def _page(path: str) -> dict[str, Any]:
    return _pages.setdefault(path, _blank())


def _collection(phase: str, info: dict[str, Any]) -> None:
    thread = threading.get_ident()
    if phase == "start":
        _started[thread] = time.thread_time()
        return
    spent = (time.thread_time() - _started.pop(thread, time.thread_time())) * 1000
    page, generation = _page(getattr(_serving, "path", "-")), info["generation"]
    page["count"][generation] += 1
    page["ms"][generation] += spent
    if generation == 2:
        page["longest"] = max(page["longest"], spent)


def _write() -> None:
    kept = {"tracked": len(gc.get_objects()), "frozen": gc.get_freeze_count()}
    kept["freezes"] = gunicorn_conf.kept.freezes
    path = Path(os.environ["GC_PROBE_DIR"]) / f"worker-{os.getpid()}.json"
    path.write_text(json.dumps({**kept, "pages": _pages}))


def post_worker_init(worker: object) -> None:
    gunicorn_conf.post_worker_init(worker)
    gc.callbacks.append(_collection)


def pre_request(worker: object, request: Any) -> None:
    gunicorn_conf.pre_request(worker, request)
    _serving.path, _serving.cpu = request.path, time.thread_time()


def post_request(worker: object, request: Any, environ: object, response: object) -> None:
    global _requests
    page = _page(request.path)
    page["requests"] += 1
    page["cpu_ms"] += (time.thread_time() - _serving.cpu) * 1000
    _serving.path = "-"
    gunicorn_conf.post_request(worker, request, environ, response)
    _requests += 1
    if _requests % 100 == 0:
        _write()


def worker_exit(server: object, worker: object) -> None:
    _write()


def table(folder: Path) -> str:
    """Every worker's counts added up, a line a page, busiest first."""
    pages: dict[str, dict[str, Any]] = {}
    lines = []
    for worker in sorted(folder.glob("worker-*.json")):
        found = json.loads(worker.read_text())
        lines.append(
            f"{worker.stem}: {found['tracked']:,} objects tracked, {found['frozen']:,} frozen, "
            f"{found['freezes']} freezes"
        )
        for path, counts in found["pages"].items():
            total = pages.setdefault(path, _blank())
            total["requests"] += counts["requests"]
            total["cpu_ms"] += counts["cpu_ms"]
            total["longest"] = max(total["longest"], counts["longest"])
            for generation in range(3):
                total["count"][generation] += counts["count"][generation]
                total["ms"][generation] += counts["ms"][generation]
    lines += [
        "",
        "| path | requests | CPU ms a request | young collections a request | full collections "
        "| CPU ms a full one, mean / longest | collectors' CPU ms a request |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for path, total in sorted(pages.items(), key=lambda item: -item[1]["requests"]):
        served, full = max(total["requests"], 1), total["count"][2]
        lines.append(
            f"| {path} | {total['requests']} | {total['cpu_ms'] / served:.2f} "
            f"| {(total['count'][0] + total['count'][1]) / served:.2f} | {full} "
            f"| {total['ms'][2] / max(full, 1):.1f} / {total['longest']:.1f} "
            f"| {sum(total['ms']) / served:.3f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(Path(sys.argv[1])))
