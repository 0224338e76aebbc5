"""Live commissioning challenges: what a participant brings to the set, month after month.

A challenge belongs to its owner and one learning set, and is seen by that set only. What
happens to it over the months (the set's questions and insights, the owner's actions,
experiments and gains) is one table of updates, so the timeline is a single ordered list.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnset.accounts.models import User
from learnset.cohorts.models import Cohort
from learnset.db import Model, Timestamped, one_of, owned
from learnset.enums import Labelled, Term
from learnset.files.models import AttachedFile


class ChallengeStatus(Labelled):
    OPEN = Term(
        "open", "Open", hint="You are working on it and can bring it to the set", colour="green"
    )
    PAUSED = Term(
        "paused",
        "Paused",
        hint="Set aside for now. The set can still ask questions, and you can pick it up again",
        colour="yellow",
    )
    CLOSED = Term(
        "closed",
        "Closed",
        hint="Finished, or no longer yours to work on. Nobody can add questions, insights or "
        "actions, but you can still record gains and publish it as a story",
        colour="grey",
    )


class TrappedKind(Labelled):
    """What gets trapped, as the Unlocking Commissioning programme names it."""

    BUILDINGS = Term(
        "buildings",
        "Resources in buildings or services",
        hint="Money, staff or space held in buildings or services designed for a world that "
        "has since changed",
    )
    PROCESSES = Term(
        "processes",
        "Resources captured by processes",
        hint="Time and effort spent on processes that do not add to good care",
    )
    ATTITUDES = Term(
        "attitudes",
        "Attitudes",
        hint="Views that have become rigid, hostile or defeatist, ours included",
    )
    POTENTIAL = Term(
        "potential",
        "Potential",
        hint="Skills, ideas and energy, in staff or in communities, that are being held back",
    )


class UpdateKind(Labelled):
    QUESTION = Term("question", "Question", colour="blue")
    INSIGHT = Term("insight", "Insight", colour="aqua-green")
    ACTION = Term(
        "action",
        "Action",
        hint="Something you will do, like a conversation you will have",
        colour="purple",
    )
    EXPERIMENT = Term(
        "experiment",
        "Experiment",
        hint="A small, safe test of an idea, to learn how the system responds before anyone "
        "commits money",
        colour="orange",
    )
    GAIN = Term("gain", "Gain", colour="green")


class Spend(Labelled):
    NONE = Term("none", "No spend: time and conversations only")
    LOW = Term("low", "Low spend: a small amount from a budget you already hold")


class GainFor(Labelled):
    # The short form is how a gain is listed: "a health gain for people".
    PEOPLE = Term("people", "People: patients, carers or residents", short="people")
    COMMUNITY = Term(
        "community",
        "A community",
        hint="A neighbourhood, or people who share an experience or a background",
        short="a community",
    )
    STAFF = Term("staff", "Staff", short="staff")
    SYSTEM = Term(
        "system",
        "The wider system",
        hint="Organisations working better together across the system",
        short="the wider system",
    )


class GainKind(Labelled):
    HEALTH = Term("health", "Health", hint="Better health or wellbeing, or illness avoided")
    SOCIAL = Term(
        "social", "Social", hint="Independence, connection, taking part in community life"
    )
    ECONOMIC = Term("economic", "Economic", hint="Money or time released, or put to better use")
    RELATIONAL = Term(
        "relational",
        "Relational",
        hint="Trust, better conversations, people working together who did not before",
    )


class Challenge(Timestamped, Model):
    """A participant's live commissioning challenge, confidential to their learning set."""

    __tablename__ = "challenges"
    __table_args__ = (
        CheckConstraint(one_of("status", ChallengeStatus), name="status"),
        Index("ix_challenges_cohort_id_status", "cohort_id", "status"),
    )

    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    context: Mapped[str] = mapped_column(Text, default="")
    # The difference wanted in people's lives, not the service the owner expects to buy.
    outcomes: Mapped[str] = mapped_column(Text, default="")
    stakeholders: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ChallengeStatus.OPEN.value)
    closed_at: Mapped[datetime | None]

    owner: Mapped[User] = relationship()
    cohort: Mapped[Cohort] = relationship()
    trapped: Mapped[list[TrappedNote]] = owned("challenge", order_by="TrappedNote.position")
    story: Mapped[Story | None] = owned("challenge")

    @property
    def is_open(self) -> bool:
        return self.status == ChallengeStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == ChallengeStatus.CLOSED

    def __repr__(self) -> str:
        return f"<Challenge {self.id} {self.status}>"


TRAPPED_ORDER = list(TrappedKind)


class TrappedNote(Model):
    """One kind of thing the owner sees trapped in their challenge, with an optional note."""

    __tablename__ = "trapped_notes"
    __table_args__ = (
        UniqueConstraint("challenge_id", "kind"),
        CheckConstraint(one_of("kind", TrappedKind), name="kind"),
    )

    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(Text, default="")

    challenge: Mapped[Challenge] = relationship(back_populates="trapped")


# The kinds of update that plan something to try, with what it should teach and cost.
PLAN_KINDS = (UpdateKind.ACTION, UpdateKind.EXPERIMENT)


class ChallengeUpdate(Timestamped, Model):
    """Something that happened to a challenge: a question or insight from the set, or the
    owner's action, experiment or gain.

    One table rather than five: the timeline reads them in one query, in one order, and the
    rule "only the person who wrote it may change it" is written once. The few columns that
    belong to one kind are held to it by check constraints.
    """

    __tablename__ = "challenge_updates"
    __table_args__ = (
        CheckConstraint(one_of("kind", UpdateKind), name="kind"),
        CheckConstraint(
            "(kind = 'experiment') = (spend IS NOT NULL)", name="spend_for_experiments"
        ),
        CheckConstraint(f"spend IS NULL OR {one_of('spend', Spend)}", name="spend"),
        CheckConstraint(
            "(kind = 'gain') = (gain_for IS NOT NULL AND gain_kind IS NOT NULL)",
            name="gain_fields_for_gains",
        ),
        CheckConstraint(f"gain_for IS NULL OR {one_of('gain_for', GainFor)}", name="gain_for"),
        CheckConstraint(f"gain_kind IS NULL OR {one_of('gain_kind', GainKind)}", name="gain_kind"),
        CheckConstraint("helped_at IS NULL OR kind = 'question'", name="helped_questions_only"),
        CheckConstraint(
            "outcome_at IS NULL OR kind IN ('action', 'experiment')", name="outcome_of_plans"
        ),
        # The timeline reads a challenge's updates in order; the gains board and the home page
        # read one kind of update for a set's challenges.
        Index("ix_challenge_updates_challenge_id_created_at", "challenge_id", "created_at"),
        Index("ix_challenge_updates_challenge_id_kind", "challenge_id", "kind"),
    )

    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    # Null once the writer deletes their account: it then reads "A former member".
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    # The question, the insight, what the owner will try, or the gain itself.
    body: Mapped[str] = mapped_column(Text)
    # A question the owner found helpful.
    helped_at: Mapped[datetime | None]
    # Experiments: what the owner expects to learn, and that it costs little or nothing.
    expected_learning: Mapped[str] = mapped_column(Text, default="")
    spend: Mapped[str | None] = mapped_column(String(10))
    # Actions and experiments, later: what happened.
    outcome: Mapped[str] = mapped_column(Text, default="")
    outcome_at: Mapped[datetime | None]
    # Gains: for whom, what kind, and how the owner knows.
    gain_for: Mapped[str | None] = mapped_column(String(20))
    gain_kind: Mapped[str | None] = mapped_column(String(20))
    evidence: Mapped[str] = mapped_column(Text, default="")

    challenge: Mapped[Challenge] = relationship()
    author: Mapped[User | None] = relationship()

    @property
    def is_plan(self) -> bool:
        """An action or an experiment: something to try, with what happened to follow."""
        return self.kind in PLAN_KINDS

    def __repr__(self) -> str:
        return f"<ChallengeUpdate {self.id} {self.kind}>"


class ChallengeUpdateAttachment(AttachedFile, Model):
    """A file kept beside an update of a challenge: read by exactly those who may read the
    challenge. Its bytes go with it (the blob cascades it away), and with its update."""

    __tablename__ = "challenge_update_attachments"

    update_id: Mapped[int] = mapped_column(
        ForeignKey("challenge_updates.id", ondelete="CASCADE"), index=True
    )

    update: Mapped[ChallengeUpdate] = relationship()


class Story(Timestamped, Model):
    """A closed challenge told as a short story of emerging practice, for the whole programme.

    It exists once the owner has written a summary; it is public to signed-in users only while
    `published_at` is set, which needs the owner's consent each time.
    """

    __tablename__ = "stories"

    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), unique=True
    )
    summary: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    # When the owner ticked the consent box for the current publication.
    consented_at: Mapped[datetime | None]

    challenge: Mapped[Challenge] = relationship(back_populates="story")

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
