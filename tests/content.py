"""A small content folder written into tmp_path, for the sync tests of the library and of the
capability framework to change and break."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset.framework.models import Capability, CapabilityDomain
from learnset.library.models import ContentItem, content_item_capabilities
from learnset.library.sync import sync_content

# Three syncs, a month apart.
FIRST = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SECOND = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
THIRD = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)

FOLDERS = {
    "theory": "theory",
    "exercise": "exercises",
    "method": "methods",
    "case-study": "case-studies",
}


def levels(name: str) -> dict[int, str]:
    return {level: f"Level {level} of {name}." for level in range(1, 6)}


def evidence(name: str) -> dict[int, list[str]]:
    return {level: [f"Something to show for level {level} of {name}."] for level in range(1, 6)}


def capability(slug: str, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "slug": slug,
        "name": slug.replace("-", " ").capitalize(),
        "description": f"What {slug} means.",
        "leadership_dimensions": ["Engaging the team"],
        "levels": levels(slug),
        "evidence": evidence(slug),
    }
    values.update(overrides)
    return values


def domain(slug: str, capabilities: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "slug": slug,
        "name": slug.replace("-", " ").capitalize(),
        "position": 1,
        "description": f"What the {slug} domain is about.",
        "capabilities": capabilities,
    }
    values.update(overrides)
    return values


def write_domain(root: Path, filename: str, data: dict[str, Any]) -> Path:
    path = root / "framework" / filename
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def item_text(
    slug: str,
    kind: str = "theory",
    body: str = "## A heading\n\nSome words about it.",
    **front: Any,
) -> str:
    values: dict[str, Any] = {
        "slug": slug,
        "kind": kind,
        "title": slug.replace("-", " ").capitalize(),
        "summary": f"What {slug} is about.",
        "minutes": 20,
        "capabilities": ["listening"],
        "sources": ["Someone (2020) A book about it"],
    }
    values.update(front)
    values = {key: value for key, value in values.items() if value is not None}
    return f"---\n{yaml.safe_dump(values, sort_keys=False)}---\n{body}\n"


def write_item(root: Path, slug: str, kind: str = "theory", **options: Any) -> Path:
    path = root / FOLDERS[kind] / f"{slug}.md"
    path.write_text(item_text(slug, kind, **options))
    return path


def write_raw(root: Path, relative: str, text: str | bytes) -> Path:
    path = root / relative
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def make_content(root: Path) -> Path:
    """Five folders: one domain of two capabilities, and an item of each kind but case studies
    (their folder starts empty)."""
    for folder in ("framework", *FOLDERS.values()):
        (root / folder).mkdir(parents=True, exist_ok=True)
    write_domain(
        root,
        "1-conversations.yaml",
        domain("conversations", [capability("listening"), capability("using-data")]),
    )
    write_item(root, "lenses", "theory", capabilities=["listening", "using-data"])
    write_item(root, "paired-listening", "exercise", minutes=30)
    write_item(root, "world-cafe", "method", capabilities=["using-data"], minutes=35)
    return root


def snapshot(db: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row the sync can touch, to compare before and after."""
    tables = {
        "domains": CapabilityDomain.__table__,
        "capabilities": Capability.__table__,
        "items": ContentItem.__table__,
        "links": content_item_capabilities,
    }
    return {
        name: sorted(tuple(row) for row in db.execute(select(table)).all())
        for name, table in tables.items()
    }


def synced(db: Session, root: Path, now: datetime) -> Any:
    """Sync the folder and commit, as `flask content sync` does; its report."""
    report = sync_content(db, root, now)
    db.commit()
    return report


def synced_by_command(tmp_path: Path, root: Path) -> tuple[Flask, FlaskCliRunner]:
    """An app on a SQLite file of its own, migrated by `flask db upgrade`, with the folder
    `root` loaded by `flask content sync`; and the runner, to run the commands again."""
    from tests.apps import fresh_app

    app = fresh_app(tmp_path, CONTENT_DIR=str(root))
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["content", "sync"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    return app, runner


def stored(db: Session, model: Any, slug: str) -> Any:
    """The row of `model` with that slug, as the database holds it now."""
    db.expire_all()
    return db.scalar(select(model).where(model.slug == slug))
