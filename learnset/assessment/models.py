"""Self-assessment: a participant's own view of where they are and where they want to be, never
a judgement of them. The framework they rate lives in learnset/framework/."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
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
from learnset.cohorts.models import Cohort
from learnset.db import Base, Model, one_of, owned, partial_index, utcnow
from learnset.enums import Labelled, Term
from learnset.framework.models import Capability
from learnset.library.models import ContentItem
from learnset.meetings.models import Meeting
from learnset.reflections.models import Reflection


class AssessmentKind(Labelled):
    BASELINE = Term("baseline", "Baseline")
    CHECK_IN = Term("check-in", "Check-in")


class AssessmentStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class HasAssessmentKind:
    """What an assessment's kind says of it: for the model, and for the summaries that pages
    read without loading it (progress.AssessmentSummary)."""

    if TYPE_CHECKING:

        @property
        def kind(self) -> str: ...

    @property
    def is_baseline(self) -> bool:
        return self.kind == AssessmentKind.BASELINE

    @property
    def label(self) -> str:
        return AssessmentKind(self.kind).label


class SelfAssessment(HasAssessmentKind, Model):
    """A participant's ratings of the framework in one cohort at one moment: baseline or check-in.

    The first in a cohort is the baseline and rates every capability. Later check-ins rate all or
    a chosen few; on submit the rest are carried forward from the one before, so every submitted
    assessment holds a complete picture.
    """

    __tablename__ = "self_assessments"
    __table_args__ = (
        CheckConstraint(one_of("kind", AssessmentKind), name="kind"),
        CheckConstraint(one_of("status", AssessmentStatus), name="status"),
        CheckConstraint(
            "(status = 'draft') = (submitted_at IS NULL)", name="submitted_at_when_submitted"
        ),
        # One form in progress at a time, and one baseline, per participant and cohort.
        Index(
            "uq_self_assessments_one_draft",
            "participant_id",
            "cohort_id",
            unique=True,
            **partial_index("status = 'draft'"),
        ),
        Index(
            "uq_self_assessments_one_baseline",
            "participant_id",
            "cohort_id",
            unique=True,
            **partial_index("kind = 'baseline'"),
        ),
        # A person's in a set in the order pages read them: with the id, PostgreSQL stops at
        # the first or the latest (ORDER BY submitted_at, id LIMIT 1) rather than sort them all.
        Index(
            "ix_self_assessments_participant_id_cohort_id_submitted_at_id",
            "participant_id",
            "cohort_id",
            "submitted_at",
            "id",
        ),
        # A set's check-ins month by month (the engagement dashboard counts them).
        Index("ix_self_assessments_cohort_id_submitted_at", "cohort_id", "submitted_at"),
    )

    participant_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=AssessmentStatus.DRAFT.value)
    # Shared with the cohort's tutors unless the participant opts out, for each assessment.
    shared_with_tutors: Mapped[bool] = mapped_column(Boolean, default=True)
    # The capability ids a check-in rates; None for every capability.
    scope: Mapped[list[int] | None] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]

    participant: Mapped[User] = relationship()
    cohort: Mapped[Cohort] = relationship()
    ratings: Mapped[list[Rating]] = owned("assessment")

    @property
    def is_draft(self) -> bool:
        return self.status == AssessmentStatus.DRAFT

    def covers(self, capability_id: int) -> bool:
        """Whether this assessment asks for a fresh rating of the capability."""
        return self.scope is None or capability_id in self.scope

    def __repr__(self) -> str:
        return f"<SelfAssessment {self.id} {self.kind} {self.status}>"


# A rating's evidence in the participant's own reflective log. Linking never shares a reflection:
# who may read it is decided by the reflection's own visibility.
rating_reflections = Table(
    "rating_reflections",
    Base.metadata,
    Column("rating_id", ForeignKey("ratings.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "reflection_id",
        ForeignKey("reflections.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Rating(Model):
    """Where a participant puts themselves on one capability now, and where they want to be."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("assessment_id", "capability_id"),
        CheckConstraint("current_level BETWEEN 1 AND 5", name="current_level"),
        CheckConstraint("target_level BETWEEN 1 AND 5", name="target_level"),
    )

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("self_assessments.id", ondelete="CASCADE")
    )
    # Capabilities are archived, never deleted, so old ratings keep their meaning.
    capability_id: Mapped[int] = mapped_column(ForeignKey("capabilities.id"), index=True)
    current_level: Mapped[int] = mapped_column(Integer)
    target_level: Mapped[int] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(Text, default="")
    # Why the current level moved since the assessment before, in the participant's words.
    change_reason: Mapped[str] = mapped_column(Text, default="")
    # Not rated in this check-in: the levels were copied from the assessment before.
    carried_forward: Mapped[bool] = mapped_column(Boolean, default=False)

    assessment: Mapped[SelfAssessment] = relationship(back_populates="ratings")
    capability: Mapped[Capability] = relationship()
    reflections: Mapped[list[Reflection]] = relationship(secondary=rating_reflections)

    @property
    def gap(self) -> int:
        return self.target_level - self.current_level


class LearningFocus(Model):
    """The library item a participant pinned to work on this month; one per person and cohort."""

    __tablename__ = "learning_focuses"
    __table_args__ = (UniqueConstraint("participant_id", "cohort_id"),)

    participant_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    # Library items are archived, never deleted.
    content_item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"), index=True)
    # The gap it works on, when it was pinned from one.
    capability_id: Mapped[int | None] = mapped_column(ForeignKey("capabilities.id"))
    chosen_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship()
    content_item: Mapped[ContentItem] = relationship()
    capability: Mapped[Capability | None] = relationship()


class CheckInReminder(Model):
    """A check-in reminder emailed after a session, so each participant gets one per session."""

    __tablename__ = "check_in_reminders"
    __table_args__ = (UniqueConstraint("participant_id", "meeting_id"),)

    participant_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship()


class FigureRelease(Model):
    """A cohort's self-assessment figures as everyone else sees them, worked out once.

    Cohort figures are released, not live (DESIGN §3): a release is made when a check-in round
    closes with new contributions from at least 3 participants, and pages show the latest
    release unchanged until the next one, so nobody's rating can be read off the difference
    between two views. `figures` holds aggregates only, already suppressed: never a person's
    ratings, and never a count below 3.
    """

    __tablename__ = "figure_releases"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    released_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Participants with a check-in shared since the release before: 3 or more.
    contributors: Mapped[int] = mapped_column(Integer)
    # What made it: a check-in round closing, or the cohort's tutor.
    reason: Mapped[str] = mapped_column(String(20))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The programme report's counts for the set (enrolment, attendance, engagement, gains) as
    # they stood at this release, before the small-number rules, which the report applies
    # across the sets it shows (dashboards/report_release.py). None on releases made before
    # the report read them: such a set's counts wait for its next release. Read by the report
    # alone, so not loaded with the release.
    report_cells: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True), deferred=True
    )
