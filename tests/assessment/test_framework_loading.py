"""The capability framework loads from content/framework/ with the content sync."""

import pytest

from learnset.content import ContentError
from learnset.framework.models import Capability, CapabilityDomain
from learnset.library.sync import sync_content
from tests.content import (
    FIRST,
    SECOND,
    THIRD,
    capability,
    domain,
    evidence,
    levels,
    snapshot,
    stored,
    synced,
    write_domain,
    write_item,
    write_raw,
)

FILE = "framework/1-conversations.yaml"


def _write_conversations(content, capabilities, **overrides):
    write_domain(
        content, "1-conversations.yaml", domain("conversations", capabilities, **overrides)
    )


def test_domains_and_capabilities_load_in_order_with_levels_and_dimensions(db, content):
    text = (
        "slug: systems\nname: Whole-system working\nposition: 2\ndescription: >\n"
        "  Folded over\n  two lines.\ncapabilities:\n"
        "  - slug: holding-complexity\n    name: Holding complexity\n    description: >\n"
        "      Staying with it.\n"
        "    leadership_dimensions: [Evaluating information, Sharing the vision]\n"
        "    levels:\n"
        + "".join(f"      {n}: >\n        Level {n} words.\n" for n in range(1, 6))
        + "    evidence:\n"
        + "".join(f"      {n}:\n        - A note at level {n}\n" for n in range(1, 6))
        + "        - A colleague's account\n"
    )
    write_raw(content, "framework/2-systems.yaml", text)
    report = synced(db, content, FIRST)
    assert report.count("domain", "added") == 2
    assert report.count("capability", "added") == 3
    systems = stored(db, CapabilityDomain, "systems")
    assert systems.name == "Whole-system working"
    assert systems.position == 2
    assert systems.description == "Folded over two lines."
    holding = stored(db, Capability, "holding-complexity")
    assert holding.domain == systems
    assert holding.description == "Staying with it."
    assert holding.leadership_dimensions == ["Evaluating information", "Sharing the vision"]
    assert holding.levels == {str(n): f"Level {n} words." for n in range(1, 6)}
    assert holding.level_descriptor(3) == "Level 3 words."
    assert holding.evidence_examples(3) == ["A note at level 3"]
    assert holding.evidence_examples(5) == ["A note at level 5", "A colleague's account"]
    conversations = stored(db, CapabilityDomain, "conversations")
    assert [c.slug for c in conversations.capabilities] == ["listening", "using-data"]


def test_changed_words_keep_the_capability_id(db, content):
    synced(db, content, FIRST)
    original = stored(db, Capability, "listening").id
    _write_conversations(
        content,
        [
            capability("using-data"),
            capability("listening", name="Listening deeply", levels=levels("deep listening")),
        ],
    )
    report = synced(db, content, SECOND)
    listening = stored(db, Capability, "listening")
    assert listening.id == original
    assert listening.name == "Listening deeply"
    assert listening.position == 2
    assert listening.level_descriptor(1) == "Level 1 of deep listening."
    assert report.count("capability", "updated") == 2  # both moved position
    assert report.count("domain", "unchanged") == 1


def test_a_capability_can_move_to_another_domain(db, content):
    synced(db, content, FIRST)
    original = stored(db, Capability, "using-data").id
    _write_conversations(content, [capability("listening")])
    write_domain(
        content, "2-evidence.yaml", domain("evidence", [capability("using-data")], position=2)
    )
    synced(db, content, SECOND)
    using_data = stored(db, Capability, "using-data")
    assert using_data.id == original
    assert using_data.domain.slug == "evidence"
    assert using_data.archived_at is None


def test_a_removed_capability_is_archived_and_restored_when_it_returns(db, content):
    write_domain(content, "2-evidence.yaml", domain("evidence", [capability("spare")]))
    synced(db, content, FIRST)
    original = stored(db, Capability, "spare").id
    (content / "framework" / "2-evidence.yaml").unlink()
    report = synced(db, content, SECOND)
    assert stored(db, Capability, "spare").archived_at == SECOND
    assert stored(db, CapabilityDomain, "evidence").archived_at == SECOND
    assert report.count("capability", "archived") == 1
    assert report.count("domain", "archived") == 1
    write_domain(content, "2-evidence.yaml", domain("evidence", [capability("spare")]))
    report = synced(db, content, THIRD)
    assert stored(db, Capability, "spare").id == original
    assert stored(db, Capability, "spare").archived_at is None
    assert stored(db, CapabilityDomain, "evidence").archived_at is None
    assert report.count("capability", "restored") == 1


def test_items_are_checked_against_the_framework_loaded_in_the_same_run(db, content):
    synced(db, content, FIRST)
    _write_conversations(
        content, [capability("listening"), capability("using-data"), capability("new-skill")]
    )
    write_item(content, "new-module", capabilities=["new-skill"])
    synced(db, content, SECOND)
    db.expire_all()
    assert stored(db, Capability, "new-skill") is not None


def test_removing_a_capability_an_item_still_names_is_refused(db, content):
    synced(db, content, FIRST)
    before = snapshot(db)
    _write_conversations(content, [capability("listening")])
    with pytest.raises(ContentError) as raised:
        sync_content(db, content, SECOND)
    assert sorted(str(p) for p in raised.value.problems) == [
        "methods/world-cafe.md: unknown capability 'using-data' (it is not in the framework)",
        "theory/lenses.md: unknown capability 'using-data' (it is not in the framework)",
    ]
    db.rollback()
    assert snapshot(db) == before


def _without(data, key):
    return {k: v for k, v in data.items() if k != key}


# Each writes a broken framework file: (domain data, words the problem must contain).
BROKEN = {
    "a level missing": (
        domain("conversations", [capability("listening", levels={1: "a", 2: "b", 3: "c", 5: "e"})]),
        "capability 'listening': 'levels' has no descriptor for level 4",
    ),
    "an empty level": (
        domain("conversations", [capability("listening", levels={**levels("x"), 2: " "})]),
        "no descriptor for level 2",
    ),
    "a level too long": (
        domain("conversations", [capability("listening", levels={**levels("x"), 3: "y" * 5001})]),
        "'levels' for level 3 must be 5000 characters or fewer",
    ),
    "a sixth level": (
        domain("conversations", [capability("listening", levels={**levels("x"), 6: "more"})]),
        "'levels' has a level '6'",
    ),
    "levels not a mapping": (
        domain("conversations", [capability("listening", levels=["a", "b", "c", "d", "e"])]),
        "'levels' must give a descriptor for each level from 1 to 5",
    ),
    "no evidence examples": (
        domain("conversations", [_without(capability("listening"), "evidence")]),
        "'evidence' must give one or two examples of evidence for each level from 1 to 5",
    ),
    "a level without evidence": (
        domain("conversations", [capability("listening", evidence={**evidence("x"), 3: []})]),
        "capability 'listening': 'evidence' has no examples for level 3",
    ),
    "three examples for a level": (
        domain(
            "conversations",
            [capability("listening", evidence={**evidence("x"), 2: ["a", "b", "c"]})],
        ),
        "'evidence' for level 2 gives 3 examples; give one or two",
    ),
    "evidence for a sixth level": (
        domain("conversations", [capability("listening", evidence={**evidence("x"), 6: ["more"]})]),
        "'evidence' has a level '6'",
    ),
    "unknown leadership dimension": (
        domain("conversations", [capability("listening", leadership_dimensions=["Leading"])]),
        "unknown leadership dimension 'Leading'",
    ),
    "no leadership dimensions": (
        domain("conversations", [capability("listening", leadership_dimensions=[])]),
        "at least one Healthcare Leadership Model dimension",
    ),
    "capability without a name": (
        domain("conversations", [_without(capability("listening"), "name")]),
        "capability 'listening': the field 'name' is missing",
    ),
    "capability slug twice": (
        domain("conversations", [capability("listening"), capability("listening")]),
        "the capability slug 'listening' is used twice",
    ),
    "capability not a mapping": (
        domain("conversations", ["listening"]),
        "capability 1 must be a set of 'field: value' lines",
    ),
    "domain without a slug": (
        _without(domain("conversations", [capability("listening")]), "slug"),
        "the field 'slug' is missing",
    ),
    "negative position": (
        domain("conversations", [capability("listening")], position=-1),
        "'position' must be a whole number of 0 or more",
    ),
    "unknown domain field": (
        domain("conversations", [capability("listening")], colour="blue"),
        "unknown field 'colour'",
    ),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_broken_framework_stops_the_sync_and_nothing_changes(case, db, content):
    synced(db, content, FIRST)
    before = snapshot(db)
    data, words = BROKEN[case]
    # The items name both capabilities: keep them valid so the framework is the only problem.
    data = {**data, "capabilities": [*data["capabilities"], capability("using-data")]}
    write_domain(content, "1-conversations.yaml", data)
    write_item(content, "new-module", capabilities=["using-data"])
    with pytest.raises(ContentError) as raised:
        sync_content(db, content, SECOND)
    db.rollback()
    messages = [str(problem) for problem in raised.value.problems]
    assert any(message.startswith(FILE) and words in message for message in messages), messages
    assert snapshot(db) == before


def test_a_domain_without_capabilities_is_refused(db, content):
    write_domain(content, "2-empty.yaml", domain("empty", []))
    with pytest.raises(ContentError) as raised:
        sync_content(db, content, FIRST)
    assert [str(p) for p in raised.value.problems] == [
        "framework/2-empty.yaml: 'capabilities' must list the domain's capabilities"
    ]


def test_a_domain_slug_used_by_two_files_is_refused(db, content):
    write_domain(content, "2-again.yaml", domain("conversations", [capability("other")]))
    with pytest.raises(ContentError) as raised:
        sync_content(db, content, FIRST)
    assert [str(p) for p in raised.value.problems] == [
        "framework/2-again.yaml: the domain slug 'conversations' is also used by " + FILE
    ]


def test_a_capability_slug_used_in_two_domains_is_refused(db, content):
    write_domain(content, "2-again.yaml", domain("evidence", [capability("listening")]))
    with pytest.raises(ContentError) as raised:
        sync_content(db, content, FIRST)
    assert [str(p) for p in raised.value.problems] == [
        "framework/2-again.yaml: the capability slug 'listening' is used twice (also in "
        + FILE
        + ")"
    ]


def test_invalid_framework_yaml_names_the_line(db, content):
    write_raw(content, FILE, "slug: conversations\nname: [unclosed\ncapabilities: []\n")
    with pytest.raises(ContentError) as raised:
        sync_content(db, content, FIRST)
    [problem] = [p for p in raised.value.problems if p.path == FILE]
    assert problem.message.startswith("the YAML is not valid on line 3")


def test_a_framework_folder_without_files_is_refused(db, content):
    (content / "framework" / "1-conversations.yaml").unlink()
    with pytest.raises(ContentError) as raised:
        sync_content(db, content, FIRST)
    assert "framework/: there are no framework files (*.yaml)" in [
        str(p) for p in raised.value.problems
    ]
