"""The audit log: security-relevant events (sign-ins, role changes, invitations, downloads of
personal data, deletions, content loads), written in the transaction of the action itself.

A service or view calls `record` before its commit, so the event and the action stand or fall
together. A download is a GET, which never writes in its own session: `record_apart` writes
the event in a short transaction of its own before the file is handed over, and a download
whose event cannot be written is refused rather than made unrecorded.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, has_request_context, request
from sqlalchemy import insert
from sqlalchemy.orm import Session

from learnset.audit.models import AuditEvent, AuditKind
from learnset.db import close_session, column_length, database, delete_where, utcnow

__all__ = ["AuditEvent", "AuditKind", "client_digest", "purge", "record", "record_apart"]


def client_digest(address: str | None, key: str) -> str:
    """A keyed digest of an IP address: the same address gives the same digest under the same
    key, and without the key it cannot be turned back into the address."""
    if not address:
        return ""
    digest = hmac.new(key.encode(), b"audit-client:" + address.encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def _client() -> str:
    if not has_request_context():
        return ""
    return client_digest(request.remote_addr, current_app.config["SECRET_KEY"])


def _event(
    kind: AuditKind, actor_id: int | None, subject_id: int | None, detail: str, now: datetime | None
) -> dict[str, Any]:
    """An event's columns."""
    return {
        "at": now or utcnow(),
        "kind": kind.value,
        "actor_id": actor_id,
        "subject_id": subject_id if subject_id != actor_id else None,
        "detail": detail[: column_length(AuditEvent, "detail")],
        "client": _client(),
    }


def record(
    db: Session,
    kind: AuditKind,
    *,
    actor_id: int | None,
    subject_id: int | None = None,
    detail: str = "",
    now: datetime | None = None,
) -> AuditEvent:
    """Add an event to the caller's transaction: it is kept only if the action is."""
    event = AuditEvent(**_event(kind, actor_id, subject_id, detail, now))
    db.add(event)
    db.flush()
    return event


def record_apart(
    kind: AuditKind, *, actor_id: int | None, subject_id: int | None = None, detail: str = ""
) -> None:
    """Write an event in a transaction of its own, for a GET (a download) whose own session
    only reads. Call it once the file is built: the request's reading transaction ends first,
    so the write takes the lock afresh. An error propagates: nothing is handed over
    unrecorded. The row is inserted as it is, without the ORM's flush: nothing reads it back."""
    close_session(finished=True)
    with database().writer_sessions.begin() as db:
        db.connection().execute(
            insert(AuditEvent), _event(kind, actor_id, subject_id, detail, None)
        )


def purge(db: Session, now: datetime, days: int) -> int:
    """Delete events older than the retention period (AUDIT_RETENTION_DAYS)."""
    return delete_where(db, AuditEvent, AuditEvent.at < now - timedelta(days=days))
