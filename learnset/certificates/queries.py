"""Reading certificates: the holder's own list, and their part of "download your data"."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select

from learnset.accounts.models import User
from learnset.accounts.personal_data import Read
from learnset.authz.roles import id_of
from learnset.certificates.models import Certificate


def certificates_of(user: User | ColumnElement[int]) -> Any:
    """The person's own certificates, newest first (a query to page)."""
    return (
        select(Certificate)
        .where(Certificate.holder_id == id_of(user))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )


def personal_data_reads(person: ColumnElement[int]) -> dict[str, Read]:
    """Every certificate issued to the person, as it was issued."""
    return {
        "certificates": certificates_of(person).with_only_columns(
            Certificate.reference,
            Certificate.holder_name,
            Certificate.programme_name,
            Certificate.date_from,
            Certificate.date_to,
            Certificate.sessions_attended,
            Certificate.minutes_attended,
            Certificate.cpd_minutes,
            Certificate.sessions,
            Certificate.signatory_name,
            Certificate.signatory_role,
            Certificate.issued_at,
            Certificate.revoked_at,
        )
    }


def build_personal_data(user: User, rows: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [
        {
            "reference": row["reference"],
            "name": row["holder_name"],
            "programme": row["programme_name"],
            "from": row["date_from"].isoformat(),
            "to": row["date_to"].isoformat(),
            "sessions_attended": row["sessions_attended"],
            "minutes_attended": row["minutes_attended"],
            "cpd_minutes": row["cpd_minutes"],
            "sessions": row["sessions"],
            "signed_by": row["signatory_name"],
            "signatory_role": row["signatory_role"],
            "issued_at": row["issued_at"].isoformat(),
            "withdrawn_at": row["revoked_at"].isoformat() if row["revoked_at"] else None,
        }
        for row in rows["certificates"]
    ]
