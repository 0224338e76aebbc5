from types import SimpleNamespace

from tests import factories
from tests.matrix import EVERYONE, Route

PARTICIPANTS = {"participant", "fellow"}
# They can see the cohort, so its participants' own pages answer 403 rather than 404.
COHORT_VIEWERS = {"tutor", "admin"}


def _capability(db, people):
    domain = factories.make_domain(db, slug="matrix-domain")
    return SimpleNamespace(
        domain=domain, capability=factories.make_capability(db, domain, slug="matrix-capability")
    )


def _draft(db, people):
    scene = _capability(db, people)
    scene.assessment = factories.make_assessment(
        db, people.participant, people.cohort, {scene.capability: (2, 4)}, status="draft"
    )
    return scene


def _shared(db, people):
    scene = _capability(db, people)
    scene.assessment = factories.make_assessment(
        db, people.participant, people.cohort, {scene.capability: (2, 4)}
    )
    return scene


def _kept_private(db, people):
    scene = _capability(db, people)
    scene.assessment = factories.make_assessment(
        db, people.participant, people.cohort, {scene.capability: (2, 4)}, shared=False
    )
    return scene


def _item(db, people):
    scene = _capability(db, people)
    scene.item = factories.make_content_item(db, [scene.capability], slug="matrix-focus-item")
    return scene


ROUTES = [
    Route("assessment.framework", lambda s: "/framework", EVERYONE),
    Route(
        "assessment.mine",
        lambda s: "/capabilities",
        {"participant", "fellow", "outsider"},
        forbidden={"tutor", "other_tutor", "admin"},
    ),
    Route(
        "assessment.overview",
        lambda s: f"/cohorts/{s.cohort.id}/capabilities",
        PARTICIPANTS,
        forbidden=COHORT_VIEWERS,
        setup=_shared,
    ),
    Route(
        "assessment.capability",
        lambda s: f"/cohorts/{s.cohort.id}/capabilities/{s.capability.slug}",
        PARTICIPANTS,
        forbidden=COHORT_VIEWERS,
        setup=_shared,
    ),
    Route(
        "assessment.start",
        lambda s: f"/cohorts/{s.cohort.id}/self-assessments/new",
        PARTICIPANTS,
        forbidden=COHORT_VIEWERS,
        setup=_capability,
    ),
    Route(
        "assessment.start",
        lambda s: f"/cohorts/{s.cohort.id}/self-assessments/new",
        PARTICIPANTS,
        method="POST",
        forbidden=COHORT_VIEWERS,
        setup=_capability,
    ),
    # A draft is its author's alone: not even the cohort's tutor may know it exists.
    Route(
        "assessment.domain",
        lambda s: f"/self-assessments/{s.assessment.id}/domains/{s.domain.slug}",
        {"participant"},
        setup=_draft,
    ),
    Route(
        "assessment.domain",
        lambda s: f"/self-assessments/{s.assessment.id}/domains/{s.domain.slug}",
        {"participant"},
        method="POST",
        setup=_draft,
        data={"matrix-capability-current": "3", "matrix-capability-target": "4"},
    ),
    Route(
        "assessment.check",
        lambda s: f"/self-assessments/{s.assessment.id}/check",
        {"participant"},
        setup=_draft,
    ),
    Route(
        "assessment.check",
        lambda s: f"/self-assessments/{s.assessment.id}/check",
        {"participant"},
        method="POST",
        setup=_draft,
        data={"share": "yes"},
    ),
    Route(
        "assessment.discard",
        lambda s: f"/self-assessments/{s.assessment.id}/discard",
        {"participant"},
        setup=_draft,
    ),
    Route(
        "assessment.discard",
        lambda s: f"/self-assessments/{s.assessment.id}/discard",
        {"participant"},
        method="POST",
        setup=_draft,
    ),
    Route(
        "assessment.view",
        lambda s: f"/self-assessments/{s.assessment.id}",
        {"participant", "tutor"},
        setup=_shared,
    ),
    # Kept to themselves: the tutor gets 404, as if it did not exist.
    Route(
        "assessment.view",
        lambda s: f"/self-assessments/{s.assessment.id}",
        {"participant"},
        setup=_kept_private,
    ),
    Route(
        "assessment.sharing",
        lambda s: f"/self-assessments/{s.assessment.id}/sharing",
        {"participant"},
        method="POST",
        forbidden={"tutor"},
        setup=_shared,
        data={"share": "no"},
    ),
    Route(
        "assessment.sharing",
        lambda s: f"/self-assessments/{s.assessment.id}/sharing",
        {"participant"},
        method="POST",
        setup=_kept_private,
        data={"share": "yes"},
    ),
    Route(
        "assessment.pin_focus",
        lambda s: f"/cohorts/{s.cohort.id}/focus",
        PARTICIPANTS,
        method="POST",
        forbidden=COHORT_VIEWERS,
        setup=_item,
        data={"item": "matrix-focus-item", "capability": "matrix-capability"},
    ),
    Route(
        "assessment.clear_focus",
        lambda s: f"/cohorts/{s.cohort.id}/focus/clear",
        PARTICIPANTS,
        method="POST",
        forbidden=COHORT_VIEWERS,
    ),
    Route(
        "assessment.cohort_participants",
        lambda s: f"/cohorts/{s.cohort.id}/self-assessments",
        {"tutor"},
        forbidden={"participant", "fellow", "admin"},
        setup=_shared,
    ),
    # Admins see no one's ratings unless they tutor the cohort; fellow participants never do.
    Route(
        "assessment.participant",
        lambda s: f"/cohorts/{s.cohort.id}/participants/{s.participant.id}/capabilities",
        {"tutor", "participant"},
        setup=_shared,
    ),
    Route(
        "assessment.participant",
        lambda s: f"/cohorts/{s.cohort.id}/participants/{s.participant.id}/capabilities",
        {"tutor", "participant"},
        setup=_kept_private,
    ),
]
