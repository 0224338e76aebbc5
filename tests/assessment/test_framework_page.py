"""The framework page: domains, capabilities, level descriptors, dimensions, library items."""

import pytest

from learnset.assessment.framework_page import capabilities_by_dimension, framework_overview
from learnset.db import utcnow
from tests import factories


@pytest.fixture
def framework(db):
    conversations = factories.make_domain(
        db,
        slug="unlocking-conversations",
        name="Unlocking conversations",
        description="Commissioning changes one conversation at a time.",
        position=1,
    )
    systems = factories.make_domain(
        db, slug="whole-system-working", name="Whole-system working", position=2
    )
    listening = factories.make_capability(
        db,
        conversations,
        slug="listening",
        name="Listening across boundaries",
        description="Curious about how the work looks from the other chair.",
        position=1,
        leadership_dimensions=["Connecting our service", "Engaging the team"],
        levels={str(n): f"Listening at level {n}." for n in range(1, 6)},
        level_evidence={
            **{str(n): [f"A listening note at level {n}"] for n in range(1, 5)},
            "5": ["A colleague's account of my coaching", "A network I set up"],
        },
    )
    convening = factories.make_capability(
        db,
        systems,
        slug="convening",
        name="Convening the system",
        position=1,
        leadership_dimensions=["Inspiring shared purpose"],
    )
    factories.make_capability(db, conversations, slug="spare", name="Nobody teaches this")
    factories.make_capability(
        db, conversations, slug="retired", name="A retired capability", archived_at=utcnow()
    )
    factories.make_content_item(
        db, [listening], slug="lenses", kind="theory", title="The unlocking lens"
    )
    factories.make_content_item(
        db, [listening, convening], slug="world-cafe", kind="method", title="World Café"
    )
    factories.make_content_item(
        db, [listening], slug="old", title="An archived module", archived_at=utcnow()
    )
    db.commit()


def test_the_overview_groups_capabilities_and_their_items_in_one_query(
    db, framework, count_queries
):
    with count_queries() as statements:
        overview = framework_overview(db)
    assert len(statements) == 1
    assert [d.domain.slug for d in overview] == ["unlocking-conversations", "whole-system-working"]
    first = overview[0].capabilities
    assert [c.capability.slug for c in first] == ["listening", "spare"]
    assert [item.slug for item in first[0].items] == ["lenses", "world-cafe"]
    assert first[1].items == []
    assert [item.slug for item in overview[1].capabilities[0].items] == ["world-cafe"]


def test_capabilities_are_indexed_by_leadership_dimension(db, framework):
    by_dimension = dict(capabilities_by_dimension(framework_overview(db)))
    assert len(by_dimension) == 9
    assert [c.slug for c in by_dimension["Engaging the team"]] == ["listening", "spare"]
    assert [c.slug for c in by_dimension["Inspiring shared purpose"]] == ["convening"]
    assert by_dimension["Holding to account"] == []


def test_the_page_shows_the_whole_framework(login, people, framework):
    html = login(people.participant).get("/framework").get_data(as_text=True)
    assert "<h1>Capability framework</h1>" in html
    assert '<h2 id="unlocking-conversations"' in html
    assert "Commissioning changes one conversation at a time." in html
    assert '<h3 id="listening"' in html
    assert "Curious about how the work looks from the other chair." in html
    for level in range(1, 6):
        assert f"Listening at level {level}." in html
    # Each level's examples of evidence sit beside its descriptor (issue 17, item 5).
    assert "Evidence you could point to" in html
    assert "<li>A listening note at level 3</li>" in html
    assert "<li>A colleague&#39;s account of my coaching</li><li>A network I set up</li>" in html
    assert "Connecting our service, Engaging the team" in html
    assert 'href="/library/lenses"' in html
    assert 'href="/library/world-cafe"' in html
    assert "Nothing in the library develops this yet." in html
    assert "An archived module" not in html
    assert "A retired capability" not in html
    assert "Reading it with the Healthcare Leadership Model" in html


def test_an_unloaded_framework_says_so(login, people):
    html = login(people.participant).get("/framework").get_data(as_text=True)
    assert "The capability framework has not been loaded yet." in html


def test_the_page_makes_the_same_number_of_queries_however_big_the_framework(
    db, login, people, framework, count_queries
):
    browser = login(people.tutor)
    browser.get("/framework")
    with count_queries() as few:
        browser.get("/framework")
    domain = factories.make_domain(db)
    capabilities = [factories.make_capability(db, domain) for _ in range(10)]
    for _ in range(30):
        factories.make_content_item(db, capabilities[:3])
    db.commit()
    with count_queries() as many:
        html = browser.get("/framework").get_data(as_text=True)
    assert html.count("<h3 id=") == 13
    assert len(many) == len(few)
