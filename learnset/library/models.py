from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    SQLColumnExpression,
    String,
    Table,
    Text,
    UniqueConstraint,
    case,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnset.accounts.models import User
from learnset.db import Base, Model, Timestamped, utcnow
from learnset.enums import Labelled, Term
from learnset.framework.models import Capability


class ContentKind(Labelled):
    # The short form is how a session's plan lists an item's kind.
    THEORY = Term("theory", "Theory module", short="Theory", colour="blue")
    EXERCISE = Term("exercise", "Practice exercise", colour="green")
    METHOD = Term("method", "Method card", colour="purple")
    # Composite stories of a commissioning challenge unlocked, with questions for the set.
    CASE_STUDY = Term("case-study", "Case study", colour="orange")

    @classmethod
    def plural_pairs(cls) -> list[tuple[str, str]]:
        """(value, "Theory modules") for each kind, as a filter's choices."""
        return [(kind.value, _plural(kind.label)) for kind in cls]


def _plural(label: str) -> str:
    return f"{label[:-1]}ies" if label.endswith("y") else f"{label}s"


content_item_capabilities = Table(
    "content_item_capabilities",
    Base.metadata,
    Column("content_item_id", ForeignKey("content_items.id", ondelete="CASCADE"), primary_key=True),
    Column("capability_id", ForeignKey("capabilities.id"), primary_key=True),
)


class ContentItem(Timestamped, Model):
    """A theory module, practice exercise, method card or case study, loaded from a file in
    content/."""

    __tablename__ = "content_items"
    __table_args__ = (
        CheckConstraint("kind IN ('theory', 'exercise', 'method', 'case-study')", name="kind"),
        CheckConstraint("minutes >= 0", name="minutes"),
    )

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    body: Mapped[str] = mapped_column(Text, default="")
    # The works the item draws on, one citation each, as its front matter's `sources:` gives them.
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Where it was loaded from, relative to content/, and a hash to tell whether it changed.
    source_path: Mapped[str] = mapped_column(String(300), default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    # Set when its file disappears; never deleted, since sessions and reflections point at it.
    archived_at: Mapped[datetime | None]
    # Set when someone saves it in the app; cleared when a sync finds the files agree or takes
    # the files' version. While set, a sync will not overwrite it unless told to.
    edited_in_app_at: Mapped[datetime | None]

    capabilities: Mapped[list[Capability]] = relationship(
        secondary=content_item_capabilities, order_by=Capability.position
    )


def library_order() -> tuple[SQLColumnExpression[Any], ...]:
    """Theory, then exercises, then method cards (the order a session usually runs in), each
    by title."""
    kind = case(
        {kind.value: position for position, kind in enumerate(ContentKind)}, value=ContentItem.kind
    )
    return kind, ContentItem.title, ContentItem.id


class VersionOrigin(Labelled):
    EDITED = Term("edited", "Edited in the app")
    RESTORED = Term("restored", "Restored from an earlier version")
    SYNCED = Term("synced", "Loaded from the content files")


# Exactly one of the three subjects.
ONE_SUBJECT = (
    "(CASE WHEN content_item_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN capability_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN programme_session_id IS NULL THEN 0 ELSE 1 END) = 1"
)


class ContentVersion(Model):
    """The whole text of a library item, a capability or a programme session as it stood after
    one change: an edit in the app, a restore, or a content sync. Numbered from 1 for each."""

    __tablename__ = "content_versions"
    __table_args__ = (
        CheckConstraint(ONE_SUBJECT, name="one_subject"),
        CheckConstraint("origin IN ('edited', 'restored', 'synced')", name="origin"),
        UniqueConstraint("content_item_id", "number"),
        UniqueConstraint("capability_id", "number"),
        UniqueConstraint("programme_session_id", "number"),
    )

    content_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("content_items.id", ondelete="CASCADE")
    )
    capability_id: Mapped[int | None] = mapped_column(
        ForeignKey("capabilities.id", ondelete="CASCADE")
    )
    # Named by its table, since programmes are loaded after the library (learnset/curriculum/).
    programme_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme_sessions.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column(Integer)
    # An item's whole file (front matter and Markdown), or a capability's entry in its domain's
    # YAML file: fields added to the files later are kept without a change here.
    text: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(20))
    restored_from: Mapped[int | None] = mapped_column(Integer)
    # None for a content sync, or once the person's account has been deleted.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()
