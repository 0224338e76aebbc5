"""How long Learnset keeps each kind of personal data, and the purge that holds it to that.

`LIFETIMES` is the list; `docs/retention.md` says the same in words for an information
governance lead, and tests/test_retention.py holds the two together (every table is listed,
every timed lifetime is purged by `flask purge`, and the words match). A lifetime with no
`purge` lasts as long as the account or the learning set it belongs to: the person deletes
their account from their account page, and everything of theirs goes with it
(learnset/accounts/personal_data.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from learnset import audit, files, mail, once
from learnset.accounts import lockout, sign_ins
from learnset.assessment import reminders
from learnset.cohorts import bulk
from learnset.cohorts import services as cohorts
from learnset.colleague_feedback import services as colleague_feedback
from learnset.feedback import services as feedback
from learnset.mail import queue
from learnset.notifications import services as notifications
from learnset.reflections import binned, rescue
from learnset.reflections.models import RESCUE_DAYS
from learnset.session_feedback.models import SessionFeedback


@dataclass(frozen=True)
class Purge:
    """What a purge needs: the database, the moment, the app's settings."""

    db: Session
    now: datetime
    config: Any

    @property
    def idle(self) -> timedelta:
        return timedelta(minutes=self.config["SESSION_IDLE_MINUTES"])

    @property
    def failure_window(self) -> timedelta:
        return timedelta(minutes=self.config["SIGN_IN_FAILURE_WINDOW_MINUTES"])


@dataclass(frozen=True)
class Lifetime:
    kind: str
    # The tables (or, for files, the folder) it lives in.
    where: tuple[str, ...]
    kept: str
    purge: Callable[[Purge], int] | None = None
    # For a lifetime set by a setting: what it is with this configuration, in words.
    configured: Callable[[Any], str] | None = None
    # How it goes when nothing purges it.
    removed_by: str = "The person deleting their account (on their account page)"

    def kept_with(self, config: Any) -> str:
        """How long, with the settings in force (the privacy notice shows this)."""
        return self.configured(config) if self.configured is not None else self.kept

    @property
    def how_it_goes(self) -> str:
        return "`flask purge`, daily" if self.purge is not None else self.removed_by


WHILE_ACCOUNT = "While the account exists; deleted with it"
WHILE_SET = "The programme's own record: learning sets are not deleted in the app"

LIFETIMES: list[Lifetime] = [
    # Kept while the account exists.
    Lifetime(
        "Account: name, email address, job title, organisation, password hash, roles",
        ("users", "memberships"),
        WHILE_ACCOUNT + ". Deactivating an account keeps it, so it can be reactivated",
    ),
    Lifetime(
        "Two-factor authentication: the authenticator app's key and the time step of the last "
        "code used, recovery codes (digests only), passkeys (name, public key, when added and "
        "last used)",
        ("two_factor_apps", "recovery_codes", "passkeys"),
        WHILE_ACCOUNT + ", or until turned off, removed or reset by an admin",
        removed_by="The person (on their account page), an admin's reset, or deleting the account",
    ),
    Lifetime(
        "Reflections, their parts, earlier versions and the capabilities they evidence",
        ("reflections", "reflection_parts", "reflection_versions", "reflection_capabilities"),
        WHILE_ACCOUNT,
    ),
    # Before the reflections themselves, so the comments are counted rather than cascaded away.
    Lifetime(
        "Comments on a reflection in the bin (other people's words)",
        ("reflection_comments",),
        f"{binned.BIN_DAYS} days after the reflection was put in the bin",
        lambda p: binned.purge_comments_in_bin(p.db, p.now),
    ),
    Lifetime(
        "A reflection in the bin, with its parts, versions and drafts",
        ("reflections",),
        f"{binned.BIN_DAYS} days after it was put in the bin",
        lambda p: binned.purge_bin(p.db, p.now),
    ),
    Lifetime(
        "Files attached to reflections (evidence: letters, slides, certificates, photos "
        "without their metadata), with their stored bytes",
        ("reflection_attachments", "file_blobs", "file_chunks", "file_thumbnails"),
        "While the reflection exists; deleted for good with it (from the bin, or after its 30 "
        "days there) or when its author removes the file",
        removed_by="The author removing the file or deleting the reflection (then the bin's 30 "
        "days), or deleting their account",
    ),
    Lifetime(
        "Files attached to updates of live challenges (evidence: notes, slides, photos "
        "without their metadata), with their stored bytes",
        ("challenge_update_attachments", "file_blobs", "file_chunks", "file_thumbnails"),
        "While the update exists; deleted for good with it, with its challenge, or when its "
        "owner removes the file",
        removed_by="The owner removing the file, deleting the update or the challenge, or "
        "deleting their account",
    ),
    Lifetime(
        "Stored files nothing points at any more (left when an account or a reflection went)",
        ("file_blobs", "file_chunks", "file_thumbnails"),
        "An hour at most",
        lambda p: files.purge_orphans(p.db, p.now),
    ),
    Lifetime(
        "Comments on reflections",
        ("reflection_comments",),
        "While the reflection exists; a commenter who deletes their account leaves the comment "
        "without their name",
        removed_by="The reflection's author deleting the reflection (then the bin's 30 days) or "
        "their account",
    ),
    Lifetime(
        "Unsaved drafts of reflections",
        ("reflection_drafts",),
        "Until the writer saves or discards it",
        removed_by="Saving or discarding it, deleting the reflection, or deleting the account",
    ),
    Lifetime(
        "Quick notes, with their optional photo (kept without its metadata)",
        ("notes", "file_blobs", "file_chunks", "file_thumbnails"),
        "Until the writer turns it into a reflection (the photo then stays as its attachment) "
        "or deletes it",
        removed_by="Saving the reflection made from it, deleting it, or deleting the account",
    ),
    Lifetime(
        "Text kept after a sign-in expired",
        ("reflection_rescues",),
        f"{RESCUE_DAYS} days after it was last written",
        lambda p: rescue.purge_kept_text(p.db, p.now),
    ),
    Lifetime(
        "Self-assessments, ratings, evidence notes, the focus for the month",
        ("self_assessments", "ratings", "rating_reflections", "learning_focuses"),
        WHILE_ACCOUNT,
    ),
    Lifetime(
        "Live challenges, their updates and gains, published stories",
        ("challenges", "challenge_updates", "trapped_notes", "stories"),
        WHILE_ACCOUNT,
    ),
    Lifetime(
        "Topics proposed, votes, presenter slots, attendance, calendar feed address",
        ("emergent_topics", "topic_votes", "presenter_slots", "attendances", "calendar_feeds"),
        WHILE_ACCOUNT + ". A topic a tutor has already decided on stays for the set, without "
        "its proposer's name",
    ),
    Lifetime(
        "Feedback from colleagues: the rounds asked for, each colleague's relationship, and the "
        "report (averages of three or more, words without names)",
        ("feedback_rounds", "feedback_raters"),
        WHILE_ACCOUNT,
    ),
    Lifetime(
        "Answers about a session: how useful it was, what they will do differently, one thing "
        "they would change",
        (SessionFeedback.__tablename__,),
        "While the session exists. Deleting the account leaves the answers without the "
        "person's name, so what the set's tutors were shown does not change",
        removed_by="Deleting the session (its tutors or an admin); deleting the account removes "
        "the name",
    ),
    Lifetime(
        "Certificates issued: the name, programme, dates, sessions attended, hours and CPD time "
        "as they were when issued, and the reference (withdrawn ones too)",
        ("certificates",),
        WHILE_ACCOUNT,
    ),
    # Kept for a time.
    Lifetime(
        "Colleagues asked for feedback: their email address (and a digest of it, so nobody is "
        "asked twice in a round), answers saved or sent before the round closes",
        ("feedback_raters", "feedback_responses"),
        "The address until the colleague sends or declines, or the round closes; the digest, "
        "and answers, until the round closes (answers are then folded into the report and "
        "deleted); the daily purge closes rounds past their closing date",
        lambda p: colleague_feedback.purge_addresses(p.db, p.now),
    ),
    Lifetime(
        "Check-in reminders sent (who was reminded after which session)",
        ("check_in_reminders",),
        f"{reminders.KEEP_REMINDERS.days} days after the reminder was sent",
        lambda p: reminders.purge_reminders(p.db, p.now),
    ),
    Lifetime(
        "Invitations: the address invited, the name given, the set and the role",
        ("invitations",),
        f"{cohorts.KEEP_SETTLED_INVITATIONS.days} days after it was accepted, withdrawn or expired",
        lambda p: cohorts.purge_invitations(p.db, p.now),
    ),
    Lifetime(
        "Invitations from a CSV file: the names, addresses, roles and sets in the file uploaded",
        ("invitation_imports",),
        f"{bulk.KEEP_UNSENT.days} day if not sent; "
        f"{cohorts.KEEP_SETTLED_INVITATIONS.days} days after it was sent",
        lambda p: bulk.purge_imports(p.db, p.now),
    ),
    Lifetime(
        "Emails waiting to be sent, sent, or given up on: recipient, subject and text",
        ("outgoing_mail",),
        f"{queue.KEEP_SENT.days} days after it was sent; {queue.KEEP_GIVEN_UP.days} days after "
        "it was given up on. A password reset asked for an address with no account is dropped "
        "when it would have been sent",
        lambda p: queue.purge(p.db, p.now),
    ),
    Lifetime(
        "Copies of emails in the outbox folder (only when no mail server is set)",
        ("instance/outbox",),
        f"{mail.KEEP_OUTBOX.days} days after the file was written",
        lambda p: mail.purge_outbox(Path(p.config["MAIL_OUTBOX"]), p.now),
    ),
    Lifetime(
        "Sign-in sessions: device, network (never the full IP address), when used",
        ("sign_in_sessions",),
        f"{sign_ins.KEEP_ENDED_FOR.days} days after the session ended, expired or went idle",
        lambda p: sign_ins.purge(p.db, p.now, p.idle),
    ),
    Lifetime(
        "Failed sign-ins: a digest of the address typed, the IP address",
        ("sign_in_failures",),
        "Until they leave the lockout window (15 minutes by default), then the next purge",
        lambda p: lockout.purge(p.db, p.now, p.failure_window),
        configured=lambda config: (
            "Until they leave the lockout window "
            f"({config['SIGN_IN_FAILURE_WINDOW_MINUTES']} minutes), then the next purge"
        ),
    ),
    Lifetime(
        "Forms sent that made something: the account, when, the page of what was made, and a "
        "digest of the form's one-time value (so a second click makes nothing new)",
        ("form_submissions",),
        f"{once.KEEP_CLAIMS.days} day after the form was sent",
        lambda p: once.purge(p.db, p.now),
    ),
    Lifetime(
        "Feedback sent from the feedback page: the message, the sender's account or the reply "
        "address they chose to give",
        ("feedback_messages",),
        f"{feedback.KEEP_FEEDBACK.days} days after it was sent; deleted with the sender's account",
        lambda p: feedback.purge(p.db, p.now),
    ),
    Lifetime(
        "Notifications: their kind, who acted, a description written by Learnset (never anyone's "
        "words), a link, when read and emailed",
        ("notifications",),
        f"{notifications.KEEP_NOTIFICATIONS.days} days after it was made; deleted with the "
        "account it was for",
        lambda p: notifications.purge(p.db, p.now),
    ),
    Lifetime(
        "Choices about notifications: how often to be emailed about each kind",
        ("notification_preferences",),
        WHILE_ACCOUNT,
    ),
    Lifetime(
        "Audit log: sign-ins, role changes, invitations, downloads and deletions, by account "
        "number, with a keyed digest of the IP address",
        ("audit_events",),
        "AUDIT_RETENTION_DAYS days after the event (730 days, about 2 years, by default)",
        lambda p: audit.purge(p.db, p.now, p.config["AUDIT_RETENTION_DAYS"]),
        configured=lambda config: f"{config['AUDIT_RETENTION_DAYS']} days after the event",
    ),
]

# Tables that hold no personal data: the programme's own content and arrangements, and the
# released figures, which are aggregates already suppressed below 3 people.
NOT_PERSONAL = {
    "cohorts": WHILE_SET,
    "meetings": WHILE_SET + "; a tutor may delete a draft session",
    "meeting_items": WHILE_SET,
    "figure_releases": WHILE_SET,
    # How many answered a session (or a set's sessions) at each level, and how many wrote: no
    # words, no names.
    "session_feedback_tallies": "With its session",
    "session_feedback_set_tallies": WHILE_SET + "; added up again by the daily tally",
    "session_feedback_tally_runs": "Until the next daily tally",
    # A random number a set's activity changes (dashboards/models.py): nothing about anyone.
    "engagement_stamps": "Never deleted: a number with no one's data, changed with the set's "
    "activity",
    "content_items": "Archived, never deleted, when its file leaves content/",
    "content_item_capabilities": "With its library item",
    # Who saved a version is forgotten (set to nothing) when their account is deleted.
    "content_versions": "With its library item or capability",
    "capabilities": "Archived, never deleted, when it leaves the framework",
    "capability_domains": "Archived, never deleted, when it leaves the framework",
    "programmes": "Archived, never deleted, when its folder leaves content/programme/",
    "programme_sessions": "With its programme",
    "programme_steps": "With its programme session",
    # Who applied it is forgotten (set to nothing) when their account is deleted.
    "programme_uses": WHILE_SET,
    # Email domains, not addresses; who added one is forgotten when their account is deleted.
    "required_sso_domains": "Until an admin removes it",
}


@dataclass(frozen=True)
class Purged:
    lifetime: Lifetime
    count: int


def purge(db: Session, now: datetime, config: Any) -> list[Purged]:
    """Delete everything past its lifetime, in one transaction (the caller commits)."""
    context = Purge(db, now, config)
    return [
        Purged(lifetime, lifetime.purge(context))
        for lifetime in LIFETIMES
        if lifetime.purge is not None
    ]
