"""The rules of certificates: what one counts, issuing, withdrawing and checking one."""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from learnset import audit
from learnset.accounts.models import User
from learnset.audit import AuditKind
from learnset.certificates.models import Certificate
from learnset.cohorts.models import Cohort, Membership
from learnset.dates import UK, uk_date
from learnset.errors import DomainError
from learnset.meetings.models import Attendance, Meeting
from learnset.reflections.models import Reflection

REFERENCE_GROUPS = 5
REFERENCE_PATTERN = re.compile(r"[A-Z2-7]{20}")
# The longest period one certificate may cover.
MOST_YEARS = 5


class CertificateError(DomainError):
    """A certificate cannot be issued or withdrawn as asked."""


@dataclass(frozen=True)
class Signatory:
    programme: str
    name: str
    role: str


@dataclass(frozen=True)
class Period:
    """A programme year the person can choose: a learning set's twelve months."""

    key: str
    label: str
    date_from: date
    date_to: date


@dataclass(frozen=True)
class Figures:
    sessions: list[dict[str, Any]]
    minutes_attended: int
    cpd_minutes: int


def new_reference() -> str:
    """A fresh reference: 100 random bits as twenty base32 characters in groups of four."""
    text = base64.b32encode(secrets.token_bytes(13)).decode()[:20]
    return "-".join(text[i : i + 4] for i in range(0, 20, 4))


def normalise_reference(typed: str) -> str | None:
    """A reference as stored, from however it was typed (spaces, dashes, lower case); None
    when it cannot be one."""
    letters = re.sub(r"[\s\-]", "", typed or "").upper()
    if not REFERENCE_PATTERN.fullmatch(letters):
        return None
    return "-".join(letters[i : i + 4] for i in range(0, 20, 4))


def _uk_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UK)


def programme_years(db: Session, user: User, today: date) -> list[Period]:
    """The twelve months of each learning set the person takes part in, newest first, up to
    today (a year still running ends today)."""
    cohorts = db.scalars(
        select(Cohort)
        .join(Membership, Membership.cohort_id == Cohort.id)
        .where(
            Membership.user_id == user.id,
            Membership.role == "participant",
            Cohort.start_month.is_not(None),
        )
        .order_by(Cohort.start_month.desc(), Cohort.id)
    )
    periods = []
    for cohort in cohorts:
        assert cohort.start_month is not None
        start = cohort.start_month.replace(day=1)
        if start > today:
            continue
        end = min(start + relativedelta(years=1) - timedelta(days=1), today)
        periods.append(
            Period(
                key=f"cohort-{cohort.id}",
                label=f"{cohort.name}: {uk_date(start)} to {uk_date(end)}",
                date_from=start,
                date_to=end,
            )
        )
    return periods


def check_period(date_from: date, date_to: date, today: date) -> tuple[date, date]:
    """The period a certificate may cover: in order, not in the future, at most five years."""
    if date_from > today:
        raise CertificateError("The start date must be today or in the past", "date_from")
    if date_to < date_from:
        raise CertificateError(
            "The end date must be the same as or after the start date", "date_to"
        )
    date_to = min(date_to, today)
    if date_from + relativedelta(years=MOST_YEARS) <= date_to:
        raise CertificateError(
            f"A certificate can cover up to {MOST_YEARS} years: choose a shorter period",
            "date_from",
        )
    return date_from, date_to


def figures(db: Session, user: User, date_from: date, date_to: date) -> Figures:
    """The sessions the person was recorded as attending (a published session starting in the
    period, UK time) and the CPD minutes of their reflections on experiences in the period."""
    rows = db.execute(
        select(Meeting, Cohort.name)
        .join(Attendance, Attendance.meeting_id == Meeting.id)
        .join(Cohort, Cohort.id == Meeting.cohort_id)
        .where(
            Attendance.user_id == user.id,
            Attendance.present.is_(True),
            Meeting.status == "published",
            Meeting.starts_at >= _uk_start(date_from),
            Meeting.starts_at < _uk_start(date_to + timedelta(days=1)),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    sessions: list[dict[str, Any]] = [
        {
            "date": meeting.starts_at.astimezone(UK).date().isoformat(),
            "set": cohort_name,
            "number": meeting.number,
            "title": meeting.title,
            "minutes": max(0, int((meeting.ends_at - meeting.starts_at).total_seconds() // 60)),
        }
        for meeting, cohort_name in rows
    ]
    cpd = db.scalar(
        select(func.coalesce(func.sum(Reflection.cpd_minutes), 0)).where(
            Reflection.author_id == user.id,
            Reflection.deleted_at.is_(None),
            Reflection.experienced_on >= date_from,
            Reflection.experienced_on <= date_to,
        )
    )
    return Figures(
        sessions=sessions,
        minutes_attended=sum(int(session["minutes"]) for session in sessions),
        cpd_minutes=int(cpd or 0),
    )


def issue(
    db: Session,
    user: User,
    date_from: date,
    date_to: date,
    signatory: Signatory,
    now: datetime,
) -> Certificate:
    """Issue the person a certificate for the period, its figures frozen as they are now."""
    date_from, date_to = check_period(date_from, date_to, now.astimezone(UK).date())
    found = figures(db, user, date_from, date_to)
    if not found.sessions and not found.cpd_minutes:
        raise CertificateError(
            "There is nothing to certify in these dates: no sessions attended and no CPD time "
            "logged. Choose other dates.",
            "date_from",
        )
    certificate = Certificate(
        holder_id=user.id,
        reference=new_reference(),
        holder_name=user.name,
        programme_name=signatory.programme,
        date_from=date_from,
        date_to=date_to,
        sessions_attended=len(found.sessions),
        minutes_attended=found.minutes_attended,
        cpd_minutes=found.cpd_minutes,
        sessions=found.sessions,
        signatory_name=signatory.name,
        signatory_role=signatory.role,
        issued_at=now,
    )
    db.add(certificate)
    db.flush()
    audit.record(
        db,
        AuditKind.CERTIFICATE_ISSUED,
        actor_id=user.id,
        detail=f"{date_from.isoformat()} to {date_to.isoformat()}",
        now=now,
    )
    return certificate


def revoke(db: Session, user: User, certificate: Certificate, now: datetime) -> None:
    """Withdraw the holder's certificate: the verification page stops finding it."""
    if certificate.holder_id != user.id:
        raise CertificateError("Only the holder can withdraw a certificate", status=403)
    if certificate.revoked_at is not None:
        raise CertificateError("This certificate has already been withdrawn")
    certificate.revoked_at = now
    db.flush()
    audit.record(
        db,
        AuditKind.CERTIFICATE_REVOKED,
        actor_id=user.id,
        detail=certificate.reference,
        now=now,
    )


def find_valid(db: Session, typed: str) -> Certificate | None:
    """The certificate a reference names, unless it was withdrawn. One query whatever was typed,
    so a wrong or withdrawn reference answers as fast as a good one."""
    reference = normalise_reference(typed) or "-"
    certificate = db.scalar(select(Certificate).where(Certificate.reference == reference))
    if certificate is None or certificate.revoked_at is not None:
        return None
    return certificate


def erase_personal_data(db: Session, user: User) -> None:
    """Delete every certificate issued to the person: their references stop checking."""
    db.execute(delete(Certificate).where(Certificate.holder_id == user.id))
    db.flush()
