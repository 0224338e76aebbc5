"""The rules of kept text, called directly: limits, owners and the signed writer field.

The requests around them are in test_rescue.py; the rules themselves in rescue.py's docstring.
"""

import secrets
from datetime import timedelta

import pytest

from learnset.db import utcnow
from learnset.reflections import rescue
from learnset.reflections.models import ReflectionRescue
from learnset.reflections.rescue import Refusal, Target
from tests import factories

SECRET = "test-secret-key-not-for-production"


def _keep(db, people, browser_cookie, client="client-a", now=None):
    """Keep a title from a new editor of its own, signed in as the participant."""
    target = Target(draft_key=secrets.token_urlsafe(18))
    data = {"title": ["Words"]}
    return rescue.keep(
        db, browser_cookie, client, people.participant, None, target, data, now or utcnow()
    )


def test_kept_text_is_found_only_with_its_browsers_key_and_only_by_its_owner(db, people):
    browser, other_browser = {}, {}
    kept = _keep(db, people, browser)
    assert browser[rescue.SESSION_KEY] and kept.key_hash != browser[rescue.SESSION_KEY]
    now = utcnow()
    assert rescue.waiting(db, browser, people.participant, now) == [kept]
    assert rescue.kept_text(db, browser, people.participant, kept.id, now) == kept
    assert rescue.waiting(db, browser, people.fellow, now) == []
    assert rescue.kept_text(db, browser, people.fellow, kept.id, now) is None
    assert rescue.waiting(db, other_browser, people.participant, now) == []
    assert rescue.kept_text(db, other_browser, people.participant, kept.id, now) is None


def test_an_ip_address_keeps_at_most_twenty_new_texts_an_hour(db, people):
    now = utcnow()
    for _ in range(rescue.PER_CLIENT_PER_HOUR):
        assert isinstance(_keep(db, people, {}, now=now), ReflectionRescue)
    assert _keep(db, people, {}, now=now) is Refusal.NETWORK_BUSY
    assert isinstance(_keep(db, people, {}, client="client-b", now=now), ReflectionRescue)
    assert isinstance(_keep(db, people, {}, now=now + timedelta(minutes=61)), ReflectionRescue)


def test_everything_kept_in_an_hour_is_capped_by_count_and_by_size(db, people, monkeypatch):
    now = utcnow()
    monkeypatch.setattr(rescue, "OVERALL_PER_HOUR", 3)
    for number in range(3):
        assert isinstance(_keep(db, people, {}, client=f"c{number}", now=now), ReflectionRescue)
    assert _keep(db, people, {}, client="c9", now=now) is Refusal.SERVICE_BUSY
    monkeypatch.setattr(rescue, "OVERALL_PER_HOUR", 500)
    size = rescue.size_of({"title": ["Words"]})
    monkeypatch.setattr(rescue, "OVERALL_BYTES_PER_HOUR", 4 * size - 1)
    assert _keep(db, people, {}, client="c9", now=now) is Refusal.SERVICE_BUSY
    assert isinstance(
        _keep(db, people, {}, client="c9", now=now + timedelta(hours=2)), ReflectionRescue
    )


def test_every_refusal_tells_the_person_to_copy_their_text():
    for refusal in Refusal:
        if refusal is not Refusal.NOTHING_TYPED:
            assert "has not been kept" in refusal.message
            assert "Copy your text" in refusal.message


# --- The signed writer field ----------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    ["tampered", "other secret", "other editor", "too old", "not a string"],
)
def test_writer_field_names_its_user_only_when_genuine(db, people, change):
    now = utcnow()
    target = Target(draft_key="k" * 24)
    token = rescue.writer_token(SECRET, people.participant, target, now)
    assert rescue.writer_in(SECRET, token, target, now) == people.participant.id
    secret, when = SECRET, now
    if change == "tampered":
        token = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    elif change == "other secret":
        secret = "another secret"
    elif change == "other editor":
        target = Target(draft_key="j" * 24)
    elif change == "too old":
        when = now + rescue.KEEP_FOR + timedelta(minutes=1)
    else:
        token = 12345
    assert rescue.writer_in(secret, token, target, when) is None


def test_signed_out_writer_keeps_text_only_for_their_own_reflection(db, people):
    others = factories.make_reflection(db, people.fellow)
    own = factories.make_reflection(db, people.participant)
    binned = factories.make_reflection(db, people.participant, deleted_at=utcnow())
    now, writer = utcnow(), people.participant.id
    data = {"title": ["Words"]}

    def keep(reflection):
        target = Target(reflection_id=reflection.id)
        return rescue.keep(db, {}, "c", None, writer, target, data, now)

    assert keep(others) is Refusal.NOT_YOURS
    assert keep(binned) is Refusal.NOT_YOURS
    assert isinstance(keep(own), ReflectionRescue)
    assert rescue.keep(db, {}, "c", None, None, Target(draft_key="k" * 24), data, now) is (
        Refusal.UNKNOWN_WRITER
    )
