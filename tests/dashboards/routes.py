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


def _for_managers(endpoint, path, method="GET", **options):
    """A page or button of the cohort's for tutors and admins; the set's participants can see
    the cohort, so they are refused with 403."""
    return Route(
        endpoint, "/cohorts/{cohort.id}" + path, MANAGERS, method, forbidden=PARTICIPANTS, **options
    )


ROUTES = [
    _for_managers("dashboards.dashboard", "/dashboard"),
    _for_managers("dashboards.engagement", "/dashboard/engagement"),
    _for_managers("dashboards.dashboard_csv", "/dashboard.csv"),
    _for_managers("dashboards.dashboard_json", "/dashboard.json"),
    _for_managers("dashboards.add_suggestion", "/dashboard/plan", "POST", setup=_suggestion),
    _for_managers("dashboards.release", "/dashboard/release", "POST"),
    Route("dashboards.set_growth", "/cohorts/{cohort.id}/growth", PARTICIPANTS | MANAGERS),
    Route("dashboards.programme", "/programme", {"admin"}, forbidden=NOT_ADMIN),
    Route("dashboards.report", "/programme/report", {"admin"}, forbidden=NOT_ADMIN),
    Route("dashboards.report_csv", "/programme/report.csv", {"admin"}, forbidden=NOT_ADMIN),
    Route("dashboards.report_xlsx", "/programme/report.xlsx", {"admin"}, forbidden=NOT_ADMIN),
    Route(
        "dashboards.what_tutors_see",
        "/cohorts/{cohort.id}/what-your-tutors-see",
        PARTICIPANTS,
        forbidden=MANAGERS,
    ),
]
