"""The pages the benchmark measures: (name, role, path). Roles are demo accounts (see seed.py)."""

PAGES = [
    ("healthz", None, "/healthz"),
    ("sign-in page", None, "/sign-in"),
    ("home, participant", "participant", "/"),
    ("home, tutor", "tutor", "/"),
    ("home, admin", "admin", "/"),
    ("invitations, tutor", "tutor", "/cohorts/{cohort_id}/invitations"),
    ("account", "participant", "/account"),
    ("your capabilities, participant", "participant", "/cohorts/{cohort_id}/capabilities"),
    (
        "one capability over time, participant",
        "participant",
        "/cohorts/{cohort_id}/capabilities/productive-conversations",
    ),
    (
        "a participant's shared capabilities, tutor",
        "tutor",
        "/cohorts/{cohort_id}/participants/{participant_id}/capabilities",
    ),
    ("self-assessments shared, tutor", "tutor", "/cohorts/{cohort_id}/self-assessments"),
    # Live challenges (issue 7).
    ("challenges, participant", "participant", "/cohorts/{cohort_id}/challenges"),
    ("challenge timeline, owner", "participant", "/challenges/{challenge_id}"),
    ("challenge timeline, tutor", "tutor", "/challenges/{challenge_id}"),
    ("gains board, tutor", "tutor", "/cohorts/{cohort_id}/gains"),
    ("stories, admin", "admin", "/stories"),
    ("story, admin", "admin", "/stories/{story_id}"),
    # The dashboards (issue 6): the demo set, and a set of 50 with a year of history.
    ("dashboard: tutor, demo set", "tutor", "/cohorts/{cohort_id}/dashboard"),
    ("dashboard: tutor, 50 participants", "tutor", "/cohorts/{large_cohort_id}/dashboard"),
    (
        "dashboard: engagement, 50 participants",
        "tutor",
        "/cohorts/{large_cohort_id}/dashboard/engagement",
    ),
    ("dashboard: CSV, 50 participants", "tutor", "/cohorts/{large_cohort_id}/dashboard.csv"),
    ("dashboard: JSON, 50 participants", "tutor", "/cohorts/{large_cohort_id}/dashboard.json"),
    ("dashboard: the set's growth, 50 participants", "tutor", "/cohorts/{large_cohort_id}/growth"),
    ("dashboard: programme, admin", "admin", "/programme"),
    # Everyone's accounts, 20 to a page.
    ("people, admin", "admin", "/people"),
    ("people, admin, a search", "admin", "/people?q=participant1"),
]
