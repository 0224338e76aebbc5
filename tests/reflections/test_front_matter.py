"""The log zip's front matter is byte for byte what `yaml.safe_dump` writes, faster."""

import random
from datetime import UTC, date, datetime

import pytest
import yaml

from learnset.reflections.front_matter import front_matter

_TRICKY = [
    "plain",
    "Data pack: first go",
    "a: b",
    "ends with colon:",
    "- leading dash",
    "? question",
    "#hash",
    "a #comment",
    "yes",
    "No",
    "on",
    "null",
    "~",
    "123",
    "1.5",
    "1e3",
    "0x1F",
    "1:20",
    "2026-01-01",
    "2026-01-01T10:12+00:00",
    "2026-01-01 10:12:00",
    "Gibbs' reflective cycle",
    "it's 'quoted'",
    "(brackets) and / slashes & more!",
    "a  b",
    " lead space",
    "trail ",
    "multi\nline",
    "tab\tx",
    "Ünïcödé — “quotes”",
    "emoji 😀",
    "x" * 200,
    "long words " * 12,
    "seventy-eight characters long title for the wrapping edge, padded out to it..",
    "",
    "@at",
    "%percent",
    "`tick",
    "=sum",
    "!tag",
    "&anchor",
    "*alias",
    "|pipe",
    ">fold",
    "{brace}",
    "[bracket]",
    '"double"',
    "'single'",
]


def _random_texts(count, alphabet):
    chosen = random.Random(14)
    return [
        "".join(chosen.choice(alphabet) for _ in range(chosen.randint(0, chosen.choice((8, 90)))))
        for _ in range(count)
    ]


def _front(text):
    return {
        "title": text,
        "date": "2026-03-05",
        "structure": text[:10],
        "learning_set": "Learning set 12",
        "session": f"Learning set 12, session 3: {text}",
        "capabilities": [text, "Using data for discussion", text[::-1]],
        "cpd_minutes": 45,
        "shared_with": "tutors",
        "written": datetime(2026, 3, 5, 9, 30, tzinfo=UTC).isoformat(timespec="minutes"),
        "last_changed": date(2026, 3, 6).isoformat(),
    }


@pytest.mark.parametrize("text", _TRICKY)
def test_front_matter_is_what_yaml_writes_for_awkward_text(text):
    fields = _front(text)
    assert front_matter(fields) == yaml.safe_dump(fields, sort_keys=False, allow_unicode=True)


@pytest.mark.parametrize(
    "alphabet",
    [
        "abcXYZ019 :-#'\"\n\t\\é😀\u00a0{}[],&*!|>%@`?()/+;.",
        # Only what may be written without PyYAML: most texts take that road.
        "abYZ019 ,.'()/&+:;?!-",
        "aeyNnOolFfTtrus0123456789.:-+_ x",  # near yes, null, numbers and dates
    ],
)
def test_front_matter_is_what_yaml_writes_for_random_text(alphabet):
    for text in _random_texts(1500, alphabet):
        fields = _front(text)
        expected = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True)
        assert front_matter(fields) == expected, text


def test_front_matter_of_other_values_is_yaml_s():
    for fields in ({}, {"capabilities": []}, {"a": None, "b": True, "c": 1.5, "d": [1, "x"]}):
        assert front_matter(fields) == yaml.safe_dump(fields, sort_keys=False, allow_unicode=True)
