"""Stored values that carry the words people see for them.

A `Labelled` enum's members are plain strings in the database and in forms, and carry their
label (and, where a page uses them, a hint, a short form and a tag colour) with them, so no
page or form keeps a mapping of its own: `ChallengeStatus.PAUSED.label` is "Paused".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Self


@dataclass(frozen=True)
class Term:
    """A stored value and what people read for it."""

    value: str
    label: str
    # Under the label where the value is a choice in a form.
    hint: str = ""
    # Where the label would be too long: a tag's words, or "a health gain for *people*".
    short: str = ""
    # The NHS.UK tag's colour (nhsuk-tag--<colour>) where the value is shown as a tag.
    colour: str = ""


class Labelled(enum.StrEnum):
    """A StrEnum whose members are written `OPEN = Term("open", "Open", hint=...)`."""

    _value_: str
    term: Term

    def __new__(cls, term: Term | str) -> Self:
        # A str only when looking a member up by its value, which never reaches here.
        assert isinstance(term, Term)
        member = str.__new__(cls, term.value)
        member._value_ = term.value
        member.term = term
        return member

    @property
    def label(self) -> str:
        return self.term.label

    @property
    def hint(self) -> str:
        return self.term.hint

    @property
    def short(self) -> str:
        return self.term.short or self.term.label

    @property
    def tag_classes(self) -> str:
        return f"nhsuk-tag--{self.term.colour}" if self.term.colour else ""

    @classmethod
    def pairs(cls, *members: Self) -> list[tuple[str, str]]:
        """(value, label) for each member, or for those named, as a form's choices."""
        return [(member.value, member.label) for member in members or tuple(cls)]

    @classmethod
    def hints(cls) -> dict[str, str]:
        """Each member's hint, for a form's radios or checkboxes."""
        return {member.value: member.hint for member in cls if member.hint}
