"""Editing library items, capabilities' level descriptors and programme sessions in the app:
every save and every restore is a new version, checked by the same rules as the content files,
never over someone else's save made since the form was opened.

The text saved is what `flask content export` would write, and it is read back with the
sync's own parser before anything changes, so whatever the app saves a sync can load.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset import audit
from learnset.accounts.models import User
from learnset.content import Problem, SourceFile, split_front_matter
from learnset.content_text import capability_text, item_text
from learnset.curriculum import loading as programme_loading
from learnset.curriculum.models import ProgrammeSession
from learnset.curriculum.reading import SessionSpec, session_from_source
from learnset.curriculum.texts import session_text
from learnset.errors import DomainError
from learnset.framework import loading
from learnset.framework.models import Capability
from learnset.library import sync, versions
from learnset.library.models import ContentItem, ContentKind, ContentVersion, VersionOrigin


class ContentEditError(DomainError):
    """An edit or restore that breaks a rule of the content files, or comes too late."""


@dataclass(frozen=True)
class ItemChanges:
    """What the editor lets a person change in an item; other front matter is kept as it is."""

    title: str
    summary: str
    minutes: int
    capabilities: list[str]
    body: str


@dataclass(frozen=True)
class DescriptorChanges:
    """A capability's description and its words for each level, 1 to 5."""

    description: str
    levels: dict[int, str]


def source_of(subject: versions.Subject) -> str:
    """The whole text of an item, or of a capability's entry, as the files would hold it."""
    if isinstance(subject, ContentItem):
        return sync.item_source(subject)
    if isinstance(subject, ProgrammeSession):
        return session_text(subject)
    return loading.capability_source(subject)


def _check_not_stale(db: Session, subject: versions.Subject, based_on: int) -> None:
    # The row is locked first (on PostgreSQL), so two saves of the same thing queue up here.
    db.refresh(subject, with_for_update=True)
    latest = versions.latest_number(db, subject)
    if latest != based_on:
        newest = versions.version(db, subject, latest)
        who = newest.author.name if newest and newest.author else "A content sync"
        raise ContentEditError(
            f"{who} saved a new version (version {latest}) after you opened this page, so your "
            "changes were not saved. Your text is still below. Look at the history to see what "
            "changed; if you save again, your text becomes the newest version.",
            status=409,
        )


def _current_capabilities(db: Session) -> dict[str, Capability]:
    return {
        capability.slug: capability
        for capability in db.scalars(select(Capability).where(Capability.archived_at.is_(None)))
    }


def _problems_error(problems: list[Problem], field: str | None) -> ContentEditError:
    messages = "; ".join(problem.message for problem in problems)
    return ContentEditError(f"This cannot be saved: {messages}", field=field)


def item_text_with(item: ContentItem, changes: ItemChanges) -> str:
    """The item's whole text with the editor's changes in it."""
    front_matter = sync.item_front_matter(item)
    front_matter.update(
        title=changes.title.strip(),
        summary=changes.summary.strip(),
        minutes=changes.minutes,
        capabilities=sorted(changes.capabilities),
    )
    return item_text(front_matter, changes.body)


def _apply_item_text(db: Session, item: ContentItem, text: str, field: str | None) -> None:
    """Read the text with the sync's rules, then make the item say what it says."""
    capabilities = _current_capabilities(db)
    problems: list[Problem] = []
    source = SourceFile(sync.item_file_path(item), text, item.content_hash)
    spec = sync._item(source, ContentKind(item.kind), set(capabilities), problems)
    if problems or spec is None:
        raise _problems_error(problems, field)
    sync._fill(item, spec, capabilities)


def _record(
    db: Session,
    user: User,
    subject: versions.Subject,
    text: str,
    origin: VersionOrigin,
    now: datetime,
    restored_from: int | None = None,
) -> ContentVersion:
    subject.edited_in_app_at = now
    version = versions.add_version(db, subject, text, origin, user, now, restored_from)
    if isinstance(subject, ContentItem):
        what = f"library item {subject.slug}"
    elif isinstance(subject, ProgrammeSession):
        what = f"programme {subject.programme.slug}, session {subject.number}"
    else:
        what = f"capability {subject.slug}"
    kind = audit.AuditKind.CONTENT_EDITED
    detail = f"{what}, version {version.number}"
    if restored_from is not None:
        kind = audit.AuditKind.CONTENT_RESTORED
        detail += f" (restoring version {restored_from})"
    audit.record(db, kind, actor_id=user.id, detail=detail, now=now)
    return version


def save_item(
    db: Session, user: User, item: ContentItem, changes: ItemChanges, based_on: int, now: datetime
) -> ContentVersion | None:
    """Save an edit as the item's next version, unless someone saved since `based_on` (the
    version the editor opened) or nothing changed (None)."""
    _check_not_stale(db, item, based_on)
    text, before, was_updated = (
        item_text_with(item, changes),
        sync.item_source(item),
        item.updated_at,
    )
    if text == before:
        return None
    _apply_item_text(db, item, text, field="body")
    versions.ensure_first_version(db, item, before, was_updated)
    item.updated_at = now
    return _record(db, user, item, text, VersionOrigin.EDITED, now)


def capability_text_with(capability: Capability, changes: DescriptorChanges) -> str:
    fields = loading.capability_fields(capability)
    fields["description"] = changes.description.strip()
    fields["levels"] = {level: text.strip() for level, text in sorted(changes.levels.items())}
    return capability_text(fields)


def _apply_capability_text(capability: Capability, text: str, field: str | None) -> None:
    problems: list[Problem] = []
    raw: Any = None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError:
        problems.append(Problem(capability.slug, "the text is not valid YAML"))
    entry = raw[0] if isinstance(raw, list) and raw else raw
    spec = loading._capability(entry, capability.position, capability.slug, problems)
    if problems or spec is None:
        raise _problems_error(problems, field)
    if spec.slug != capability.slug:
        raise ContentEditError("This version belongs to another capability", field=field)
    for name in loading.CAPABILITY_FIELDS:
        if name != "slug":
            attribute = loading.stored_name(name)
            setattr(capability, attribute, getattr(spec, attribute))


def save_descriptors(
    db: Session,
    user: User,
    capability: Capability,
    changes: DescriptorChanges,
    based_on: int,
    now: datetime,
) -> ContentVersion | None:
    """Save a capability's new words as its next version (None: nothing changed)."""
    _check_not_stale(db, capability, based_on)
    text = capability_text_with(capability, changes)
    before = loading.capability_source(capability)
    if text == before:
        return None
    _apply_capability_text(capability, text, field="description")
    versions.ensure_first_version(db, capability, before, now)
    return _record(db, user, capability, text, VersionOrigin.EDITED, now)


def restore(
    db: Session, user: User, subject: versions.Subject, number: int, based_on: int, now: datetime
) -> ContentVersion:
    """Make an earlier version the current one, as a new version; the history keeps the rest."""
    _check_not_stale(db, subject, based_on)
    old = versions.version(db, subject, number)
    if old is None:
        raise ContentEditError(f"There is no version {number}", status=404)
    if old.text == source_of(subject):
        raise ContentEditError(f"Version {number} is already the current wording")
    if isinstance(subject, ContentItem):
        _apply_item_text(db, subject, old.text, field=None)
        subject.updated_at = now
    elif isinstance(subject, ProgrammeSession):
        _apply_session_text(db, subject, old.text, field=None)
    else:
        _apply_capability_text(subject, old.text, field=None)
    return _record(db, user, subject, old.text, VersionOrigin.RESTORED, now, restored_from=number)


def _read_session_text(
    db: Session, session: ProgrammeSession, text: str, field: str | None
) -> tuple[SessionSpec, dict[str, ContentItem]]:
    """A session's text read with the sync's checks (timings, aims, items, capabilities)."""
    programme = session.programme
    items = {
        item.slug: item
        for item in db.scalars(select(ContentItem).where(ContentItem.archived_at.is_(None)))
    }
    context = {
        "session_minutes": programme.session_minutes,
        "aim_slugs": {aim["slug"] for aim in programme.aims},
    }
    problems: list[Problem] = []
    source = SourceFile(session.source_path or f"session {session.number}", text, "")
    minutes = {slug: item.minutes for slug, item in items.items()}
    spec = session_from_source(source, context, minutes, set(_current_capabilities(db)), problems)
    if problems or spec is None:
        raise _problems_error(problems, field)
    if spec.number != session.number:
        raise ContentEditError(
            f"The number must stay {session.number}: a session cannot be renumbered here",
            field=field,
        )
    return spec, items


def _apply_session_text(
    db: Session, session: ProgrammeSession, text: str, field: str | None
) -> None:
    spec, items = _read_session_text(db, session, text, field)
    programme_loading.fill_session(session, spec, items)
    db.flush()


def save_session(
    db: Session, user: User, session: ProgrammeSession, text: str, based_on: int, now: datetime
) -> ContentVersion | None:
    """Save a session's whole text (front matter and facilitator notes) as its next version,
    unless someone saved since `based_on` or it says what the session already says (None)."""
    _check_not_stale(db, session, based_on)
    before = session_text(session)
    spec, items = _read_session_text(db, session, text.replace("\r\n", "\n"), field="text")
    saved = session_text(spec)
    if saved == before:
        return None
    versions.ensure_first_version(db, session, before, session.programme.updated_at)
    programme_loading.fill_session(session, spec, items)
    db.flush()
    return _record(db, user, session, saved, VersionOrigin.EDITED, now)


def notes_of(text: str) -> str | None:
    """The facilitator notes in a session's text, for the editor's preview (None: the text has
    no front matter to find them after)."""
    problems: list[Problem] = []
    parts = split_front_matter(SourceFile("preview", text.replace("\r\n", "\n"), ""), problems)
    return None if parts is None else parts[1]
