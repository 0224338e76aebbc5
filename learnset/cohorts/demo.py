"""The demo's bulk invitations: the programme lead once invited a few latecomers to a set from a
CSV file, so there is a finished import to look at, with every kind of row in its file."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.cohorts import bulk, queries
from learnset.cohorts.models import Cohort, InvitationImport, Role

FILENAME = "latecomers.csv"
INVITATION_DAYS = 14


def load(db: Session, admin: User, set_name: str, now: datetime) -> None:
    """Once (while the last one is kept): upload the latecomers' file and send it."""
    done = db.scalar(
        select(InvitationImport.id).where(
            InvitationImport.uploaded_by_id == admin.id, InvitationImport.filename == FILENAME
        )
    )
    cohort = db.scalar(select(Cohort).where(Cohort.name == set_name))
    if done is not None or cohort is None:
        return
    members = [m.user for m in queries.members(db, cohort.id) if m.role == Role.PARTICIPANT]
    already = f"{members[0].name},{members[0].email}," if members else ""
    rows = [
        "Name,Email,Role,Learning set",
        f"Grace Mensah,grace.mensah@example.org,participant,{set_name}",
        f"Owen Price,owen.price@example.org,participant,{set_name}",
        f"Leila Haddad,leila.haddad@example.org,participant,{cohort.id}",
        f"{already}participant,{set_name}" if already else "",
        f"Owen Price,Owen.Price@example.org,participant,{set_name}",
        f"Jo Bloggs,jo.bloggs@example,participant,{set_name}",
        f"Sunita Rao,sunita.rao@example.org,facilitator,{set_name}",
    ]
    data = "\r\n".join(row for row in rows if row).encode("utf-8-sig")
    kept = bulk.upload(db, admin, FILENAME, data, now)
    # The demo sends no email: the invitations are made, and wait on the set's page.
    bulk.send(db, kept, admin, now, INVITATION_DAYS)
