"""flask content sync, flask init (migrations, then the sync) and flask demo without a library."""

from sqlalchemy import func, select

from learnset.cohorts.models import Cohort
from learnset.db import database
from learnset.library.models import ContentItem
from tests.apps import fresh_app
from tests.content import snapshot, synced_by_command, write_item, write_raw


def _items(app):
    with database(app).sessions() as session:
        return session.scalar(select(func.count()).select_from(ContentItem))


def test_init_migrates_then_loads_the_starter_content(tmp_path):
    app = fresh_app(tmp_path)
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "Database is up to date." in result.output
    assert "Theory modules: 20 added." in result.output
    assert "Case studies: 4 added." in result.output
    assert _items(app) >= 25


def test_sync_prints_a_summary_per_kind(tmp_path, content):
    app = fresh_app(tmp_path, CONTENT_DIR=str(content))
    runner = app.test_cli_runner()
    runner.invoke(args=["db", "upgrade"])
    first = runner.invoke(args=["content", "sync"])
    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == [
        f"Content synced from {content}:",
        "  Capability domains: 1 added.",
        "  Capabilities: 2 added.",
        "  Theory modules: 1 added.",
        "  Practice exercises: 1 added.",
        "  Method cards: 1 added.",
        "  Case studies: none.",
    ]
    write_item(content, "lenses", title="Changed")
    (content / "methods" / "world-cafe.md").unlink()
    second = runner.invoke(args=["content", "sync"])
    assert "  Theory modules: 1 updated." in second.output
    assert "  Method cards: 1 archived." in second.output
    assert "  Practice exercises: 1 unchanged." in second.output


def test_a_broken_file_exits_non_zero_names_the_file_and_changes_nothing(tmp_path, content):
    app, runner = synced_by_command(tmp_path, content)
    with database(app).sessions() as session:
        before = snapshot(session)
    write_item(content, "new-module")
    write_raw(content, "theory/broken.md", "---\nslug: broken\nkind: lecture\n---\nBody\n")
    result = runner.invoke(args=["content", "sync"])
    assert result.exit_code == 1
    assert "The content was not synced" in result.output
    assert "Nothing was changed." in result.output
    assert "theory/broken.md: 'kind' must be one of theory, exercise, method" in result.output
    with database(app).sessions() as session:
        assert snapshot(session) == before


def test_dry_run_reports_but_changes_nothing(tmp_path, content):
    app = fresh_app(tmp_path, CONTENT_DIR=str(content))
    runner = app.test_cli_runner()
    runner.invoke(args=["db", "upgrade"])
    result = runner.invoke(args=["content", "sync", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "nothing was changed" in result.output
    assert "Theory modules: 1 added." in result.output
    assert _items(app) == 0


def test_demo_does_not_need_the_library(tmp_path):
    app = fresh_app(tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["db", "upgrade"])
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert _items(app) == 0
    with database(app).sessions() as session:
        assert session.scalar(select(func.count()).select_from(Cohort)) == 2
