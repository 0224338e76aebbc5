from types import SimpleNamespace

from learnset.colleague_feedback import services
from learnset.db import utcnow
from learnset.tokens import hash_token
from tests import factories
from tests.colleague_feedback.helpers import make_round, respond
from tests.matrix import EVERYONE, ROLES, Route, page_and_form

OWNER = {"participant"}
RATER_TOKEN = "matrix-rater-token-0123456789"


def _round(db, people):
    framework = factories.make_framework(db)
    return SimpleNamespace(
        round=make_round(db, people.participant, people.cohort, framework.capabilities)
    )


def _shared_report(db, people):
    framework = factories.make_framework(db)
    feedback_round = make_round(db, people.participant, people.cohort, framework.capabilities)
    for rater in feedback_round.raters[:3]:
        respond(db, rater, dict.fromkeys(framework.capabilities, 3), keep_doing="Keep listening")
    services.close_early(db, feedback_round, utcnow())
    feedback_round.shared_with_tutors = True
    return SimpleNamespace(round=feedback_round)


def _rater(db, people):
    framework = factories.make_framework(db)
    feedback_round = make_round(db, people.participant, people.cohort, framework.capabilities)
    feedback_round.raters[0].token_hash = hash_token(RATER_TOKEN)
    db.flush()
    return SimpleNamespace(round=feedback_round)


ROUTES = [
    Route("colleague_feedback.rounds", "/colleague-feedback", EVERYONE),
    *page_and_form(
        "colleague_feedback.new",
        "/colleague-feedback/new",
        {"participant", "fellow", "outsider"},
        setup=lambda db, people: SimpleNamespace(framework=factories.make_framework(db)),
    ),
    Route("colleague_feedback.show", "/colleague-feedback/{round.id}", OWNER, setup=_round),
    *page_and_form(
        "colleague_feedback.add_raters",
        "/colleague-feedback/{round.id}/colleagues",
        OWNER,
        {"email_1": "another.colleague@example.nhs.uk", "relation_1": "manager"},
        setup=_round,
    ),
    *page_and_form(
        "colleague_feedback.close", "/colleague-feedback/{round.id}/close", OWNER, setup=_round
    ),
    *page_and_form(
        "colleague_feedback.delete", "/colleague-feedback/{round.id}/delete", OWNER, setup=_round
    ),
    Route(
        "colleague_feedback.sharing",
        "/colleague-feedback/{round.id}/sharing",
        OWNER,
        "POST",
        data={"share": "yes"},
        setup=_round,
    ),
    Route(
        "colleague_feedback.report",
        "/colleague-feedback/{round.id}/report",
        {"participant", "tutor"},
        setup=_shared_report,
    ),
    # A colleague's link: no sign-in, for whoever holds it.
    *page_and_form(
        "colleague_feedback.answer",
        f"/colleague-feedback/answer/{RATER_TOKEN}",
        set(ROLES),
        {"action": "save"},
        public=True,
        setup=_rater,
    ),
    Route(
        "colleague_feedback.autosave",
        f"/colleague-feedback/answer/{RATER_TOKEN}/draft",
        set(ROLES),
        "POST",
        data={"keep_doing": "Listening"},
        public=True,
        setup=_rater,
    ),
    *page_and_form(
        "colleague_feedback.decline",
        f"/colleague-feedback/answer/{RATER_TOKEN}/decline",
        set(ROLES),
        public=True,
        setup=_rater,
    ),
    Route("colleague_feedback.thanks", "/colleague-feedback/answered", set(ROLES), public=True),
]
