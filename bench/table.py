"""Print the README's "Performance" tables from bench/results.json, as Markdown.

    .venv/bin/python bench/table.py [bench/results.json]

The prose around the tables (where the figures stand against the targets) is written by hand.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

TIMES = "\u00d7"  # the multiplication sign, as the README writes "12 by 24"

ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def number(value: float) -> str:
    """Whole numbers with thousands separators, as the README writes rates."""
    return f"{round(value):,}"


def errors(page: dict[str, Any]) -> str:
    if not page["errors"]:
        return "0"
    timeouts = page.get("timeouts") or 0
    return f"{page['errors']} ({timeouts} timeouts)" if timeouts else str(page["errors"])


def page_cells(page: dict[str, Any]) -> list[str]:
    return [
        number(page["requests_per_second"]),
        f"{round(page['p50_ms'])} / {round(page['p99_ms'])}",
        f"{round(page['alone_p50_ms'])} / {round(page['alone_p99_ms'])}",
        f"{page['server_cpu_ms']:.1f}",
        str(page["queries"]),
        f"{page['share_of_floor']:.2f}",
        errors(page),
    ]


def pages_table(engines: list[dict[str, Any]]) -> list[str]:
    by_engine = {engine["engine"]: {p["page"]: p for p in engine["pages"]} for engine in engines}
    sqlite = by_engine.get("sqlite", {})
    postgresql = by_engine.get("postgresql", {})
    head = (
        "| page | SQLite req/s | p50 / p99 ms | alone: p50 / p99 ms | server CPU ms a request "
        "| queries | share of floor | errors | PostgreSQL req/s | p50 / p99 ms "
        "| alone: p50 / p99 ms | app's CPU ms a request | queries | share of floor | errors |"
    )
    lines = [head, "| --- |" + " ---: |" * 14]
    for name in sqlite or postgresql:
        cells = [name]
        for pages in (sqlite, postgresql):
            cells += page_cells(pages[name]) if name in pages else ["-"] * 7
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def uploads_table(engines: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| engine | uploads a second | pages' throughput with uploads over without, "
        "worst / mean | each page (sign-in, home, reflections, a reflection) "
        "| workers' memory an upload |",
        "| --- | ---: | ---: | --- | ---: |",
    ]
    for engine in engines:
        upload = engine.get("upload")
        if not upload:
            continue
        ratios = [page["ratio"] for page in upload["pages"]]
        memory = upload["rss_growth_bytes_per_upload"] / 1e6
        lines.append(
            f"| {ENGINES[engine['engine']]} "
            f"| {upload['uploads_per_second']:.2f} "
            f"| {upload['worst_ratio']:.2f} / {upload['mean_ratio']:.2f} "
            f"| {', '.join(f'{ratio:.2f}' for ratio in ratios)} "
            f"| {memory:+.2f} MB |"
        )
    return lines


def growth_table(growth: dict[str, list[dict[str, Any]]]) -> list[str]:
    lines = [
        f"| participants {TIMES} months | release ms (SQLite / PG) | dashboard ms "
        "| dashboard queries | results ms | results queries |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    sqlite = growth.get("sqlite", [])
    postgresql = {(s["participants"], s["months"]): s for s in growth.get("postgresql", [])}

    def pair(step: dict[str, Any], other: dict[str, Any] | None, key: str) -> str:
        return f"{round(step[key])} / {'-' if other is None else round(other[key])}"

    for step in sqlite:
        other = postgresql.get((step["participants"], step["months"]))
        cells = [
            f"{step['participants']} {TIMES} {step['months']}",
            pair(step, other, "release_ms"),
            pair(step, other, "dashboard_ms"),
            pair(step, other, "dashboard_queries"),
            pair(step, other, "results_ms"),
            pair(step, other, "results_queries"),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main(path: str = "bench/results.json") -> None:
    results = json.loads(Path(path).read_text())
    engines = results["engines"]
    built = " and ".join(
        f"{round(engine['build_seconds'])} s on {ENGINES[engine['engine']]}" for engine in engines
    )
    print("\n".join(pages_table(engines)))
    print(f"\nBuilt in {built}. {results['when']}, {results['machine']}, {results['server']}.")
    print()
    print("\n".join(uploads_table(engines)))
    print()
    print("\n".join(growth_table(results.get("growth", {}))))


if __name__ == "__main__":
    main(*sys.argv[1:])
