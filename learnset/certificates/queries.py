"""Reading certificates: the holder's own list, and their part of "download your data"."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.certificates.models import Certificate


def certificates_of(user: User) -> Any:
    """The person's own certificates, newest first (a query to page)."""
    return (
        select(Certificate)
        .where(Certificate.holder_id == user.id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )


def export_personal_data(db: Session, user: User) -> list[dict[str, Any]]:
    """Every certificate issued to the person, as it was issued."""
    return [
        {
            "reference": certificate.reference,
            "name": certificate.holder_name,
            "programme": certificate.programme_name,
            "from": certificate.date_from.isoformat(),
            "to": certificate.date_to.isoformat(),
            "sessions_attended": certificate.sessions_attended,
            "minutes_attended": certificate.minutes_attended,
            "cpd_minutes": certificate.cpd_minutes,
            "sessions": certificate.sessions,
            "signed_by": certificate.signatory_name,
            "signatory_role": certificate.signatory_role,
            "issued_at": certificate.issued_at.isoformat(),
            "withdrawn_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
        }
        for certificate in db.scalars(certificates_of(user))
    ]
