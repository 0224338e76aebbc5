from types import SimpleNamespace

from tests import factories
from tests.matrix import Route

# They can see the cohort, so its dashboard answers 403 rather than 404.
PARTICIPANTS = {"participant", "fellow"}
MANAGERS = {"tutor", "admin"}
NOT_ADMIN = {"participant", "fellow", "tutor", "other_tutor", "outsider"}


def _suggestion(db, people):
    capability = factories.make_capability(db, slug="matrix-dashboard-capability")
    item = factories.make_content_item(db, [capability], slug="matrix-dashboard-item")
    meeting = factories.make_meeting(db, people.cohort)
    return SimpleNamespace(item=item, meeting=meeting)


ROUTES = [
    Route(
        "dashboards.dashboard",
        lambda s: f"/cohorts/{s.cohort.id}/dashboard",
        MANAGERS,
        forbidden=PARTICIPANTS,
    ),
    Route(
        "dashboards.engagement",
        lambda s: f"/cohorts/{s.cohort.id}/dashboard/engagement",
        MANAGERS,
        forbidden=PARTICIPANTS,
    ),
    Route(
        "dashboards.dashboard_csv",
        lambda s: f"/cohorts/{s.cohort.id}/dashboard.csv",
        MANAGERS,
        forbidden=PARTICIPANTS,
    ),
    Route(
        "dashboards.dashboard_json",
        lambda s: f"/cohorts/{s.cohort.id}/dashboard.json",
        MANAGERS,
        forbidden=PARTICIPANTS,
    ),
    Route(
        "dashboards.add_suggestion",
        lambda s: f"/cohorts/{s.cohort.id}/dashboard/plan",
        MANAGERS,
        method="POST",
        forbidden=PARTICIPANTS,
        setup=_suggestion,
        data={},
    ),
    Route(
        "dashboards.release",
        lambda s: f"/cohorts/{s.cohort.id}/dashboard/release",
        MANAGERS,
        method="POST",
        forbidden=PARTICIPANTS,
    ),
    Route(
        "dashboards.set_growth",
        lambda s: f"/cohorts/{s.cohort.id}/growth",
        {"participant", "fellow", "tutor", "admin"},
    ),
    Route("dashboards.programme", lambda s: "/programme", {"admin"}, forbidden=NOT_ADMIN),
    Route(
        "dashboards.what_tutors_see",
        lambda s: f"/cohorts/{s.cohort.id}/what-your-tutors-see",
        PARTICIPANTS,
        forbidden=MANAGERS,
    ),
]
