"""Live challenges do not grow the header: a set's challenges sit under "Learning sets",
stories under "Library"."""

import re

from learnset.templating import navigation_for
from tests import factories
from tests.helpers import text_of

CURRENT = re.compile(r"navigation-item--current[^>]*>\s*<a[^>]*>(?:<strong[^>]*>)?([^<]+)<")


def _current(page):
    return CURRENT.findall(page)


def test_challenge_pages_sit_under_learning_sets_and_stories_under_the_library(login, db, people):
    challenge = factories.make_challenge(db, people.participant, status="closed")
    story = factories.make_story(db, challenge)
    db.commit()
    browser = login(people.participant)
    for path in (
        f"/cohorts/{people.cohort.id}/challenges",
        f"/challenges/{challenge.id}",
        f"/cohorts/{people.cohort.id}/gains",
    ):
        assert _current(text_of(browser.get(path))) == ["Learning sets"], path
    for path in ("/stories", f"/stories/{story.id}"):
        assert _current(text_of(browser.get(path))) == ["Library"], path
    labels = [item.label for item in navigation_for(people.participant)]
    assert labels == [
        "Home",
        "Learning sets",
        "Library",
        "Your log",
        "Your capabilities",
        "Your account",
    ]
