"""The programmes' pages and making a set's sessions from a programme, against every role.

Everyone signed in reads programmes (participants without the facilitator notes); only the
set's tutors and admins make its sessions from one: its participants get 403, other sets 404.
"""

from types import SimpleNamespace

from tests.curriculum.programmes import make_programme
from tests.matrix import EVERYONE, Route, page_and_form

MANAGERS = {"tutor", "admin"}
PARTICIPANTS = {"participant", "fellow"}


def _programme(db, people):
    return SimpleNamespace(programme=make_programme(db))


CREATE = {
    "programme": "the-year",
    "first_day-day": "9",
    "first_day-month": "3",
    "first_day-year": "2032",
    "starts": "10:00",
    "action": "create",
}

ROUTES = [
    Route("curriculum.index", "/programmes", EVERYONE, setup=_programme),
    Route("curriculum.programme", "/programmes/{programme.slug}", EVERYONE, setup=_programme),
    *page_and_form(
        "meetings.from_programme",
        "/cohorts/{cohort.id}/sessions/from-programme",
        MANAGERS,
        CREATE,
        forbidden=PARTICIPANTS,
        setup=_programme,
    ),
]
