"""The starter library and framework in content/ pass the sync and hang together."""

from pathlib import Path

import pytest
from sqlalchemy import select

from learnset import PROJECT_ROOT
from learnset.db import utcnow
from learnset.framework.models import LEADERSHIP_DIMENSIONS, Capability, CapabilityDomain
from learnset.library.models import ContentItem
from learnset.library.sync import read_content, sync_content

CONTENT = PROJECT_ROOT / "content"


@pytest.fixture
def report(db):
    report = sync_content(db, CONTENT, utcnow())
    db.commit()
    return report


def test_the_starter_content_passes_the_sync_with_at_least_25_items(db, report):
    items = db.scalars(select(ContentItem)).all()
    assert len(items) >= 25
    assert {item.kind for item in items} == {"theory", "exercise", "method"}
    assert all(item.archived_at is None for item in items)
    assert report.count("domain", "added") == 3
    assert report.count("capability", "added") == 18


def test_every_item_names_at_least_one_known_capability(db, report):
    known = set(db.scalars(select(Capability.slug)))
    for item in db.scalars(select(ContentItem)):
        assert item.capabilities, item.slug
        assert {capability.slug for capability in item.capabilities} <= known


def test_every_capability_is_developed_by_some_item(db, report):
    assert report.undeveloped == []
    developed = {c.slug for item in db.scalars(select(ContentItem)) for c in item.capabilities}
    assert developed == set(db.scalars(select(Capability.slug)))


def test_the_framework_has_three_domains_and_full_level_ladders(db, report):
    domains = db.scalars(select(CapabilityDomain).order_by(CapabilityDomain.position)).all()
    assert [d.slug for d in domains] == [
        "unlocking-conversations",
        "whole-system-working",
        "commissioning-for-outcomes",
    ]
    for capability in db.scalars(select(Capability)):
        assert sorted(capability.levels) == ["1", "2", "3", "4", "5"], capability.slug
        assert all(text and not text.endswith("\n") for text in capability.levels.values())
        assert set(capability.leadership_dimensions) <= set(LEADERSHIP_DIMENSIONS)


def test_the_five_method_cards_are_there():
    slugs = {item.slug for item in read_content(CONTENT).items if item.kind == "method"}
    assert slugs == {"open-space", "world-cafe", "future-search", "open-negotiation",
                     "open-simulation"}  # fmt: skip


def test_the_readme_is_documentation_not_content():
    assert (CONTENT / "README.md").exists()
    paths = {item.source_path for item in read_content(CONTENT).items}
    assert "README.md" not in paths
    assert all(Path(path).parts[0] in {"theory", "exercises", "methods"} for path in paths)
