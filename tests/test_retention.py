"""docs/retention.md against the code: every table is listed, every timed lifetime is purged by
`flask purge`, and the words are the code's. Then each purge, run for real: past its lifetime
goes, within it stays."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from learnset import PROJECT_ROOT, retention
from learnset.accounts import lockout, sign_ins
from learnset.accounts.models import SignInFailure, SignInSession
from learnset.assessment.models import CheckInReminder
from learnset.cohorts.models import Invitation
from learnset.db import Base, utcnow
from learnset.mail import queue
from learnset.mail.models import OutgoingMail
from learnset.reflections.models import Reflection, ReflectionComment, ReflectionRescue
from tests import factories

DOC = PROJECT_ROOT / "docs" / "retention.md"
ROW = re.compile(r"^\| (?!---)(.+) \|$")


def _tables_of(section: str) -> list[list[str]]:
    """The rows (header left out) of the first Markdown table under a `## section` heading."""
    text = DOC.read_text()
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    rows = [ROW.match(line) for line in body.splitlines()]
    cells = [[cell.strip() for cell in row.group(1).split(" | ")] for row in rows if row]
    return cells[1:]


def _names(cell: str) -> tuple[str, ...]:
    return tuple(re.findall(r"`([^`]+)`", cell))


def test_the_document_lists_every_lifetime_in_the_code_s_words():
    documented = _tables_of("Personal data")
    assert documented == [
        [
            lifetime.kind,
            ", ".join(f"`{where}`" for where in lifetime.where),
            lifetime.kept,
            lifetime.how_it_goes,
        ]
        for lifetime in retention.LIFETIMES
    ]


def test_the_document_lists_the_tables_that_hold_no_personal_data():
    assert {_names(table)[0]: kept for table, kept in _tables_of("Not personal data")} == (
        retention.NOT_PERSONAL
    )


def test_every_table_is_accounted_for_once_as_personal_or_not():
    personal = {where for lifetime in retention.LIFETIMES for where in lifetime.where}
    tables = set(Base.metadata.tables)
    assert tables - personal - set(retention.NOT_PERSONAL) == set(), "add them to retention.py"
    assert not personal & set(retention.NOT_PERSONAL)
    assert personal - tables == {"instance/outbox"}


# --- Each purge, for real -------------------------------------------------------------------
# A scene makes one thing just past its lifetime ("old") and one just within it ("fresh"), and
# says how to find which of them are left.


def _comments_in_the_bin(db, people, now, _app):
    old = factories.make_reflection(db, people.participant, deleted_at=now - timedelta(days=31))
    fresh = factories.make_reflection(db, people.participant, deleted_at=now - timedelta(days=29))
    labels = {
        factories.make_comment(db, old, people.fellow).id: "old",
        factories.make_comment(db, fresh, people.fellow).id: "fresh",
    }
    return lambda: {labels[i] for i in db.scalars(select(ReflectionComment.id))}


def _reflections_in_the_bin(db, people, now, _app):
    labels = {
        factories.make_reflection(db, people.participant, deleted_at=now - timedelta(days=31)).id:
        "old",
        factories.make_reflection(db, people.participant, deleted_at=now - timedelta(days=29)).id:
        "fresh",
    }  # fmt: skip
    return lambda: {labels[i] for i in db.scalars(select(Reflection.id))}


def _kept_text(db, people, now, _app):
    labels = {}
    for label, days in (("old", 7.1), ("fresh", 6.9)):
        kept = ReflectionRescue(
            key_hash=label.ljust(64, "x"),
            user_id=people.participant.id,
            data={"title": [label]},
            created_at=now - timedelta(days=days),
        )
        db.add(kept)
        db.flush()
        labels[kept.id] = label
    return lambda: {labels[i] for i in db.scalars(select(ReflectionRescue.id))}


def _stored_files(db, people, now, _app):
    import io

    from learnset import files
    from learnset.files.models import FileBlob
    from learnset.reflections.models import ReflectionAttachment

    labels = {}
    for label, age in (("old", 2), ("fresh", 0.5), ("attached", 2)):
        blob = files.save(
            db, people.participant.id, io.BytesIO(label.encode()), files.KINDS["txt"],
            now - timedelta(hours=age), quota=10**6,
        )  # fmt: skip
        labels[blob.id] = label
        if label == "attached":
            reflection = factories.make_reflection(db, people.participant)
            db.add(ReflectionAttachment(reflection_id=reflection.id, blob_id=blob.id, name="a.txt"))
            db.flush()
    return lambda: {labels[i] for i in db.scalars(select(FileBlob.id))}


def _reminders(db, people, now, _app):
    meeting = factories.make_past_meeting(db, people.cohort)
    labels = {}
    for label, days, person in (("old", 91, people.participant), ("fresh", 89, people.fellow)):
        reminder = CheckInReminder(
            participant_id=person.id, meeting_id=meeting.id, sent_at=now - timedelta(days=days)
        )
        db.add(reminder)
        db.flush()
        labels[reminder.id] = label
    return lambda: {labels[i] for i in db.scalars(select(CheckInReminder.id))}


def _invitations(db, people, now, _app):
    long_ago, lately = now - timedelta(days=31), now - timedelta(days=29)
    made = {
        "old accepted": {"accepted_at": long_ago},
        "old withdrawn": {"revoked_at": long_ago},
        "old expired": {"expires_at": long_ago},
        "fresh accepted": {"accepted_at": lately},
        "fresh expired": {"expires_at": lately},
        "pending": {},
    }
    labels = {
        factories.make_invitation(db, people.cohort, token=label, **values).id: label
        for label, values in made.items()
    }
    return lambda: {labels[i] for i in db.scalars(select(Invitation.id))}


def _invitation_imports(db, people, now, _app):
    from learnset.cohorts import bulk
    from learnset.cohorts.models import InvitationImport

    csv = b"name,email,role,learning set\nNia New,nia@example.org,participant,Riverside set\n"
    made = {
        "old unsent": (now - timedelta(days=1, minutes=1), None),
        "fresh unsent": (now - timedelta(hours=23), None),
        "old sent": (now - timedelta(days=32), now - timedelta(days=31)),
        "fresh sent": (now - timedelta(days=30), now - timedelta(days=29)),
    }
    labels = {}
    for label, (uploaded, sent) in made.items():
        kept = bulk.upload(db, people.tutor, f"{label}.csv", csv, uploaded)
        kept.sent_at = sent
        labels[kept.id] = label
    db.flush()
    return lambda: {labels[i] for i in db.scalars(select(InvitationImport.id))}


def _emails(db, _people, now, _app):
    labels = {}
    for label, sent, failed in (
        ("old sent", 7.1, None),
        ("fresh sent", 6.9, None),
        ("old given up", None, 31),
        ("fresh given up", None, 29),
        ("waiting", None, None),
    ):
        mail = queue.add(db, kind="message", recipient="someone@example.org", now=now)
        mail.sent_at = now - timedelta(days=sent) if sent else None
        mail.failed_at = now - timedelta(days=failed) if failed else None
        labels[mail.id] = label
    db.flush()
    return lambda: {labels[i] for i in db.scalars(select(OutgoingMail.id))}


def _outbox_files(_db, _people, now, app):
    folder = Path(app.config["MAIL_OUTBOX"])
    folder.mkdir(parents=True, exist_ok=True)
    for label, days in (("old", 7.1), ("fresh", 6.9)):
        path = folder / f"{label}.eml"
        path.write_text("Subject: test\n\nbody\n")
        moment = (now - timedelta(days=days)).timestamp()
        os.utime(path, (moment, moment))
    return lambda: {path.stem for path in folder.glob("*.eml")}


def _sign_in_sessions(db, people, now, _app):
    labels = {}
    for label, days in (("old", 31), ("fresh", 29)):
        row = sign_ins.start(
            db, people.participant, now - timedelta(days=40), lifetime=timedelta(days=60),
            user_agent="", ip=None,
        ).sign_in  # fmt: skip
        row.last_seen_at = row.ended_at = now - timedelta(days=days)
        row.ended_reason = sign_ins.Ended.SIGNED_OUT
        labels[row.id] = label
    db.flush()
    return lambda: {labels[i] for i in db.scalars(select(SignInSession.id))}


def _failed_sign_ins(db, _people, now, _app):
    lockout.record_failure(db, "old@example.org", "192.0.2.1", now - timedelta(minutes=16))
    lockout.record_failure(db, "fresh@example.org", "192.0.2.1", now - timedelta(minutes=1))
    db.flush()
    digests = {lockout.email_digest(f"{label}@example.org"): label for label in ("old", "fresh")}
    return lambda: {digests[d] for d in db.scalars(select(SignInFailure.email_digest))}


def _audit_events(db, people, now, app):
    from learnset import audit

    days = app.config["AUDIT_RETENTION_DAYS"]
    labels = {}
    for label, age in (("old", days + 0.1), ("fresh", days - 0.1)):
        event = audit.record(
            db, audit.AuditKind.SIGNED_IN, actor_id=people.participant.id,
            now=now - timedelta(days=age),
        )  # fmt: skip
        labels[event.id] = label
    return lambda: {labels[i] for i in db.scalars(select(audit.AuditEvent.id)) if i in labels}


def _feedback(db, people, now, _app):
    from learnset.feedback.services import leave

    labels = {}
    for label, days in (("old", 365.1), ("fresh", 364.9)):
        sent = leave(
            db,
            message=label,
            page="",
            user=people.participant,
            reply_to="",
            now=now - timedelta(days=days),
        )
        labels[sent.id] = label
    from learnset.feedback.models import FeedbackMessage

    return lambda: {labels[i] for i in db.scalars(select(FeedbackMessage.id))}


def _colleagues(db, people, now, _app):
    from learnset.colleague_feedback.models import FeedbackRater
    from tests.colleague_feedback.helpers import make_round

    framework = factories.make_framework(db)
    closed = make_round(db, people.participant, people.cohort, [framework.listening], ["peer"] * 3)
    closed.closes_at = now - timedelta(minutes=1)
    open_round = make_round(db, people.fellow, people.cohort, [framework.listening], ["peer"] * 3)
    labels = {r.id: "old" for r in closed.raters} | {r.id: "fresh" for r in open_round.raters}
    return lambda: {
        labels[i]
        for i in db.scalars(
            select(FeedbackRater.id).where(
                FeedbackRater.email.is_not(None) | FeedbackRater.email_digest.is_not(None)
            )
        )
    }


def _form_submissions(db, people, now, _app):
    from learnset.once import FormSubmission, claim

    labels = {}
    for label, hours in (("old", 24.1), ("fresh", 23.9)):
        made = claim(db, people.participant.id, label, now - timedelta(hours=hours))
        labels[made.id] = label
    return lambda: {labels[i] for i in db.scalars(select(FormSubmission.id))}


def _notifications(db, people, now, _app):
    from learnset.notifications.models import Notification, NotificationKind
    from learnset.notifications.services import notify

    labels = {}
    for label, days in (("old", 180.1), ("fresh", 179.9)):
        (made,) = notify(
            db, [people.participant], NotificationKind.COMMENT, actor=people.tutor,
            link="/", description=label, now=now - timedelta(days=days),
        )  # fmt: skip
        labels[made.id] = label
    return lambda: {labels[i] for i in db.scalars(select(Notification.id))}


SCENES = {
    "Notifications: their kind, who acted, a description written by Learnset (never anyone's "
    "words), a link, when read and emailed": (_notifications, {"fresh"}),
    "Colleagues asked for feedback: their email address (and a digest of it, so nobody is "
    "asked twice in a round), answers saved or sent before the round closes": (
        _colleagues,
        {"fresh"},
    ),
    "Comments on a reflection in the bin (other people's words)": (_comments_in_the_bin, {"fresh"}),
    "A reflection in the bin, with its parts, versions and drafts": (
        _reflections_in_the_bin,
        {"fresh"},
    ),
    "Text kept after a sign-in expired": (_kept_text, {"fresh"}),
    "Stored files nothing points at any more (left when an account or a reflection went)": (
        _stored_files,
        {"fresh", "attached"},
    ),
    "Check-in reminders sent (who was reminded after which session)": (_reminders, {"fresh"}),
    "Invitations: the address invited, the name given, the set and the role": (
        _invitations,
        {"fresh accepted", "fresh expired", "pending"},
    ),
    "Invitations from a CSV file: the names, addresses, roles and sets in the file uploaded": (
        _invitation_imports,
        {"fresh unsent", "fresh sent"},
    ),
    "Emails waiting to be sent, sent, or given up on: recipient, subject and text": (
        _emails,
        {"fresh sent", "fresh given up", "waiting"},
    ),
    "Copies of emails in the outbox folder (only when no mail server is set)": (
        _outbox_files,
        {"fresh"},
    ),
    "Sign-in sessions: device, network (never the full IP address), when used": (
        _sign_in_sessions,
        {"fresh"},
    ),
    "Failed sign-ins: a digest of the address typed, the IP address": (_failed_sign_ins, {"fresh"}),
    "Forms sent that made something: the account, when, the page of what was made, and a "
    "digest of the form's one-time value (so a second click makes nothing new)": (
        _form_submissions,
        {"fresh"},
    ),
    "Feedback sent from the feedback page: the message, the sender's account or the reply "
    "address they chose to give": (_feedback, {"fresh"}),
    "Audit log: sign-ins, role changes, invitations, downloads and deletions, by account number, "
    "with a keyed digest of the IP address": (_audit_events, {"fresh"}),
}


def test_every_timed_lifetime_has_a_scene_below():
    timed = {lifetime.kind for lifetime in retention.LIFETIMES if lifetime.purge is not None}
    assert timed == set(SCENES)


@pytest.mark.parametrize("kind", SCENES)
def test_flask_purge_deletes_what_is_past_its_lifetime_and_nothing_else(app, db, people, kind):
    scene, left = SCENES[kind]
    remaining = scene(db, people, utcnow(), app)
    db.commit()
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    db.expire_all()
    assert remaining() == left
    assert f"{kind} (kept: " in result.output
    again = app.test_cli_runner().invoke(args=["purge"])
    assert f"     0  {kind}" in again.output
