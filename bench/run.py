"""Learnset at national scale, page by page, on SQLite and PostgreSQL.

Builds the national programme (national.py) on each engine, serves it with gunicorn as
production does (4 gthread workers x 2 threads), and loads each page in turn with wrk (2
threads, 16 connections). For each page: requests a second, p50 and p99, the queries one
request sends (counted in-process, on the same data), and its throughput as a share of the
sign-in page's, the floor a page with a template and a signed-in session cannot beat. Then
upload.py's scenario: a participant uploading 10 MB files while other pages are loaded. The
tables are printed and written to bench/results.json.

Usage: .venv/bin/python bench/run.py [--db sqlite --db postgresql] [--seconds 5] [--sets 200]
                                     [--only text] [--output bench/results.json]
       .venv/bin/python bench/run.py --upload-only --db sqlite --sets 3   # merged into the file
       .venv/bin/python bench/run.py --db sqlite --only "," --gc-probe /tmp/gc --output -
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import suppress
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, select  # noqa: E402

from bench import gc_probe  # noqa: E402
from bench.national import Built, Scale, build  # noqa: E402
from bench.pages import FLOOR, PAGES, Page  # noqa: E402
from bench.upload import (  # noqa: E402
    LINK_BITS_PER_SECOND,
    ROUNDS,
    SERVER_SETTINGS,
    STRETCH_SECONDS,
    Uploader,
    cpu_ms,
    make_pdf,
    postmaster_of,
    scenario,
    worker_pids,
)
from bench.upload import PAGES as UPLOAD_PAGES  # noqa: E402
from learnset import create_app, demo, gunicorn_conf, migrate  # noqa: E402
from learnset.accounts.models import User  # noqa: E402
from learnset.accounts.services import hash_password  # noqa: E402
from learnset.db import database, utcnow  # noqa: E402
from learnset.reflections.models import Reflection  # noqa: E402

FAST_HASH = "scrypt:1024:8:1"
WORKERS, THREADS, CONNECTIONS = 4, gunicorn_conf.threads, 16
SHIPPED, GC_PROBE = "learnset.gunicorn_conf", "bench.gc_probe"
SETTLE_SECONDS = 0.5
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass
class Result:
    page: str
    role: str
    method: str
    path: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    queries: int
    share_of_floor: float
    # Requests that failed: non-2xx/3xx answers and wrk's socket errors, timeouts included.
    errors: int
    timeouts: int
    # Requests wrk finished in the run (timed-out ones included), so no answer at all shows.
    requests: int
    # The same page with one connection and nothing else asked of the server: the time a
    # request takes to serve, where p50_ms and p99_ms above add the wait in the queue of 16.
    alone_p50_ms: float = 0.0
    alone_p99_ms: float = 0.0
    # CPU milliseconds per request under the 16 connections: the gunicorn workers' (user and
    # system, the database's work included on SQLite) and wrk's own. Far steadier than
    # requests/s on a shared machine, so pages and versions compare by it.
    server_cpu_ms: float = 0.0
    wrk_cpu_ms: float = 0.0
    # The workers' CPU per request over the one connection alone: no other request to contend
    # with (threads, the GIL, caches), the nearest to what bench/cpu.py measures in-process.
    alone_server_cpu_ms: float = 0.0
    # The busiest worker's share of the workers' CPU under the 16 connections: 1 / workers when
    # the load is spread evenly, 1.0 when one worker (one core at most) served it all.
    busiest_worker_share: float = 0.0
    # Workers gunicorn started while the page was measured (warm-up, load and alone): each one
    # replaced a worker that died, by a crash or a timeout (0 in a sound run).
    workers_replaced: int = 0


def prepare(url: str, instance: Path, scale: Scale) -> tuple[Built, float]:
    started = time.perf_counter()
    migrate.upgrade(url)
    app = bench_app(url, instance)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["content", "sync"])
        assert result.exit_code == 0, result.output
        with database(app).writer_sessions() as db:
            demo.load(db, FAST_HASH)
            built = build(db, scale, hash_password(demo.PASSWORD, FAST_HASH), utcnow())
            db.commit()
    return built, time.perf_counter() - started


def path_values(built: Built) -> dict[str, int]:
    """What the pages' paths name: the first set, its first participant and what is theirs."""
    return {
        "cohort_id": built.cohort_ids[0],
        "participant_id": built.participant_id,
        "reflection_id": built.reflection_id,
        "challenge_id": built.challenge_id,
        "meeting_id": built.draft_meeting_id,
    }


def bench_app(url: str, instance: Path) -> Any:
    return create_app(
        {
            "SECRET_KEY": "bench-secret",
            "DATABASE_URL": url,
            "INSTANCE_PATH": str(instance),
            "RATELIMIT_ENABLED": False,
            "BASE_URL": "http://127.0.0.1",
            # The benchmark times pages, not sign-in's second step: tutors sign in by password.
            "TWO_FACTOR_REQUIRED": False,
        }
    )


def start_server(
    url: str, instance: Path, port: int, workers: int = WORKERS, config: str = SHIPPED
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-secret",
        "INSTANCE_PATH": str(instance),
        "BASE_URL": f"http://127.0.0.1:{port}",
        "RATELIMIT_ENABLED": "false",
        "TWO_FACTOR_REQUIRED": "false",
        **SERVER_SETTINGS,
    }
    # The settings production ships (threads, connections a worker takes, the app made before
    # the workers), with the bench's number of workers and address.
    command = [
        str(ROOT / ".venv/bin/gunicorn"), "-c", f"python:{config}",
        "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
        "wsgi:app",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not start")


@dataclass
class Visitor:
    cookie: str
    token: str


def sign_in(base: str, email: str) -> Visitor:
    """Sign in as a browser would; the session cookie and a form token for its requests."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/sign-in").read().decode()
    token = TOKEN.search(page)
    assert token, "no form on the sign-in page"
    form = {"email": email, "password": demo.PASSWORD, "csrf_token": token.group(1)}
    opener.open(base + "/sign-in", data=urllib.parse.urlencode(form).encode())
    account = opener.open(base + "/account").read().decode()
    token = TOKEN.search(account)
    if token is None:
        raise RuntimeError(f"could not sign in as {email}")
    return Visitor("; ".join(f"{c.name}={c.value}" for c in jar), token.group(1))


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


@dataclass(frozen=True)
class Load:
    """What one wrk run found. A request that timed out has no latency, so a page whose every
    request timed out shows p50 0: its errors and timeouts say so."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    timeouts: int
    # CPU milliseconds per request finished: the gunicorn workers' and wrk's (0 when unknown).
    server_cpu_ms: float = 0.0
    wrk_cpu_ms: float = 0.0
    busiest_worker_share: float = 0.0

    @property
    def trouble(self) -> str:
        """The warning printed beside the page's row, empty when the run was clean."""
        if not self.requests:
            return " **no request answered**"
        if self.errors:
            return f" **{self.errors} errors ({self.timeouts} timeouts)**"
        return ""


SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


def parse_wrk(output: str) -> Load:
    """wrk's --latency output: errors are the non-2xx/3xx answers plus every socket error
    (connect, read, write and timeout)."""

    def found(pattern: str) -> str:
        match = re.search(pattern, output, re.MULTILINE)
        if match is None:
            raise ValueError(f"wrk printed no {pattern!r}:\n{output}")
        return match.group(1)

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = SOCKET_ERRORS.search(output)
    connect, read, write, timeout = (int(n) for n in sockets.groups()) if sockets else (0,) * 4
    return Load(
        requests_per_second=float(found(r"Requests/sec:\s+([\d.]+)")),
        p50_ms=_milliseconds(found(r"^\s+50%\s+(\S+)")),
        p99_ms=_milliseconds(found(r"^\s+99%\s+(\S+)")),
        requests=int(found(r"^\s+(\d+) requests in ")),
        errors=(int(non_2xx.group(1)) if non_2xx else 0) + connect + read + write + timeout,
        timeouts=timeout,
    )


def workers_cpu(master: int) -> dict[int, float]:
    """Each gunicorn worker's user and system CPU seconds so far (every thread of the process,
    SQLite's work in it included)."""
    spent: dict[int, float] = {}
    for pid in worker_pids(master):
        with suppress(FileNotFoundError):  # a worker that ended since it was listed
            spent[pid] = cpu_ms(pid) / 1000
    return spent


def ms_per_request(before: dict[int, float], after: dict[int, float], requests: int) -> float:
    """The workers' CPU between two readings, in milliseconds per request served. A worker that
    started between them counts from nothing; one that ended is not in `after`, and its CPU
    since `before` is lost (gunicorn replaces a worker only when one fails)."""
    if not requests:
        return 0.0
    spent = sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())
    return round(spent * 1000 / requests, 2)


def busiest_share(before: dict[int, float], after: dict[int, float]) -> float:
    """The busiest worker's share of the workers' CPU between two readings."""
    spent = [seconds - before.get(pid, 0.0) for pid, seconds in after.items()]
    return round(max(spent) / sum(spent), 2) if sum(spent) > 0 else 0.0


def children_cpu() -> float:
    """User and system CPU seconds of this process's children that ended (wrk's runs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(
    url: str,
    visitor: Visitor | None,
    page: Page,
    seconds: int,
    work: Path,
    connections: int = CONNECTIONS,
    master: int | None = None,
) -> Load:
    """Loads the page with wrk for the given seconds, over `connections` at once; given the
    gunicorn master, also the workers' and wrk's CPU per request."""
    command = wrk_command(url, visitor, page, seconds, connections, work / "post.lua")
    workers_before, wrk_before = workers_cpu(master) if master else {}, children_cpu()
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    wrk_spent = children_cpu() - wrk_before
    load = parse_wrk(output)
    if master is None or not load.requests:
        return load
    workers_after = workers_cpu(master)
    return replace(
        load,
        server_cpu_ms=ms_per_request(workers_before, workers_after, load.requests),
        wrk_cpu_ms=round(wrk_spent * 1000 / load.requests, 2),
        busiest_worker_share=busiest_share(workers_before, workers_after),
    )


def wrk_command(
    url: str, visitor: Visitor | None, page: Page, seconds: int, connections: int, script: Path
) -> list[str]:
    """wrk's command line for the page, as the visitor, for the given seconds over
    `connections` (a POST's body and form token go in the `script` written for it)."""
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if visitor:
        command += ["-H", f"Cookie: {visitor.cookie}"]
    if page.method == "POST":
        body = urllib.parse.urlencode(page.form or {}, doseq=True)
        script.write_text(
            'wrk.method = "POST"\n'
            f"wrk.body = {json.dumps(body)}\n"
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
            f'wrk.headers["X-CSRFToken"] = {json.dumps(visitor.token if visitor else "")}\n'
        )
        command += ["-s", str(script)]
    return [*command, url]


def _open(client: Any, token: str, page: Page, path: str) -> Any:
    if page.method == "POST":
        return client.post(path, data=page.form, headers={"X-CSRFToken": token})
    return client.get(path)


def signed_in_client(app: Any, email: str) -> Any:
    """An in-process client signed in as a browser would be, through the sign-in form."""
    client = app.test_client()
    token = TOKEN.search(client.get("/sign-in").get_data(as_text=True))
    assert token, "no form on the sign-in page"
    client.post(
        "/sign-in", data={"email": email, "password": demo.PASSWORD, "csrf_token": token.group(1)}
    )
    return client


def count_queries(url: str, instance: Path, pages: list[Page], paths: dict[str, str], who: dict):
    """How many statements one request of each page sends, on the same data, in-process."""
    app = bench_app(url, instance)
    counts: dict[str, int] = {}
    clients: dict[str, Any] = {}
    for role, email in who.items():
        client = signed_in_client(app, email)
        account = TOKEN.search(client.get("/account").get_data(as_text=True))
        assert account, f"{role} could not sign in"
        clients[role] = (client, account.group(1))
    anonymous = app.test_client()
    engine = database(app).engine
    sent: list[str] = []

    def record(*_args: Any) -> None:
        sent.append("")

    for page in pages:
        client, token = clients[page.role] if page.role else (anonymous, "")
        path = paths[page.name]

        assert _open(client, token, page, path).status_code < 400, f"{page.name}: {path}"
        event.listen(engine, "before_cursor_execute", record)
        try:
            sent.clear()
            _open(client, token, page, path)
            counts[page.name] = len(sent)
        finally:
            event.remove(engine, "before_cursor_execute", record)
    return counts


def reflections_of(url: str, instance: Path, email: str) -> list[int]:
    """This person's reflections, for the upload scenario."""
    app = bench_app(url, instance)
    with app.app_context(), database(app).sessions() as db:
        found = db.scalars(
            select(Reflection.id)
            .join(User, User.id == Reflection.author_id)
            .where(User.email == email, Reflection.deleted_at.is_(None))
            .order_by(Reflection.id)
        ).all()
    assert found, f"{email} has no reflection"
    return [int(reflection_id) for reflection_id in found]


def run_engine(engine: str, args: argparse.Namespace, scale: Scale) -> dict[str, Any]:
    instance = Path(tempfile.mkdtemp(prefix="learnset-bench-"))
    cluster = None
    if engine == "postgresql":
        from tests.postgres import start_cluster

        cluster = start_cluster()
        url = cluster.admin_url
    else:
        url = f"sqlite:///{instance / 'bench.db'}"
    server = None
    try:
        built, seconds = prepare(url, instance, scale)
        print(f"\n{engine}: built {scale.sets} sets in {seconds:.0f} s: {built.counts}", flush=True)
        values = path_values(built)
        who = {
            "participant": built.participant_emails[0],
            "tutor": built.tutor_emails[0],
            "admin": demo.ADMIN[0],
        }
        pages = [p for p in PAGES if not args.only or args.only in p.name or p.name == FLOOR]
        if args.upload_only:
            pages = [p for p in PAGES if p.name in UPLOAD_PAGES]
        paths = {page.name: page.path.format(**values) for page in pages}
        queries = count_queries(url, instance, pages, paths, who)
        port = 18000 + os.getpid() % 1000
        server = start_server(url, instance, port, config=GC_PROBE if args.gc_probe else SHIPPED)
        base = f"http://127.0.0.1:{port}"
        visitors = {role: sign_in(base, email) for role, email in who.items()}
        print(
            f"\n{engine}, gunicorn {WORKERS} gthread workers x {THREADS} threads, "
            f"wrk 2 threads {CONNECTIONS} connections"
            + ("" if args.upload_only else f", {args.seconds} s a page")
        )
        if not args.upload_only:
            print(
                "\n| page | requests/s | p50 ms | p99 ms | queries | share of floor | errors "
                "| alone: p50 / p99 ms | server CPU ms per request (alone) "
                "| wrk CPU ms per request | busiest worker's share of CPU |"
            )
            print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        results: list[Result] = []
        floor = 0.0
        for page in [] if args.upload_only else pages:
            visitor = visitors[page.role] if page.role else None
            workers = set(worker_pids(server.pid))
            if args.warm:
                # Every worker opens the page first, as on a server that has been up a while:
                # what a page keeps (the programme report is made once a release) is made then.
                measure(base + paths[page.name], visitor, page, args.warm, instance)
            load = measure(
                base + paths[page.name], visitor, page, args.seconds, instance, master=server.pid
            )
            # Requests wrk sent but left unanswered when it stopped are still served, and the
            # first request alone would wait behind those queued for a free thread.
            time.sleep(SETTLE_SECONDS)
            alone = (
                measure(base + paths[page.name], visitor, page, args.alone, instance, 1, server.pid)
                if args.alone
                else None
            )
            replaced = len(set(worker_pids(server.pid)) - workers)
            rate = load.requests_per_second
            if page.name == FLOOR:
                floor = rate
            result = Result(
                page.name,
                page.role or "anyone",
                page.method,
                page.path,
                round(rate, 1),
                load.p50_ms,
                load.p99_ms,
                queries[page.name],
                round(rate / floor, 3) if floor else 0.0,
                load.errors,
                load.timeouts,
                load.requests,
                alone.p50_ms if alone else 0.0,
                alone.p99_ms if alone else 0.0,
                load.server_cpu_ms,
                load.wrk_cpu_ms,
                alone.server_cpu_ms if alone else 0.0,
                load.busiest_worker_share,
                replaced,
            )
            results.append(result)
            print(
                f"| {page.name} | {rate:,.0f} | {load.p50_ms:.1f} | {load.p99_ms:.1f} | "
                f"{result.queries} | {result.share_of_floor:.2f} | {load.errors} | "
                f"{result.alone_p50_ms:.1f} / {result.alone_p99_ms:.1f} | "
                f"{result.server_cpu_ms:.1f} ({result.alone_server_cpu_ms:.1f}) | "
                f"{result.wrk_cpu_ms:.2f} | {result.busiest_worker_share:.2f} |"
                + load.trouble
                + (f" **{replaced} workers replaced**" if replaced else ""),
                flush=True,
            )
        report: dict[str, Any] = {
            "engine": engine,
            "build_seconds": round(seconds, 1),
            "rows": built.counts,
            "pages": [asdict(result) for result in results],
        }
        if args.upload_only or not args.only:
            report["upload"] = upload_scenario(
                args, scale, url, instance, built, server, base, visitors, pages, paths, cluster
            )
        return report
    finally:
        tear_down(server, cluster, instance)


def tear_down(server: subprocess.Popen[bytes] | None, cluster: Any, instance: Path) -> None:
    """Stop the bench's server and its PostgreSQL cluster (either may not have started), and
    remove the instance folder."""
    if server is not None:
        server.terminate()
        server.wait()
    if cluster is not None:
        cluster.stop()
    shutil.rmtree(instance, ignore_errors=True)


def upload_scenario(
    args: argparse.Namespace,
    scale: Scale,
    url: str,
    instance: Path,
    built: Built,
    server: subprocess.Popen[bytes],
    base: str,
    visitors: dict[str, Visitor],
    pages: list[Page],
    paths: dict[str, str],
    cluster: Any = None,
) -> dict[str, Any]:
    """A second participant uploads 10 MB files while the first one's pages are loaded."""
    email = built.participant_emails[1]
    uploader = Uploader(
        base,
        sign_in(base, email).cookie,
        reflections_of(url, instance, email),
        make_pdf(),
        link_bits_per_second=args.link_mbits * 1e6,
    )
    by_name = {page.name: page for page in pages}
    warmed: set[str] = set()

    def load(name: str, seconds: int) -> tuple[float, float, float, int]:
        page = by_name[name]
        visitor = visitors[page.role] if page.role else None
        if args.warm and args.upload_only and name not in warmed:
            # Every worker has opened the page before its first stretch is timed (in a full
            # run, the pages' own runs did it), so that stretch (one without uploads) is not a
            # cold one.
            measure(base + paths[name], visitor, page, args.warm, instance)
            warmed.add(name)
        load = measure(base + paths[name], visitor, page, seconds, instance)
        return load.requests_per_second, load.p50_ms, load.p99_ms, load.errors

    link = f"{args.link_mbits:g} Mbit/s link" if args.link_mbits else "unpaced loopback"
    rounds, seconds = args.upload_rounds, args.upload_seconds
    print(
        f"\nuploads of a 10 MB PDF beside the page load, one after another over a {link}; "
        f"each page loaded {seconds} s at a time, without and with uploads in turn, "
        f"{rounds} stretches with uploads between {rounds + 1} without"
    )
    return {
        "command": " ".join(["bench/run.py", *sys.argv[1:]]),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "sets": scale.sets,
        # PostgreSQL's server, whose CPU counts with the workers' (upload.py's accounting).
        **scenario(server.pid, uploader, load, rounds, seconds, postmaster_of(cluster)),
    }


def merge_upload(output: Path, report: dict[str, Any]) -> None:
    """--upload-only adds its figures to the results already written, engine by engine."""
    if not output.exists():
        output.write_text(json.dumps(report, indent=2) + "\n")
        return
    kept = json.loads(output.read_text())
    fresh = {entry["engine"]: entry["upload"] for entry in report["engines"]}
    for entry in kept["engines"]:
        if entry["engine"] in fresh:
            entry["upload"] = fresh.pop(entry["engine"])
    kept["engines"] += [{"engine": engine, "upload": found} for engine, found in fresh.items()]
    output.write_text(json.dumps(kept, indent=2) + "\n")


def installed_engines() -> list[str]:
    from tests.postgres import find_bin_dir

    if find_bin_dir() is None:
        print("PostgreSQL is not installed (apt-get install postgresql): SQLite only")
        return ["sqlite"]
    return ["sqlite", "postgresql"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument(
        "--warm",
        type=int,
        default=1,
        help="seconds of load on each page before it is measured, not counted (0: none)",
    )
    parser.add_argument(
        "--alone",
        type=int,
        default=1,
        help="seconds each page then has one connection alone, for its time to serve (0: not)",
    )
    parser.add_argument("--sets", type=int, default=Scale.sets)
    parser.add_argument("--only", help="measure only pages whose name contains this")
    parser.add_argument("--output", default=str(ROOT / "bench/results.json"))
    parser.add_argument(
        "--gc-probe",
        metavar="DIR",
        help="serve with bench/gc_probe.py's hooks, each worker's collections written to DIR",
    )
    parser.add_argument(
        "--upload-only",
        action="store_true",
        help="only the upload scenario; its figures are merged into the output file",
    )
    parser.add_argument(
        "--link-mbits",
        type=float,
        default=LINK_BITS_PER_SECOND / 1e6,
        help="the uploading participant's link to the server, Mbit/s (0: unpaced loopback)",
    )
    parser.add_argument(
        "--upload-rounds",
        type=int,
        default=ROUNDS,
        help="stretches with uploads for each page, each between two without",
    )
    parser.add_argument(
        "--upload-seconds",
        type=int,
        default=STRETCH_SECONDS,
        help="seconds of each stretch of the upload scenario, with uploads or without",
    )
    args = parser.parse_args()
    if args.gc_probe:
        Path(args.gc_probe).mkdir(parents=True, exist_ok=True)
        os.environ["GC_PROBE_DIR"] = str(Path(args.gc_probe).resolve())
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    engines = args.db or installed_engines()
    scale = Scale(sets=args.sets)
    report = {
        "command": " ".join(["bench/run.py", *sys.argv[1:]]),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "scale": asdict(scale),
        "server": f"gunicorn {WORKERS} gthread workers x {THREADS} threads",
        "load": f"wrk 2 threads, {CONNECTIONS} connections, {args.seconds} s a page; then "
        f"{args.alone} s over 1 connection for the latency alone",
        "engines": [run_engine(engine, args, scale) for engine in engines],
    }
    if args.gc_probe:
        print("\nThe collector in each worker (bench/gc_probe.py)")
        print(gc_probe.table(Path(args.gc_probe)))
    if args.output != "-" and args.upload_only:
        merge_upload(Path(args.output), report)
        print(f"\nAdded to {args.output}")
    elif args.output != "-":
        Path(args.output).write_text(json.dumps(report, indent=2) + "\n")
        print(f"\nWritten to {args.output}")


if __name__ == "__main__":
    main()
