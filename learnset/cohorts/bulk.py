"""Invitations from a CSV file: upload, a preview of what each row will become, then sending
them all at once through the one-at-a-time invitation service (services.invite).

What a row becomes is worked out from the cells kept with the upload and the database as it is
now, for the preview and again at sending: nothing posted back from the preview is trusted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Select, and_, or_, select, update
from sqlalchemy.orm import Session, contains_eager

from learnset import audit, authz
from learnset.accounts.models import User, normalise_email
from learnset.cohorts import services
from learnset.cohorts.bulk_csv import CsvRow, read_rows
from learnset.cohorts.models import Cohort, Invitation, InvitationImport, Membership, Role
from learnset.db import delete_where, rowcount
from learnset.enums import Labelled, Term
from learnset.errors import DomainError

# An upload not sent within a day is dropped: the preview describes the database as it was.
KEEP_UNSENT = timedelta(days=1)
NAME_LENGTH = 120
NO_SUCH_SET = "No learning set you can invite to has this name or number"


class BulkImportError(DomainError):
    """A rule about sending an import was broken."""


class RowKind(Labelled):
    NEW = Term("new", "New account", hint="Invited to create an account", colour="green")
    EXISTING = Term(
        "existing", "Existing account", hint="Has an account and is invited to join", colour="blue"
    )
    MEMBER = Term("member", "Already a member", hint="Nothing is sent", colour="grey")
    INVITED = Term("invited", "Already invited", hint="Nothing is sent", colour="grey")
    DUPLICATE = Term("duplicate", "Duplicate", hint="Nothing is sent", colour="yellow")
    INVALID = Term("invalid", "Not valid", hint="Nothing is sent", colour="red")


SENDABLE = {RowKind.NEW, RowKind.EXISTING}


@dataclass(frozen=True)
class Verdict:
    """What one row of the file will become, and why."""

    row: CsvRow
    kind: RowKind
    reason: str = ""
    email: str = ""
    role: Role | None = None
    cohort: Cohort | None = None

    @property
    def sendable(self) -> bool:
        return self.kind in SENDABLE


@dataclass(frozen=True)
class Known:
    """What the database says about the file's sets and addresses, read in a few queries."""

    cohorts: list[Cohort]
    users: dict[str, User]
    members: set[tuple[int, int]]
    invited: set[tuple[str, int]]


def upload(
    db: Session, uploader: User, filename: str, data: bytes, now: datetime
) -> InvitationImport:
    """Keep the rows of an uploaded CSV for its preview; a file that cannot be read is refused."""
    rows = read_rows(data)
    kept = InvitationImport(
        uploaded_by_id=uploader.id,
        # Only to name the upload on screen; PostgreSQL stores no NUL, so no control characters.
        filename="".join(ch for ch in filename if ch.isprintable())[:200],
        rows=[row.cells() for row in rows],
        created_at=now,
        expires_at=now + KEEP_UNSENT,
        invitation_ids=[],
    )
    db.add(kept)
    db.flush()
    return kept


def rows_of(kept: InvitationImport) -> list[CsvRow]:
    return [CsvRow.from_cells(cells) for cells in kept.rows]


def _known(db: Session, user: User, rows: list[CsvRow], now: datetime) -> Known:
    cohorts = list(db.scalars(authz.tutored_cohorts(user)))
    emails = {normalise_email(row.email) for row in rows if row.email}
    users = {u.email: u for u in db.scalars(select(User).where(User.email.in_(emails)))}
    ids = [cohort.id for cohort in cohorts]
    members = {
        (user_id, cohort_id)
        for user_id, cohort_id in db.execute(
            select(Membership.user_id, Membership.cohort_id).where(
                Membership.user_id.in_([u.id for u in users.values()]),
                Membership.cohort_id.in_(ids),
            )
        )
    }
    invited = {
        (email, cohort_id)
        for email, cohort_id in db.execute(
            select(Invitation.email, Invitation.cohort_id).where(
                Invitation.email.in_(emails),
                Invitation.cohort_id.in_(ids),
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > now,
            )
        )
    }
    return Known(cohorts, users, members, invited)


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def _find_set(cohorts: Iterable[Cohort], typed: str) -> Cohort | str:
    """The set a row names, by its name or its number (as in its page's address), or why not."""
    if not typed:
        return "Enter the learning set's name or number"
    number = re.fullmatch(r"#?\s*(\d{1,9})", typed)
    if number:
        found = [cohort for cohort in cohorts if cohort.id == int(number.group(1))]
    else:
        found = [cohort for cohort in cohorts if _words(cohort.name) == _words(typed)]
    if len(found) > 1:
        return "More than one learning set has this name. Use its number instead"
    return found[0] if found else NO_SUCH_SET


def _find_role(typed: str, user: User, cohort: Cohort) -> Role | str:
    words = _words(typed)
    role = next((r for r in Role if words in (r.value, r.label.casefold())), None)
    if role is None:
        return "The role must be participant or tutor" if words else "Enter a role"
    if role == Role.TUTOR and not authz.can(user, "cohort:tutors", cohort):
        return services.TUTORS_BY_ADMINS
    return role


def _check_email(typed: str) -> str | None:
    if not typed:
        return "Enter an email address"
    if len(typed) > 254:
        return "The email address must be 254 characters or fewer"
    try:
        validate_email(typed, check_deliverability=False)
    except EmailNotValidError:
        return "The email address is not in the correct format, like name@example.org"
    return None


def _verdict(row: CsvRow, user: User, known: Known, seen: dict[tuple[str, int], int]) -> Verdict:
    def invalid(reason: str) -> Verdict:
        return Verdict(row, RowKind.INVALID, reason)

    if not row.name:
        return invalid("Enter the person's name")
    if len(row.name) > NAME_LENGTH:
        return invalid(f"The name must be {NAME_LENGTH} characters or fewer")
    problem = _check_email(row.email)
    if problem:
        return invalid(problem)
    email = normalise_email(row.email)
    cohort = _find_set(known.cohorts, row.learning_set)
    if isinstance(cohort, str):
        return invalid(cohort)
    role = _find_role(row.role, user, cohort)
    if not isinstance(role, Role):
        return invalid(role)
    found = Verdict(row, RowKind.NEW, email=email, role=role, cohort=cohort)
    earlier = seen.setdefault((email, cohort.id), row.line)
    if earlier != row.line:
        reason = f"The same person and learning set as row {earlier}"
        return Verdict(row, RowKind.DUPLICATE, reason, email, role, cohort)
    account = known.users.get(email)
    if account is not None and (account.id, cohort.id) in known.members:
        return Verdict(row, RowKind.MEMBER, f"Already in {cohort.name}", email, role, cohort)
    if (email, cohort.id) in known.invited:
        reason = "An invitation is waiting. Resend it from the set's invitations instead"
        return Verdict(row, RowKind.INVITED, reason, email, role, cohort)
    if account is None:
        return found
    if not account.is_active:
        return invalid("This account has been deactivated. An admin can reactivate it")
    return Verdict(row, RowKind.EXISTING, email=email, role=role, cohort=cohort)


def preview(db: Session, user: User, rows: list[CsvRow], now: datetime) -> list[Verdict]:
    """What each row would become if sent now, in the file's order, in five queries."""
    known = _known(db, user, rows, now)
    seen: dict[tuple[str, int], int] = {}
    return [_verdict(row, user, known, seen) for row in rows]


def counts(verdicts: list[Verdict]) -> dict[RowKind, int]:
    """How many rows of each kind, every kind listed."""
    found = dict.fromkeys(RowKind, 0)
    for verdict in verdicts:
        found[verdict.kind] += 1
    return found


def counted(number: int, word: str) -> str:
    """ "1 row", "2 rows"."""
    return f"{number} {word}{'' if number == 1 else 's'}"


def send(
    db: Session, kept: InvitationImport, user: User, now: datetime, days: int
) -> list[Invitation]:
    """Invite everyone the file still names validly, once: a second send changes nothing."""
    if kept.sent_at is not None:
        raise BulkImportError("These invitations have already been sent")
    if kept.expires_at <= now:
        raise BulkImportError("This upload has expired. Upload the file again to check it afresh")
    verdicts = [v for v in preview(db, user, rows_of(kept), now) if v.sendable]
    if not verdicts:
        raise BulkImportError("Nobody in this file can be invited, so nothing has been sent")
    # Claimed in the database, so two presses racing each other cannot both send.
    claimed = db.execute(
        update(InvitationImport)
        .where(InvitationImport.id == kept.id, InvitationImport.sent_at.is_(None))
        .values(sent_at=now)
    )
    if rowcount(claimed) != 1:
        raise BulkImportError("These invitations have already been sent")
    made = []
    for verdict in verdicts:
        assert verdict.cohort is not None and verdict.role is not None  # sendable rows have both
        issued = services.invite(
            db,
            cohort=verdict.cohort,
            email=verdict.email,
            role=verdict.role,
            invited_by=user,
            now=now,
            days=days,
            name=verdict.row.name,
        )
        made.append(issued.invitation)
    kept.invitation_ids = [invitation.id for invitation in made]
    kept.sent_at = now
    db.flush()
    sets = len({invitation.cohort_id for invitation in made})
    audit.record(
        db,
        audit.AuditKind.INVITATIONS_IMPORTED,
        actor_id=user.id,
        detail=f"Import {kept.id}: {counted(len(made), 'invitation')} to "
        f"{counted(sets, 'learning set')} from {counted(len(kept.rows), 'row')}",
        now=now,
    )
    return made


def sent_invitations(db: Session, kept: InvitationImport) -> list[Invitation]:
    """The invitations an import made that are still kept, by set and address."""
    if not kept.invitation_ids:
        return []
    return list(
        db.scalars(
            select(Invitation)
            .join(Cohort, Cohort.id == Invitation.cohort_id)
            .options(contains_eager(Invitation.cohort))
            .where(Invitation.id.in_(kept.invitation_ids))
            .order_by(Cohort.name, Invitation.email)
        )
    )


def imports_by(user: User) -> Select[InvitationImport]:
    """The user's own imports, newest first."""
    return (
        select(InvitationImport)
        .where(InvitationImport.uploaded_by_id == user.id)
        .order_by(InvitationImport.created_at.desc(), InvitationImport.id.desc())
    )


def example_set(db: Session, user: User) -> str:
    """A set to name in the template's example row: one of the user's own, if they have one."""
    name = db.scalar(authz.tutored_cohorts(user).with_only_columns(Cohort.name).limit(1))
    return name or "Riverside learning set 2026"


def purge_imports(db: Session, now: datetime) -> int:
    """Delete imports never sent once they expire, and sent ones as their invitations go."""
    cutoff = now - services.KEEP_SETTLED_INVITATIONS
    return delete_where(
        db,
        InvitationImport,
        or_(
            and_(InvitationImport.sent_at.is_(None), InvitationImport.expires_at <= now),
            InvitationImport.sent_at < cutoff,
        ),
    )
