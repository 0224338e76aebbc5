"""Serve Learnset with gunicorn on seeded data and measure each page with wrk.

Usage: .venv/bin/python bench/run.py [--db sqlite|postgresql] [--seconds 10] [--cohorts 40]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import PAGES  # noqa: E402
from bench.seed import seed  # noqa: E402
from learnset import create_app, migrate  # noqa: E402
from learnset.db import database  # noqa: E402

ACCOUNTS = {
    "participant": "participant1@example.org",
    "tutor": "tutor1@example.org",
    "admin": "admin@example.org",
}


def prepare_database(url: str, cohorts: int, instance: Path) -> dict[str, object]:
    migrate.upgrade(url)
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url, "INSTANCE_PATH": str(instance)})
    with app.app_context():
        sync = app.cli.commands.get("content")
        if sync is not None:
            app.test_cli_runner().invoke(args=["content", "sync"])
        with database(app).sessions() as session:
            values = seed(session, cohorts)
            session.commit()
    return values


def start_server(url: str, instance: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-secret",
        "INSTANCE_PATH": str(instance),
        "BASE_URL": f"http://127.0.0.1:{port}",
        "RATELIMIT_ENABLED": "false",
        # A worker that crashes in C code (a driver, a parser) leaves a Python traceback.
        "PYTHONFAULTHANDLER": "1",
    }
    command = [
        str(ROOT / ".venv/bin/gunicorn"), "--workers", "2", "--threads", "4",
        "--worker-class", "gthread", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
        "wsgi:app",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def session_cookie(base: str, email: str, password: str) -> str:
    """Sign in as a browser would and return the session cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/sign-in").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
    opener.open(base + "/sign-in", data=form.encode())
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookies:
        raise RuntimeError(f"could not sign in as {email}")
    return cookies


def measure(url: str, cookie: str | None, seconds: int) -> tuple[float, str, str]:
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses")
    return rate, p50, p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--cohorts", type=int, default=40)
    parser.add_argument("--only", help="measure only pages whose name contains this")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    instance = Path(tempfile.mkdtemp(prefix="learnset-bench-"))
    cluster = None
    if args.db == "postgresql":
        from tests.postgres import start_cluster

        cluster = start_cluster()
        url = cluster.admin_url
    else:
        url = f"sqlite:///{instance / 'bench.db'}"
    port = 18000 + os.getpid() % 1000
    server = None
    try:
        started = time.perf_counter()
        values = prepare_database(url, args.cohorts, instance)
        print(f"Seeded {args.cohorts} extra cohorts in {time.perf_counter() - started:.1f} s")
        server = start_server(url, instance, port)
        base = f"http://127.0.0.1:{port}"
        from learnset.demo import PASSWORD

        cookies = {role: session_cookie(base, email, PASSWORD) for role, email in ACCOUNTS.items()}
        print(f"\n{args.db}, gunicorn 2 gthread workers x 4 threads, wrk 2 threads 16 connections, "
              f"{args.seconds} s a page\n")  # fmt: skip
        print("| page | requests/s | p50 | p99 |")
        print("| --- | ---: | ---: | ---: |")
        for name, role, path in PAGES:
            if args.only and args.only not in name:
                continue
            rate, p50, p99 = measure(
                base + path.format(**values), cookies.get(role) if role else None, args.seconds
            )
            print(f"| {name} | {rate:,.0f} | {p50} | {p99} |", flush=True)
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
