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
]
