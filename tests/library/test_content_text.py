"""Writing content in the files' format: whatever the values, the text reads back as them, and
the starter content's item files come out byte for byte as they are."""

import pytest
import yaml

from learnset import PROJECT_ROOT
from learnset.content import SourceFile, read_source, split_front_matter
from learnset.content_text import capability_text, domain_text, item_text

AWKWARD = [
    "Plain words, with a comma",
    "A colon: then more",
    "Ends with a colon:",
    "# looks like a comment",
    "- looks like a list",
    "yes",
    "null",
    "12",
    "1.5",
    "'quoted' at the start",
    '"double" at the start',
    "Café, naïve and “curly” quotes",
    "A hash # in the middle",
    "[square] brackets",
    "{braces}",
    "&anchor and *alias",
    "@at and `backtick`",
    "%percent",
    "!bang",
    "ends with a space ",
    "Two  spaces  inside",
    "a" * 300,
]


@pytest.mark.parametrize("value", AWKWARD)
def test_an_items_front_matter_reads_back_as_written(value):
    front = {"slug": "x", "title": value, "summary": value, "minutes": 5}
    front |= {"capabilities": ["a", "b"], "sources": [value, "Second, S. (2001) A book"]}
    text = item_text(front, "## Body\n\nWords.")
    head = text.split("---\n")[1]
    assert yaml.safe_load(head) == front
    assert text.endswith("---\n## Body\n\nWords.\n")


@pytest.mark.parametrize("value", AWKWARD)
def test_a_capabilitys_prose_and_level_lists_read_back_as_written(value):
    capability = {
        "slug": "listening",
        "name": value,
        "description": (value + " ") * 12,
        "leadership_dimensions": ["Engaging the team", "Leading with care"],
        "levels": {level: f"{value} at level {level}, " * 4 for level in range(1, 6)},
        "evidence": {level: [value, f"Example {level}"] for level in range(1, 6)},
    }
    expected = {
        **capability,
        "description": capability["description"].strip(),
        "levels": {k: v.strip() for k, v in capability["levels"].items()},
    }
    capability = expected
    loaded = yaml.safe_load(capability_text(capability))[0]
    loaded["description"] = loaded["description"].strip()
    loaded["levels"] = {k: v.strip() for k, v in loaded["levels"].items()}
    assert loaded == expected
    domain = yaml.safe_load(domain_text({"slug": "d", "name": value}, [capability, capability]))
    assert len(domain["capabilities"]) == 2 and domain["name"] == value


def test_the_starter_items_read_back_as_they_are():
    root = PROJECT_ROOT / "content"
    paths = sorted(root.glob("*/*.md"))
    assert len(paths) >= 33
    for path in paths:
        source = read_source(root, path, [])
        front, body = split_front_matter(source, [])
        written = item_text(front, body)
        assert split_front_matter(SourceFile(path.name, written, ""), []) == (front, body)
