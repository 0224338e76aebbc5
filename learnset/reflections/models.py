"""The reflective log: reflections, their parts, versions, comments, drafts and rescued text."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnset.accounts.models import User
from learnset.challenges.models import Challenge
from learnset.cohorts.models import Cohort
from learnset.db import Base, Model, Timestamped, one_of, owned, partial_index, utcnow
from learnset.enums import Labelled, Term
from learnset.files.models import AttachedFile, FileBlob
from learnset.framework.models import Capability
from learnset.library.models import ContentItem
from learnset.meetings.models import Meeting
from learnset.reflections.structures import STRUCTURES, Structure

MAX_CPD_MINUTES = 1440
# Writing kept after a sign-in expired is offered back for this long, then purged.
RESCUE_DAYS = 7


class Visibility(Labelled):
    # The short form is the tag on a reflection.
    PRIVATE = Term(
        "private",
        "Only you",
        hint="Nobody else can read it: not your tutors, not the programme team",
        short="Private",
        colour="grey",
    )
    TUTORS = Term(
        "tutors",
        "You and the tutors of your learning set",
        hint="Your tutors can read it and comment",
        short="Shared with tutors",
        colour="blue",
    )
    SET = Term(
        "set",
        "Everyone in your learning set, including the tutors",
        hint="The other participants and the tutors can read it and comment",
        short="Shared with the set",
        colour="green",
    )


reflection_capabilities = Table(
    "reflection_capabilities",
    Base.metadata,
    Column("reflection_id", ForeignKey("reflections.id", ondelete="CASCADE"), primary_key=True),
    # Capabilities are archived, never deleted, so a reflection keeps the evidence it claimed.
    Column("capability_id", ForeignKey("capabilities.id"), primary_key=True, index=True),
)


class Reflection(Timestamped, Model):
    """A participant's reflective note on an experience; private unless its author shares it."""

    __tablename__ = "reflections"
    __table_args__ = (
        CheckConstraint(one_of("visibility", Visibility), name="visibility"),
        CheckConstraint(one_of("structure", STRUCTURES), name="structure"),
        CheckConstraint(f"cpd_minutes BETWEEN 0 AND {MAX_CPD_MINUTES}", name="cpd_minutes"),
        # A new reflection is written under a random key; saving it twice must not make two.
        UniqueConstraint("author_id", "draft_key"),
        Index("ix_reflections_author_id_experienced_on", "author_id", "experienced_on"),
        # What has been shared in a set, newest first (home pages, "Shared with you").
        Index("ix_reflections_cohort_id_shared_at", "cohort_id", "shared_at"),
        # What a set wrote, month by month (the engagement dashboard counts it).
        Index("ix_reflections_cohort_id_created_at", "cohort_id", "created_at"),
        # Only what is in the bin: an index over every row would tempt SQLite's planner to scan
        # all reflections for "deleted_at IS NULL" instead of using the author's or set's index.
        Index(
            "ix_reflections_deleted_at",
            "deleted_at",
            **partial_index("deleted_at IS NOT NULL"),
        ),
    )

    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The learning set it belongs to; sharing reaches that set's tutors or members.
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohorts.id", ondelete="SET NULL"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    content_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("content_items.id", ondelete="SET NULL"), index=True
    )
    # One of the author's own live challenges in the same set; it never widens who can read.
    challenge_id: Mapped[int | None] = mapped_column(
        ForeignKey("challenges.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    structure: Mapped[str] = mapped_column(String(20))
    experienced_on: Mapped[date] = mapped_column(Date)
    cpd_minutes: Mapped[int] = mapped_column(Integer, default=0)
    visibility: Mapped[str] = mapped_column(String(20), default=Visibility.PRIVATE.value)
    # When it was last shared, for the "Shared with you" list; kept when withdrawn.
    shared_at: Mapped[datetime | None]
    # The author's last look at the conversation: newer comments are news on their home page.
    comments_seen_at: Mapped[datetime | None]
    draft_key: Mapped[str | None] = mapped_column(String(64))
    # In the bin since then; purged for good 30 days later.
    deleted_at: Mapped[datetime | None]

    author: Mapped[User] = relationship()
    cohort: Mapped[Cohort | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    content_item: Mapped[ContentItem | None] = relationship()
    challenge: Mapped[Challenge | None] = relationship()
    parts: Mapped[list[ReflectionPart]] = owned("reflection", order_by="ReflectionPart.position")
    capabilities: Mapped[list[Capability]] = relationship(
        secondary=reflection_capabilities, order_by=Capability.position
    )
    # For reading (exports, the portfolio); files are added and removed by their own service.
    attachments: Mapped[list[ReflectionAttachment]] = relationship(
        viewonly=True, order_by="(ReflectionAttachment.created_at, ReflectionAttachment.id)"
    )

    @property
    def structure_spec(self) -> Structure:
        return STRUCTURES[self.structure]

    @property
    def text_by_part(self) -> dict[str, str]:
        return {part.key: part.body for part in self.parts}

    @property
    def is_shared(self) -> bool:
        return self.visibility != Visibility.PRIVATE

    @property
    def in_bin(self) -> bool:
        return self.deleted_at is not None

    def __repr__(self) -> str:
        return f"<Reflection {self.id} {self.visibility}>"


class ReflectionPart(Model):
    """The text of one part of a reflection (say, "So what?"), in Markdown.

    A row per part rather than a JSON column: search is a plain LIKE on both engines, and the
    exports read parts by key whichever structure the reflection follows.
    """

    __tablename__ = "reflection_parts"
    __table_args__ = (UniqueConstraint("reflection_id", "key"),)

    reflection_id: Mapped[int] = mapped_column(ForeignKey("reflections.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer, default=0)
    body: Mapped[str] = mapped_column(Text, default="")

    reflection: Mapped[Reflection] = relationship(back_populates="parts")


class ReflectionVersion(Model):
    """A reflection's words as saved at one moment: every save adds one, so nothing is lost."""

    __tablename__ = "reflection_versions"
    __table_args__ = (UniqueConstraint("reflection_id", "number"),)

    reflection_id: Mapped[int] = mapped_column(ForeignKey("reflections.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    structure: Mapped[str] = mapped_column(String(20))
    # Part key to text, for this version's structure; a snapshot, never searched.
    parts: Mapped[dict[str, str]] = mapped_column(JSON)
    experienced_on: Mapped[date] = mapped_column(Date)
    cpd_minutes: Mapped[int] = mapped_column(Integer)
    restored_from: Mapped[int | None] = mapped_column(Integer)
    # The names of the files attached when it was saved (null for versions saved before files).
    files: Mapped[list[str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def structure_spec(self) -> Structure:
        return STRUCTURES[self.structure]


class ReflectionComment(Model):
    """A remark on a shared reflection by its author, its cohort's tutors or its set."""

    __tablename__ = "reflection_comments"
    __table_args__ = (
        CheckConstraint(one_of("audience", [Visibility.TUTORS, Visibility.SET]), name="audience"),
    )

    reflection_id: Mapped[int] = mapped_column(
        ForeignKey("reflections.id", ondelete="CASCADE"), index=True
    )
    # Null once the writer deletes their account: the comment then reads "A former member".
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # Who the reflection was shared with when this was written. A comment written for the
    # tutors never reaches the whole set, even if the author later widens the share.
    audience: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()


class ReflectionDraft(Timestamped, Model):
    """Unsaved writing, exactly as typed: a new reflection (by key) or changes to a saved one."""

    __tablename__ = "reflection_drafts"
    __table_args__ = (UniqueConstraint("author_id", "key"),)

    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Set for changes to a saved reflection; null for a reflection not yet saved.
    reflection_id: Mapped[int | None] = mapped_column(
        ForeignKey("reflections.id", ondelete="CASCADE"), unique=True
    )
    key: Mapped[str | None] = mapped_column(String(64))
    # The posted form fields, name to list of values, so even invalid input comes back as typed.
    data: Mapped[dict[str, list[str]]] = mapped_column(JSON)


class ReflectionRescue(Model):
    """Writing posted when the sign-in had expired or the form was stale, kept until its owner
    uses or discards it (rules in learnset/reflections/rescue.py).

    Only the browser that posted it can get it back: the Flask session holds a random key and
    this table a hash of it. The text itself never goes in the cookie.
    """

    __tablename__ = "reflection_rescues"

    key_hash: Mapped[str] = mapped_column(String(64), index=True)
    # The only account it is ever shown to, decided when it was kept.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reflection_id: Mapped[int | None] = mapped_column(
        ForeignKey("reflections.id", ondelete="CASCADE"), index=True
    )
    draft_key: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    # A keyed hash of the IP address it came from, for the hourly limit; never the address.
    client_hash: Mapped[str | None] = mapped_column(String(64))
    # Bytes of `data` as stored, for the hourly limit on everything kept.
    size: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # When it was last written; it expires KEEP_DAYS later.
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


# A note is jotted on a phone, often offline, and sent when the connection returns.
MAX_NOTE = 2000


class Note(Model):
    """A quick note waiting in its writer's inbox to become a reflection, or be deleted.

    Private to its writer, always. `client_id` is made by the writer's browser when the note is
    written, so a note sent twice (a retry after a lost answer) is stored once.
    """

    __tablename__ = "notes"
    __table_args__ = (
        UniqueConstraint("author_id", "client_id"),
        CheckConstraint(f"length(body) <= {MAX_NOTE}", name="body_length"),
        Index("ix_notes_author_id_created_at", "author_id", "created_at"),
    )

    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(36))
    body: Mapped[str] = mapped_column(Text)
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohorts.id", ondelete="SET NULL"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    # The new-reflection key of the draft it was carried into; the note goes when that
    # reflection is saved (services.create_reflection), in the same transaction.
    draft_key: Mapped[str | None] = mapped_column(String(64))
    # An optional photo (PNG or JPEG, kept without its metadata); it becomes an attachment of
    # the reflection the note turns into, and goes with the note when it is deleted.
    photo_blob_id: Mapped[int | None] = mapped_column(
        ForeignKey("file_blobs.id", ondelete="SET NULL"), unique=True
    )
    photo_name: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    photo: Mapped[FileBlob | None] = relationship()


class ReflectionAttachment(AttachedFile, Model):
    """A file kept beside a reflection: read by exactly those who may read the reflection."""

    __tablename__ = "reflection_attachments"

    reflection_id: Mapped[int] = mapped_column(
        ForeignKey("reflections.id", ondelete="CASCADE"), index=True
    )

    reflection: Mapped[Reflection] = relationship()
