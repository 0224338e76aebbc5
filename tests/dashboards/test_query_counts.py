"""Every dashboard runs the same number of queries for 5 participants and a month of history
as for 50 participants and 12 months of self-assessments, reflections and attendance."""

from datetime import timedelta

from learnset.db import utcnow
from tests import factories
from tests.dashboards.conftest import release_now
from tests.helpers import statements_for

PAGES = [
    ("tutor", "/cohorts/{cohort}/dashboard"),
    ("tutor", "/cohorts/{cohort}/dashboard/engagement"),
    ("tutor", "/cohorts/{cohort}/dashboard.csv"),
    ("tutor", "/cohorts/{cohort}/dashboard.json"),
    ("admin", "/cohorts/{cohort}/dashboard"),
    ("participant", "/cohorts/{cohort}/growth"),
    ("admin", "/programme"),
    ("admin", "/programme/report"),
    ("admin", "/programme/report.csv"),
    ("admin", "/programme/report.xlsx"),
    ("participant", "/cohorts/{cohort}/what-your-tutors-see"),
]

# Issue 14: at most 12 statements on any page; these pages were brought lower, and stay there.
LIMITS = {
    ("tutor", "/cohorts/{cohort}/dashboard"): 9,
    ("tutor", "/cohorts/{cohort}/dashboard/engagement"): 4,
    ("tutor", "/cohorts/{cohort}/dashboard.csv"): 9,
    ("tutor", "/cohorts/{cohort}/dashboard.json"): 9,
}


def _history(db, people, framework, participants, months):
    """`participants` more people in cohort A with `months` monthly sessions, check-ins,
    reflections, attendance and updates to a live challenge, ending last month; one check-in in
    four kept private."""
    people.cohort.start_month = (utcnow() - timedelta(days=31 * months)).date().replace(day=1)
    members = factories.make_members(db, people.cohort, "participant", participants)
    # Pat, whose own page of what his tutors see grows with the set.
    members.append(people.participant)
    start = utcnow().replace(microsecond=0) - timedelta(days=30 * months)
    challenges = [
        factories.make_challenge(db, person, people.cohort, now=start) for person in members
    ]
    for number in range(months):
        when = start + timedelta(days=30 * number)
        meeting = factories.make_meeting(db, people.cohort, status="published", starts_at=when)
        factories.add_item_to(db, meeting, factories.make_content_item(db, [framework.listening]))
        for position, person in enumerate(members):
            factories.make_attendance(db, meeting, person, present=(position + number) % 3 != 0)
            levels = {
                capability: (1 + (number + index) % 5, 5)
                for index, capability in enumerate(framework.capabilities)
            }
            factories.make_assessment(db, person, people.cohort, levels, shared=number % 4 != 3,
                                      at=when + timedelta(days=2))  # fmt: skip
            visibility = ("private", "tutors", "set")[(position + number) % 3]
            factories.make_reflection(db, person, created_at=when + timedelta(days=3),
                                      visibility=visibility)  # fmt: skip
            kind = ("action", "gain", "insight")[(position + number) % 3]
            factories.make_update(db, challenges[position], person, kind,
                                  at=when + timedelta(days=4))  # fmt: skip
    # Library items for every gap, and a draft session to add them to.
    for capability in framework.capabilities:
        factories.make_content_item(db, [capability])
    factories.make_meeting(db, people.cohort)
    release_now(db, people.cohort)
    db.commit()


def test_queries_do_not_grow_with_the_set(db, login, people, framework, count_queries):
    def counts():
        return {
            (role, path): statements_for(
                count_queries, login(people.by_role(role)), path.format(cohort=people.cohort.id)
            )
            for role, path in PAGES
        }

    _history(db, people, framework, participants=5, months=1)
    few = counts()
    _history(db, people, framework, participants=45, months=12)
    many = counts()
    assert many == few, "queries for 5 participants and 1 month, then for 50 and 12"
    assert max(few.values()) <= 12, few
    for (role, path), limit in LIMITS.items():
        assert few[(role, path)] <= limit, (role, path, few[(role, path)])
