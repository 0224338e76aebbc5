"""Every live challenge and story route against every role (see tests/matrix.py).

The challenge belongs to `participant` in cohort A. Its set (`participant`, `fellow`, `tutor`)
can read it; the owner alone changes it; the rest of the set asks questions; only the writer
of a question changes it. Another cohort's tutor and participant, and the admin (who is not
the set's tutor), get 404: a challenge is the set's alone. The admin sees cohort A itself, so
the set's lists answer them 403. Published stories are for every signed-in user.
"""

import io
from types import SimpleNamespace

from learnset import files
from learnset.challenges import update_files
from learnset.db import utcnow
from tests import factories
from tests.files import samples
from tests.matrix import EVERYONE, Route

OWNER = {"participant"}
SET = {"participant", "fellow", "tutor"}
OTHERS_IN_SET = {"fellow", "tutor"}
PARTICIPANTS = {"participant", "fellow"}


def _challenge(db, people):
    challenge = factories.make_challenge(db, people.participant, title="Frailty at home")
    question = factories.make_update(db, challenge, people.fellow, "question")
    action = factories.make_update(db, challenge, people.participant, "action")
    return SimpleNamespace(challenge=challenge, question=question, action=action)


def _with_file(db, people):
    """The owner's action with a photo beside it: the set may download it, the owner alone
    add or remove files."""
    scenario = _challenge(db, people)
    scenario.file = update_files.attach(
        db,
        people.participant,
        scenario.action,
        io.BytesIO(samples.png_with_location()),
        "whiteboard.png",
        files.Limits(10**7, 10, 10**8),
        utcnow(),
    )
    return scenario


def _story(db, people):
    challenge = factories.make_challenge(db, people.participant, status="closed")
    story = factories.make_story(db, challenge)
    hidden = factories.make_story(
        db, factories.make_challenge(db, people.fellow, status="closed"), published=False
    )
    return SimpleNamespace(challenge=challenge, story=story, hidden=hidden)


def _ids(scenario):
    names = {"c": "challenge", "q": "question", "a": "action", "f": "file"}
    return {
        key: getattr(scenario, name).id for key, name in names.items() if hasattr(scenario, name)
    }


def _on_challenge(endpoint, path, allowed, method="GET", data=None, setup=_challenge):
    """A route on the participant's challenge: the set may see it, so those of the set who
    may not act get 403; everyone else 404."""
    return Route(
        endpoint,
        lambda s, path=path: path.format(**_ids(s)),
        allowed,
        method,
        forbidden=SET - allowed,
        setup=setup,
        data=data or {},
    )


def _cohort_route(endpoint, path, allowed, method="GET", data=None):
    return Route(
        endpoint,
        "/cohorts/{cohort.id}" + path,
        allowed,
        method,
        # The admin can see the cohort, so is refused rather than told it is not there.
        forbidden=(SET - allowed) | {"admin"},
        data=data or {},
    )


CHALLENGE = {"title": "Matrix challenge", "context": "Now", "outcomes": "Better lives"}
PLAN = {"kind": "action", "body": "Talk to three practices"}
GAIN = {"body": "People home sooner", "gain_for": "people", "gain_kind": "health"}

ROUTES = [
    # The set's lists.
    _cohort_route("challenges.cohort_challenges", "/challenges", SET),
    _cohort_route("challenges.new_challenge", "/challenges/new", PARTICIPANTS),
    _cohort_route("challenges.new_challenge", "/challenges/new", PARTICIPANTS, "POST", CHALLENGE),
    _cohort_route("challenges.gains", "/gains", SET),
    # A challenge and the owner's changes.
    _on_challenge("challenges.challenge", "/challenges/{c}", SET),
    _on_challenge("challenges.edit", "/challenges/{c}/edit", OWNER),
    _on_challenge("challenges.edit", "/challenges/{c}/edit", OWNER, "POST", CHALLENGE),
    _on_challenge("challenges.status", "/challenges/{c}/status", OWNER),
    _on_challenge(
        "challenges.status", "/challenges/{c}/status", OWNER, "POST", {"status": "paused"}
    ),
    _on_challenge("challenges.delete", "/challenges/{c}/delete", OWNER),
    _on_challenge("challenges.delete", "/challenges/{c}/delete", OWNER, "POST"),
    # The set's questions and insights.
    _on_challenge(
        "challenges.ask", "/challenges/{c}/questions", OTHERS_IN_SET, "POST", {"body": "What if?"}
    ),
    _on_challenge(
        "challenges.add_insight",
        "/challenges/{c}/insights",
        SET,
        "POST",
        {"insight-body": "I noticed"},
    ),
    _on_challenge(
        "challenges.helped", "/challenges/{c}/updates/{q}/helped", OWNER, "POST", {"helped": "yes"}
    ),
    # Only the writer changes or deletes what they wrote.
    _on_challenge("challenges.edit_update", "/challenges/{c}/updates/{q}/edit", {"fellow"}),
    _on_challenge(
        "challenges.edit_update",
        "/challenges/{c}/updates/{q}/edit",
        {"fellow"},
        "POST",
        {"body": "How?"},
    ),
    _on_challenge("challenges.edit_update", "/challenges/{c}/updates/{a}/edit", OWNER),
    _on_challenge(
        "challenges.edit_update", "/challenges/{c}/updates/{a}/edit", OWNER, "POST", PLAN
    ),
    _on_challenge("challenges.delete_update", "/challenges/{c}/updates/{q}/delete", {"fellow"}),
    _on_challenge(
        "challenges.delete_update", "/challenges/{c}/updates/{q}/delete", {"fellow"}, "POST"
    ),
    _on_challenge("challenges.delete_update", "/challenges/{c}/updates/{a}/delete", OWNER, "POST"),
    # The owner's actions, experiments, outcomes and gains.
    _on_challenge("challenges.new_plan", "/challenges/{c}/plans/new", OWNER),
    _on_challenge("challenges.new_plan", "/challenges/{c}/plans/new", OWNER, "POST", PLAN),
    _on_challenge("challenges.outcome", "/challenges/{c}/updates/{a}/outcome", OWNER),
    _on_challenge(
        "challenges.outcome",
        "/challenges/{c}/updates/{a}/outcome",
        OWNER,
        "POST",
        {"outcome": "It went well"},
    ),
    _on_challenge("challenges.new_gain", "/challenges/{c}/gains/new", OWNER),
    _on_challenge("challenges.new_gain", "/challenges/{c}/gains/new", OWNER, "POST", GAIN),
    # Files beside the owner's updates: the set downloads them, the owner adds and removes.
    _on_challenge("challenge_files.attach", "/challenges/{c}/updates/{a}/files", OWNER),
    _on_challenge("challenge_files.attach", "/challenges/{c}/updates/{a}/files", OWNER, "POST"),
    _on_challenge("challenge_files.download", "/challenges/files/{f}", SET, setup=_with_file),
    _on_challenge(
        "challenge_files.thumbnail", "/challenges/files/{f}/thumbnail", SET, setup=_with_file
    ),
    _on_challenge(
        "challenge_files.remove", "/challenges/files/{f}/remove", OWNER, setup=_with_file
    ),
    _on_challenge(
        "challenge_files.remove", "/challenges/files/{f}/remove", OWNER, "POST", setup=_with_file
    ),
    # Publishing and unpublishing a story.
    _on_challenge("challenges.story", "/challenges/{c}/story", OWNER, setup=_story),
    _on_challenge(
        "challenges.story",
        "/challenges/{c}/story",
        OWNER,
        "POST",
        {"summary": "What we learned", "consent": "y"},
        setup=_story,
    ),
    _on_challenge("challenges.unpublish", "/challenges/{c}/story/unpublish", OWNER, setup=_story),
    _on_challenge(
        "challenges.unpublish", "/challenges/{c}/story/unpublish", OWNER, "POST", setup=_story
    ),
    # Stories, for everyone signed in; an unpublished one for nobody.
    Route("stories.index", "/stories", EVERYONE, setup=_story),
    Route("stories.story", "/stories/{story.id}", EVERYONE, setup=_story),
    Route("stories.story", "/stories/{hidden.id}", set(), setup=_story),
]
