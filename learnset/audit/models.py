"""The audit log's table: one row per security-relevant event, never what anyone wrote."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from learnset.db import Model, utcnow


class AuditKind(enum.StrEnum):
    """What happened, stored by its value; each kind carries the label admins read."""

    label: str

    def __new__(cls, value: str, label: str) -> AuditKind:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    SIGNED_IN = "signed-in", "Signed in"
    SIGN_IN_FAILED = "sign-in-failed", "Sign-in failed"
    SIGN_IN_PAUSED = "sign-in-paused", "Sign-in refused: too many failures"
    TWO_FACTOR_PASSED = "two-factor-passed", "Signed in: second factor accepted"
    TWO_FACTOR_FAILED = "two-factor-failed", "Second factor refused: wrong code"
    TWO_FACTOR_PAUSED = "two-factor-paused", "Second factor refused: too many wrong codes"
    TWO_FACTOR_SET_UP = "two-factor-set-up", "Set up two-factor authentication"
    TWO_FACTOR_TURNED_OFF = "two-factor-turned-off", "Turned off two-factor authentication"
    TWO_FACTOR_RESET = "two-factor-reset", "Two-factor authentication reset by an admin"
    RECOVERY_CODE_USED = "recovery-code-used", "Signed in with a recovery code"
    RECOVERY_CODES_REPLACED = "recovery-codes-replaced", "Made new recovery codes"
    PASSKEY_ADDED = "passkey-added", "Added a passkey"
    PASSKEY_REMOVED = "passkey-removed", "Removed a passkey"
    PASSKEY_USED = "passkey-used", "Signed in with a passkey"
    PASSWORD_CHANGED = "password-changed", "Password changed"
    PASSWORD_RESET = "password-reset", "Password reset from an emailed link"
    EMAIL_CHANGED = "email-changed", "Email address changed, confirmed from the new address"
    ADMIN_GRANTED = "admin-granted", "Made a programme admin"
    ADMIN_REMOVED = "admin-removed", "Admin rights removed"
    ACCOUNT_DEACTIVATED = "account-deactivated", "Account deactivated"
    ACCOUNT_REACTIVATED = "account-reactivated", "Account reactivated"
    SIGNED_OUT_EVERYWHERE = "signed-out-everywhere", "Signed out everywhere by an admin"
    TUTOR_ASSIGNED = "tutor-assigned", "Made a tutor of a learning set"
    MEMBER_REMOVED = "member-removed", "Removed from a learning set"
    INVITATION_SENT = "invitation-sent", "Invitation sent"
    INVITATION_RESENT = "invitation-resent", "Invitation sent again"
    INVITATION_WITHDRAWN = "invitation-withdrawn", "Invitation withdrawn"
    INVITATION_ACCEPTED = "invitation-accepted", "Invitation accepted: joined a learning set"
    INVITATIONS_IMPORTED = "invitations-imported", "Invitations sent from a CSV file"
    SSO_DOMAIN_REQUIRED = "sso-domain-required", "Required single sign-on for an email domain"
    SSO_DOMAIN_RELEASED = "sso-domain-released", "Stopped requiring single sign-on for a domain"
    DATA_DOWNLOADED = "data-downloaded", "Downloaded their own data"
    LOG_DOWNLOADED = "log-downloaded", "Downloaded their reflective log"
    DASHBOARD_DOWNLOADED = "dashboard-downloaded", "Downloaded a learning set's dashboard"
    AUDIT_EXPORTED = "audit-exported", "Exported the audit log"
    ACCOUNT_DELETED = "account-deleted", "Deleted their account"
    DATA_PURGED = "data-purged", "Retention purge removed data"
    CONTENT_SYNCED = "content-synced", "Library and framework loaded from content files"
    CONTENT_EDITED = "content-edited", "Library item or capability edited in the app"
    CONTENT_RESTORED = "content-restored", "Earlier version of library content restored"
    MAIL_RETRIED = "mail-retried", "Failed email queued again"
    COLLEAGUES_ASKED = "colleagues-asked", "Asked colleagues for feedback"
    FEEDBACK_REPORT_SHARED = "feedback-report-shared", "Shared colleagues' feedback with tutors"
    CERTIFICATE_ISSUED = "certificate-issued", "Issued themselves a certificate of attendance"
    CERTIFICATE_REVOKED = "certificate-revoked", "Withdrew a certificate of attendance"


class AuditEvent(Model):
    """Who did what to whom, and when.

    People are named by account id, not by a foreign key: the record of an account's deletion
    outlives the account, for as long as AUDIT_RETENTION_DAYS keeps it. The detail is a short
    note written by the code (a learning set's name, a role, counts), never anything a person
    typed, and never a password, token or reflection. The client is a keyed digest of the IP
    address: enough to see that events came from one place, not where that was."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_at", "at"),
        Index("ix_audit_events_kind_at", "kind", "at"),
        Index("ix_audit_events_actor_id", "actor_id"),
        Index("ix_audit_events_subject_id", "subject_id"),
    )

    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    # Who acted (None: someone not signed in, or a command run by an operator).
    actor_id: Mapped[int | None] = mapped_column(Integer)
    # Whose account it concerns, when that is someone else (or the account a failure named).
    subject_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(String(300), default="")
    client: Mapped[str] = mapped_column(String(16), default="")

    @property
    def kind_label(self) -> str:
        kind = AuditKind._value2member_map_.get(self.kind)
        return kind.label if isinstance(kind, AuditKind) else self.kind

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.kind}>"
