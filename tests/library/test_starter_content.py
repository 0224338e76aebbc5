"""The starter library and framework in content/ pass the sync and hang together."""

from pathlib import Path

import pytest
from sqlalchemy import select

from learnset import PROJECT_ROOT
from learnset.db import utcnow
from learnset.framework.models import LEADERSHIP_DIMENSIONS, Capability, CapabilityDomain
from learnset.library.coverage import check_coverage, tally
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
    assert {item.kind for item in items} == {"theory", "exercise", "method", "case-study"}
    assert all(item.archived_at is None for item in items)
    assert report.count("domain", "added") == 3
    assert report.count("capability", "added") == 21


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
    assert all(
        Path(path).parts[0] in {"theory", "exercises", "methods", "case-studies"} for path in paths
    )


def test_every_item_credits_its_sources():
    for item in read_content(CONTENT).items:
        assert item.sources, item.slug
        assert all(source.strip() for source in item.sources), item.slug


def test_every_capability_has_evidence_examples_for_each_level(db, report):
    for capability in db.scalars(select(Capability)):
        assert sorted(capability.level_evidence) == ["1", "2", "3", "4", "5"], capability.slug
        assert all(1 <= len(examples) <= 2 for examples in capability.level_evidence.values())


def test_no_two_capabilities_start_a_level_the_same_way(db, report):
    """Level descriptors describe each capability's own behaviour, not one formula for all."""
    capabilities = db.scalars(select(Capability)).all()
    for level in map(str, range(1, 6)):
        openings = [" ".join(c.levels[level].split()[:4]).lower() for c in capabilities]
        assert len(set(openings)) == len(openings), (level, sorted(openings))


def test_the_new_capabilities_are_in_the_outcomes_domain(db, report):
    outcomes = db.scalar(
        select(CapabilityDomain).where(CapabilityDomain.slug == "commissioning-for-outcomes")
    )
    assert [c.slug for c in outcomes.capabilities][-3:] == [
        "securing-gains",
        "money-and-value",
        "reducing-inequalities",
    ]


def test_the_new_library_items_are_there():
    slugs = {item.slug: item.kind for item in read_content(CONTENT).items}
    for slug in (
        "co-production-with-people-who-use-services",
        "decommissioning-and-disinvestment",
        "market-shaping-and-social-value",
        "credibility-and-influence-with-clinicians",
        "integrated-care-systems-primer",
        "a-short-history-of-commissioning",
    ):
        assert slugs[slug] == "theory"
    case_studies = [slug for slug, kind in slugs.items() if kind == "case-study"]
    assert 3 <= len(case_studies) <= 5


def test_each_case_study_says_it_is_a_composite_and_asks_the_set_questions():
    for item in read_content(CONTENT).items:
        if item.kind == "case-study":
            assert item.body.startswith("*This is a composite case study."), item.slug
            assert "## Questions for the set" in item.body, item.slug


@pytest.mark.parametrize(
    ("slug", "facts"),
    [
        ("future-search", ["16 hours", "60 to 80 people", "whole system in the room"]),
        ("complexity-and-chaos", ["| Clear |", "| Complicated |", "| Complex |", "| Chaotic |",
                                  "| Confusion |"]),
        ("action-learning-and-the-set", ["L = P + Q", "coal", "hospitals"]),
        ("a-short-history-of-commissioning", ["Audit Commission", "2003"]),
    ],
)  # fmt: skip
def test_corrected_facts_stay_corrected(slug, facts):
    body = next(item.body for item in read_content(CONTENT).items if item.slug == slug)
    assert all(fact in body for fact in facts), slug


def test_the_coverage_file_names_only_real_items_and_counts_its_ideas():
    problems = []
    slugs = {item.slug for item in read_content(CONTENT).items}
    ideas = check_coverage(CONTENT, slugs, problems)
    assert problems == []
    assert len(ideas) >= 74
    assert sum(tally(ideas).values()) == len(ideas)


def test_no_library_item_draws_a_table_with_an_empty_header_cell(db, report):
    # axe fails a page whose table has a header cell with nothing in it (issue 21, item 6).
    import re

    from learnset.markdown import render

    empty = re.compile(r"<th[^>]*>\s*</th>")
    for item in db.scalars(select(ContentItem)):
        assert not empty.search(str(render(item.body))), item.slug
