"""The pages the benchmark measures: (name, role, path). Roles are demo accounts (see seed.py)."""

PAGES = [
    ("healthz", None, "/healthz"),
    ("sign-in page", None, "/sign-in"),
    ("home, participant", "participant", "/"),
    ("home, tutor", "tutor", "/"),
    ("home, admin", "admin", "/"),
    ("invitations, tutor", "tutor", "/cohorts/{cohort_id}/invitations"),
    ("account", "participant", "/account"),
]
