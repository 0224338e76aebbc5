"""The audit log and the failed emails, as admins read them: scoped, filtered and paged in SQL.
Both name people by account; neither holds anything a person wrote."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.audit import AuditEvent
from learnset.dates import UK
from learnset.db import shared_alias
from learnset.ids import number_in
from learnset.mail.models import OutgoingMail

Actor = shared_alias(User, name="actor")
Subject = shared_alias(User, name="subject")


@dataclass(frozen=True)
class AuditFilter:
    kind: str = ""
    # Part of a name or email address, or an account number.
    person: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @property
    def is_filtered(self) -> bool:
        return bool(self.kind or self.person or self.date_from or self.date_to)


def _start_of_uk_day(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UK).astimezone(UTC)


def _concerning(person: str) -> Any:
    """Events by or about an account number, or anyone whose name or address holds every word."""
    words = person.split()
    number = number_in(words[0]) if len(words) == 1 and len(words[0]) < 10 else None
    if number is not None:
        return or_(AuditEvent.actor_id == number, AuditEvent.subject_id == number)
    matching = select(User.id)
    for word in words:
        matching = matching.where(
            or_(
                User.name.icontains(word, autoescape=True),
                User.email.icontains(word, autoescape=True),
            )
        )
    return or_(AuditEvent.actor_id.in_(matching), AuditEvent.subject_id.in_(matching))


def audit_events(filters: AuditFilter) -> Select[AuditEvent, str | None, str | None]:
    """Events newest first, each with the names of who acted and whom it concerned (None once
    an account is deleted), in one query."""
    query = (
        select(AuditEvent, Actor.name, Subject.name)
        .outerjoin(Actor, Actor.id == AuditEvent.actor_id)
        .outerjoin(Subject, Subject.id == AuditEvent.subject_id)
    )
    if filters.kind:
        query = query.where(AuditEvent.kind == filters.kind)
    if filters.person.strip():
        query = query.where(_concerning(filters.person))
    if filters.date_from is not None:
        query = query.where(AuditEvent.at >= _start_of_uk_day(filters.date_from))
    if filters.date_to is not None:
        query = query.where(AuditEvent.at < _start_of_uk_day(filters.date_to + timedelta(days=1)))
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


CSV_COLUMNS = [
    "When (UTC)",
    "Event",
    "Event code",
    "Account",
    "Name",
    "Concerning account",
    "Concerning name",
    "Detail",
    "Client digest",
]


def _safe(value: Any) -> str:
    """A cell a spreadsheet shows as text: never a formula, whatever a name begins with."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def audit_csv(db: Session, filters: AuditFilter) -> str:
    """The filtered events as CSV, every one (the page shows them a page at a time)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    rows: Iterable[Any] = db.execute(audit_events(filters))
    for event, actor, subject in rows:
        writer.writerow(
            _safe(value)
            for value in (
                event.at.astimezone(UTC).isoformat(timespec="seconds"),
                event.kind_label,
                event.kind,
                event.actor_id,
                actor,
                event.subject_id,
                subject,
                event.detail,
                event.client,
            )
        )
    return out.getvalue()


def failed_mail() -> Select[OutgoingMail]:
    """Emails given up on after the last attempt, most recently given up first."""
    return (
        select(OutgoingMail)
        .where(OutgoingMail.failed_at.is_not(None))
        .order_by(OutgoingMail.failed_at.desc(), OutgoingMail.id.desc())
    )
