"""Versions of library items, capabilities and programme sessions: the whole text after every
change, who made it and when; the history, and what changed between two versions.

A version holds an item's whole file (front matter and Markdown) or a capability's entry in
its domain's YAML file, or a programme session's whole file (`sync.item_source`,
`loading.capability_source`, `curriculum.texts.session_text`): a field added to the
files is versioned, exported and compared without a change here.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, joinedload

from learnset.accounts.models import User
from learnset.curriculum.models import ProgrammeSession
from learnset.framework.models import Capability
from learnset.library.models import ContentItem, ContentVersion, VersionOrigin
from learnset.pagination import Page, paginate

Subject = ContentItem | Capability | ProgrammeSession
PER_PAGE = 20


def _of(subject: Subject) -> ColumnElement[bool]:
    if isinstance(subject, ContentItem):
        return ContentVersion.content_item_id == subject.id
    if isinstance(subject, ProgrammeSession):
        return ContentVersion.programme_session_id == subject.id
    return ContentVersion.capability_id == subject.id


def latest_number(db: Session, subject: Subject) -> int:
    """The number of the newest version, or 0 when there is none yet."""
    return db.scalar(select(func.max(ContentVersion.number)).where(_of(subject))) or 0


def add_version(
    db: Session,
    subject: Subject,
    text: str,
    origin: VersionOrigin,
    author: User | None,
    now: datetime,
    restored_from: int | None = None,
) -> ContentVersion:
    """Record the subject's text as its next version."""
    version = ContentVersion(
        number=latest_number(db, subject) + 1,
        text=text,
        origin=origin.value,
        author=author,
        created_at=now,
        restored_from=restored_from,
    )
    if isinstance(subject, ContentItem):
        version.content_item_id = subject.id
    elif isinstance(subject, ProgrammeSession):
        version.programme_session_id = subject.id
    else:
        version.capability_id = subject.id
    db.add(version)
    db.flush()
    return version


def ensure_first_version(db: Session, subject: Subject, text: str, at: datetime) -> None:
    """Records loaded before versions were kept get their current text as version 1, so the
    first change to them can be compared with, and undone to, what was there before."""
    if latest_number(db, subject) == 0:
        add_version(db, subject, text, VersionOrigin.SYNCED, None, at)


def history(db: Session, subject: Subject, page: int) -> Page[ContentVersion]:
    """The subject's versions, newest first, with their authors (two queries a page)."""
    query = (
        select(ContentVersion)
        .where(_of(subject))
        .order_by(ContentVersion.number.desc())
        .options(joinedload(ContentVersion.author))
    )
    return paginate(db, query, page, PER_PAGE)


def version(db: Session, subject: Subject, number: int) -> ContentVersion | None:
    return db.scalar(
        select(ContentVersion)
        .where(_of(subject), ContentVersion.number == number)
        .options(joinedload(ContentVersion.author))
    )


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "added", "removed" or "same"
    text: str


def compare(old: str, new: str, context: int = 3) -> list[list[DiffLine]]:
    """What changed from one text to another, line by line, in groups with a few lines of
    context around each change (no groups: nothing changed). The templates escape the text."""
    before, after = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    groups = []
    for opcodes in matcher.get_grouped_opcodes(context):
        lines = []
        for tag, i1, i2, j1, j2 in opcodes:
            if tag == "equal":
                lines += [DiffLine("same", line) for line in before[i1:i2]]
                continue
            lines += [DiffLine("removed", line) for line in before[i1:i2]]
            lines += [DiffLine("added", line) for line in after[j1:j2]]
        groups.append(lines)
    return groups
