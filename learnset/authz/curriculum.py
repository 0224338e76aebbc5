"""Programmes of sessions (learnset/curriculum/): who reads them and who sees the notes for
facilitators.

Every signed-in person may read a programme, as they read the library: participants see
what is coming and what to prepare. The facilitator notes are for the people who run sessions,
tutors of any learning set and admins; participants never see them, so a tutor's plan for a
session does not arrive before the session does. Making a set's sessions from a programme is
the set's schedule, so it is "cohort:schedule" (learnset/authz/cohorts.py).
"""

from __future__ import annotations

from typing import Any

from learnset.accounts.models import User
from learnset.authz.roles import Rule, signed_in, tutors_anything


def _facilitates(user: User, _obj: Any = None) -> bool:
    return user.is_admin or tutors_anything(user)


RULES: dict[str, Rule] = {
    "curriculum:view": signed_in,
    "curriculum:facilitator-notes": _facilitates,
}
