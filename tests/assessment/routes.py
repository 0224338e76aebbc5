from types import SimpleNamespace

from tests import factories
from tests.matrix import EVERYONE, Route, page_and_form

PARTICIPANTS = {"participant", "fellow"}
# They can see the cohort, so its participants' own pages answer 403 rather than 404.
COHORT_VIEWERS = {"tutor", "admin"}


def _capability(db, people):
    domain = factories.make_domain(db, slug="matrix-domain")
    return SimpleNamespace(
        domain=domain, capability=factories.make_capability(db, domain, slug="matrix-capability")
    )


def _assessment(**options):
    """The participant's self-assessment rating the matrix capability, as `options` say."""

    def setup(db, people):
        scene = _capability(db, people)
        scene.assessment = factories.make_assessment(
            db, people.participant, people.cohort, {scene.capability: (2, 4)}, **options
        )
        return scene

    return setup


_draft = _assessment(status="draft")
_shared = _assessment()
_kept_private = _assessment(shared=False)


def _item(db, people):
    scene = _capability(db, people)
    scene.item = factories.make_content_item(db, [scene.capability], slug="matrix-focus-item")
    return scene


def _cohort_page(endpoint, path, method="GET", **options):
    """A page of the participants' own in cohort A: tutors and admins get 403."""
    return Route(
        endpoint,
        "/cohorts/{cohort.id}" + path,
        PARTICIPANTS,
        method,
        forbidden=COHORT_VIEWERS,
        **options,
    )


def _own_draft(endpoint, path, data=None):
    """The participant's draft: its page and form are theirs alone."""
    return page_and_form(
        endpoint, "/self-assessments/{assessment.id}" + path, {"participant"}, data, setup=_draft
    )


SHARED = "/self-assessments/{assessment.id}"
PARTICIPANT_PAGE = "/cohorts/{cohort.id}/participants/{participant.id}/capabilities"

ROUTES = [
    Route("assessment.framework", "/framework", EVERYONE),
    Route(
        "assessment.mine",
        "/capabilities",
        {"participant", "fellow", "outsider"},
        forbidden={"tutor", "other_tutor", "admin"},
    ),
    _cohort_page("assessment.overview", "/capabilities", setup=_shared),
    _cohort_page("assessment.capability", "/capabilities/{capability.slug}", setup=_shared),
    _cohort_page("assessment.start", "/self-assessments/new", setup=_capability),
    _cohort_page("assessment.start", "/self-assessments/new", "POST", setup=_capability),
    # A draft is its author's alone: not even the cohort's tutor may know it exists.
    *_own_draft(
        "assessment.domain",
        "/domains/{domain.slug}",
        {"matrix-capability-current": "3", "matrix-capability-target": "4"},
    ),
    *_own_draft("assessment.check", "/check", {"share": "yes"}),
    *_own_draft("assessment.discard", "/discard"),
    Route("assessment.view", SHARED, {"participant", "tutor"}, setup=_shared),
    # Kept to themselves: the tutor gets 404, as if it did not exist.
    Route("assessment.view", SHARED, {"participant"}, setup=_kept_private),
    Route(
        "assessment.sharing",
        SHARED + "/sharing",
        {"participant"},
        "POST",
        forbidden={"tutor"},
        setup=_shared,
        data={"share": "no"},
    ),
    Route(
        "assessment.sharing",
        SHARED + "/sharing",
        {"participant"},
        "POST",
        setup=_kept_private,
        data={"share": "yes"},
    ),
    _cohort_page(
        "assessment.pin_focus",
        "/focus",
        "POST",
        setup=_item,
        data={"item": "matrix-focus-item", "capability": "matrix-capability"},
    ),
    _cohort_page("assessment.clear_focus", "/focus/clear", "POST"),
    Route(
        "assessment.cohort_participants",
        "/cohorts/{cohort.id}/self-assessments",
        {"tutor"},
        forbidden={"participant", "fellow", "admin"},
        setup=_shared,
    ),
    # Admins see no one's ratings unless they tutor the cohort; fellow participants never do.
    Route("assessment.participant", PARTICIPANT_PAGE, {"tutor", "participant"}, setup=_shared),
    Route(
        "assessment.participant", PARTICIPANT_PAGE, {"tutor", "participant"}, setup=_kept_private
    ),
]
