"""A set with a few months of history whose figures are worked out by hand in the tests.

Months are counted from six months ago (M0, M1, M2), so the figures do not depend on today's
date. Five participants of cohort A rate two capabilities:

| who | baseline (M0)            | check-in (M2)                         |
| --- | ------------------------ | ------------------------------------- |
| Pat | listening 1→4, cx 2→3    | listening 3→4, cx 3→3 carried forward |
| Fay | listening 2→4, cx 1→3    | listening 2→5, cx 2→4                 |
| Ann | listening 2→3            | listening 4→4                         |
| Ben | listening 3→5            | listening 5→5, kept to himself        |
| Cal | listening 1→5, kept private | listening 2→4, shared              |

(cx: "Holding complexity", rated by Pat and Fay only, so its figures are suppressed.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from learnset.assessment.models import FigureRelease
from learnset.dashboards import releases
from learnset.dashboards.report_release import count_for_release
from learnset.db import utcnow
from learnset.framework.queries import current_framework
from learnset.meetings.models import Meeting
from learnset.reflections.models import Reflection
from tests import factories

PRIVATE_TITLE = "My worries about the frailty contract"
PRIVATE_TEXT = "Nobody else should ever read this sentence about the practice manager"


def month(offset: int) -> date:
    """The first day of the month `offset` months after M0 (six months ago, UK time)."""
    today = utcnow().date()
    index = today.year * 12 + today.month - 1 - 6 + offset
    return date(index // 12, index % 12 + 1, 1)


def on(offset: int, day: int, hour: int = 12) -> datetime:
    """A UK wall-clock moment in month M<offset>, as UTC."""
    first = month(offset)
    return factories.uk(first.year, first.month, day, hour)


@dataclass
class SetHistory:
    framework: factories.Framework
    pat: factories.User
    fay: factories.User
    ann: factories.User
    ben: factories.User
    cal: factories.User
    sessions: list[Meeting]
    private_reflection: Reflection

    @property
    def everyone(self) -> list[factories.User]:
        return [self.pat, self.fay, self.ann, self.ben, self.cal]


def release_now(db, cohort):
    """Release the cohort's figures as they are now, as a tutor may (None if too few are new)."""
    return releases.release(
        db, cohort, current_framework(db), utcnow(), releases.ReleaseReason.TUTOR
    )


def count_for_report(db, cohort):
    """Keep the programme report's counts as they are now with the cohort's latest release (a
    release of no figures if it has none), as a release made now would keep them: for tests
    that build a programme after its sets' releases, without new check-ins to release."""
    latest = releases.latest_release(db, cohort.id)
    if latest is None:
        latest = FigureRelease(
            cohort_id=cohort.id, released_at=utcnow(), contributors=3, reason="tutor", figures={}
        )
        db.add(latest)
    latest.report_cells = count_for_release(db, cohort.id)
    db.flush()
    return latest


def _assess(db, person, cohort, levels, when, shared=True, carried=()):
    return factories.make_assessment(
        db, person, cohort, levels, at=when, shared=shared, carried=carried
    )


@pytest.fixture
def history(db, people, framework) -> SetHistory:
    cohort = people.cohort
    cohort.start_month = month(0)
    listening, complexity = framework.listening, framework.complexity
    pat, fay = people.participant, people.fellow
    ann = factories.make_member(db, cohort, "participant", name="Ann Archer")
    ben = factories.make_member(db, cohort, "participant", name="Ben Baker")
    cal = factories.make_member(db, cohort, "participant", name="Cal Carter")

    baseline, check_in = on(0, 14), on(2, 14)
    _assess(db, pat, cohort, {listening: (1, 4), complexity: (2, 3)}, baseline)
    _assess(
        db, pat, cohort, {listening: (3, 4), complexity: (3, 3)}, check_in, carried=(complexity,)
    )
    _assess(db, fay, cohort, {listening: (2, 4), complexity: (1, 3)}, baseline)
    _assess(db, fay, cohort, {listening: (2, 5), complexity: (2, 4)}, check_in)
    _assess(db, ann, cohort, {listening: (2, 3)}, baseline)
    _assess(db, ann, cohort, {listening: (4, 4)}, check_in)
    _assess(db, ben, cohort, {listening: (3, 5)}, baseline)
    _assess(db, ben, cohort, {listening: (5, 5)}, check_in, shared=False)
    _assess(db, cal, cohort, {listening: (1, 5)}, baseline, shared=False)
    _assess(db, cal, cohort, {listening: (2, 4)}, check_in)
    # A draft never counts, nor another cohort's assessments.
    factories.make_assessment(db, ann, cohort, {listening: (1, 5)}, status="draft")
    factories.make_assessment(db, people.outsider, people.other_cohort, {listening: (5, 5)})

    # Sessions in M0, M1 and M2; attendance as the engagement tests expect.
    sessions = [
        factories.make_meeting(db, cohort, status="published", starts_at=on(number, 10, 13))
        for number in range(3)
    ]
    present = {
        0: {pat, fay, ann, ben},
        1: {pat, ann},
        2: {pat, fay, ann},
    }
    for number, meeting in enumerate(sessions):
        for person in (pat, fay, ann, ben, cal):
            factories.make_attendance(db, meeting, person, present=person in present[number])

    private = factories.make_reflection(
        db,
        pat,
        title=PRIVATE_TITLE,
        parts={"what": PRIVATE_TEXT},
        created_at=on(0, 20),
        visibility="private",
    )
    factories.make_reflection(db, pat, created_at=on(0, 21), visibility="tutors")
    factories.make_reflection(db, pat, created_at=on(2, 5), visibility="private")
    factories.make_reflection(db, fay, created_at=on(1, 3), visibility="set")
    # In the bin: not counted.
    factories.make_reflection(db, ann, created_at=on(1, 4), deleted_at=on(1, 5))
    # Another cohort's participant: not counted here.
    factories.make_reflection(db, people.outsider, created_at=on(1, 4))
    # The figures everyone else sees are those of the latest release.
    release_now(db, cohort)
    db.commit()
    return SetHistory(framework, pat, fay, ann, ben, cal, sessions, private)
