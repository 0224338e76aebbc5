"""The demo's certificate: the first participant has one for their learning set's year so far,
issued through the real service from the sessions the demo recorded them attending."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.certificates import services
from learnset.certificates.models import Certificate
from learnset.dates import UK

HOLDER = "participant1@example.org"
# The demo's programme lead (learnset/demo.py's admin) signs it.
SIGNATORY = services.Signatory("Unlocking Commissioning", "Helen Marsh", "Programme lead")


def load(db: Session, now: datetime) -> None:
    """Issue the first participant one certificate, unless they already have one."""
    holder = db.scalar(select(User).where(User.email == HOLDER))
    if holder is None:
        return
    if db.scalar(select(Certificate.id).where(Certificate.holder_id == holder.id)) is not None:
        return
    years = services.programme_years(db, holder, now.astimezone(UK).date())
    if not years:
        return
    year = years[-1]
    try:
        services.issue(db, holder, year.date_from, year.date_to, SIGNATORY, now)
    except services.CertificateError:
        return  # nothing attended yet: no certificate to show
