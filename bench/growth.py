"""How the cohort dashboard and a participant's results grow with the size and age of a set.

For learning sets of 6, 12, 50 and 200 participants with 1, 12 and 24 months of history (each
built by national.py, two reflections and a check-in a month), it measures in-process, on one
database: releasing the set's figures (where the dashboard's work is done, once a round), the
tutor's dashboard, and a participant's capabilities page with its charts: the median time of
several requests and the queries one request sends. The times should grow no faster than
participants x months; the query counts should not grow at all.

Usage: .venv/bin/python bench/growth.py [--db sqlite|postgresql] [--output bench/results.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, event, select  # noqa: E402

from bench.national import Scale, build  # noqa: E402
from bench.run import bench_app, installed_engines, signed_in_client  # noqa: E402
from learnset import demo, migrate  # noqa: E402
from learnset.accounts.services import hash_password  # noqa: E402
from learnset.assessment.models import FigureRelease  # noqa: E402
from learnset.cohorts.models import Cohort  # noqa: E402
from learnset.dashboards import releases  # noqa: E402
from learnset.db import database, utcnow  # noqa: E402
from learnset.framework.queries import current_framework  # noqa: E402

PARTICIPANTS = (6, 12, 50, 200)
MONTHS = (1, 12, 24)
REPEATS = 5


def _timed(action: Any) -> tuple[float, int]:
    """The median milliseconds of `action` over REPEATS runs, and the statements one sends."""
    action()  # warm: compiled statements, templates
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), _statements(action)


COUNTER: list[int] = [0]


def _statements(action: Any) -> int:
    COUNTER[0] = 0
    action()
    return COUNTER[0]


def run(engine: str) -> list[dict[str, Any]]:
    instance = Path(tempfile.mkdtemp(prefix="learnset-growth-"))
    cluster = None
    if engine == "postgresql":
        from tests.postgres import start_cluster

        cluster = start_cluster()
        url = cluster.admin_url
    else:
        url = f"sqlite:///{instance / 'growth.db'}"
    try:
        migrate.upgrade(url)
        app = bench_app(url, instance)
        steps = []
        with app.app_context():
            assert app.test_cli_runner().invoke(args=["content", "sync"]).exit_code == 0
            with database(app).writer_sessions() as db:
                password = hash_password(demo.PASSWORD, "scrypt:1024:8:1")
                for participants in PARTICIPANTS:
                    for months in MONTHS:
                        scale = Scale(
                            sets=1,
                            participants=participants,
                            months=months,
                            reflections=2 * months,
                            check_ins=months,
                            updates=min(12, 2 * months),
                            name=f"Growth {participants}x{months}",
                        )
                        steps.append((scale, build(db, scale, password, utcnow())))
                db.commit()

        def count(*_args: Any) -> None:
            COUNTER[0] += 1

        event.listen(database(app).engine, "before_cursor_execute", count)
        results = []
        print(f"\n{engine}: growth of one set\n")
        print(
            "| participants | months | release ms | dashboard ms | queries | results ms | queries |"
        )
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for scale, built in steps:
            cohort_id = built.cohort_ids[0]
            tutor = signed_in_client(app, built.tutor_emails[0])
            participant = signed_in_client(app, built.participant_emails[0])

            def release(cohort_id: int = cohort_id) -> None:
                with app.app_context(), database(app).writer_sessions() as db:
                    db.execute(delete(FigureRelease).where(FigureRelease.cohort_id == cohort_id))
                    cohort = db.scalar(select(Cohort).where(Cohort.id == cohort_id))
                    assert cohort is not None
                    made = releases.release(
                        db, cohort, current_framework(db), utcnow(),
                        releases.ReleaseReason.TUTOR,
                    )  # fmt: skip
                    assert made is not None
                    db.commit()

            release_ms, _ = _timed(release)
            dashboard_ms, dashboard_queries = _timed(
                lambda tutor=tutor, cohort_id=cohort_id: _ok(
                    tutor.get(f"/cohorts/{cohort_id}/dashboard")
                )
            )
            results_ms, results_queries = _timed(
                lambda participant=participant, cohort_id=cohort_id: _ok(
                    participant.get(f"/cohorts/{cohort_id}/capabilities")
                )
            )
            step = {
                "participants": scale.participants,
                "months": scale.months,
                "release_ms": round(release_ms, 1),
                "dashboard_ms": round(dashboard_ms, 1),
                "dashboard_queries": dashboard_queries,
                "results_ms": round(results_ms, 1),
                "results_queries": results_queries,
            }
            results.append(step)
            print(
                f"| {scale.participants} | {scale.months} | {release_ms:.1f} | "
                f"{dashboard_ms:.1f} | {dashboard_queries} | {results_ms:.1f} | "
                f"{results_queries} |",
                flush=True,
            )
        return results
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(instance, ignore_errors=True)


def _ok(response: Any) -> None:
    assert response.status_code == 200, response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--output", default=str(ROOT / "bench/results.json"))
    args = parser.parse_args()
    growth = {engine: run(engine) for engine in args.db or installed_engines()}
    if args.output != "-":
        path = Path(args.output)
        report = json.loads(path.read_text()) if path.exists() else {}
        report["growth"] = growth
        path.write_text(json.dumps(report, indent=2) + "\n")
        print(f"\nWritten to {args.output}")


if __name__ == "__main__":
    main()
