"""Certificates of attendance and CPD (issue 19, item 4)."""

from datetime import date

from learnset.certificates import services
from learnset.dates import UK
from learnset.db import utcnow
from tests import factories

SIGNATORY = services.Signatory("Unlocking Commissioning", "Sam Signer", "Programme lead")

# The new-certificate form, covering January 2026.
JANUARY_2026 = {
    "period": "dates",
    "date_from-day": "1",
    "date_from-month": "1",
    "date_from-year": "2026",
    "date_to-day": "31",
    "date_to-month": "1",
    "date_to-year": "2026",
}


def make_certificate(
    db, holder, cohort, date_from: date | None = None, date_to: date | None = None
):
    """A certificate for the holder, who attended one published session a week ago."""
    meeting = factories.make_published_meeting(db, cohort, title="Convening the whole system")
    factories.make_attendance(db, meeting, holder)
    day = meeting.starts_at.astimezone(UK).date()
    return services.issue(db, holder, date_from or day, date_to or day, SIGNATORY, utcnow())
