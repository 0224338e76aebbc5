"""The demo programme's people have a few notifications, made once (issue 19, item 2)."""

import pytest
from sqlalchemy import func, select

from learnset import demo
from learnset.accounts.models import User
from learnset.mail.models import OutgoingMail
from learnset.notifications.models import Notification
from learnset.notifications.services import AT_ONCE_EMAIL
from tests.factories import FAST_HASH


@pytest.mark.demo_data
def test_demo_people_have_a_few_notifications_made_once(db):
    count = db.scalar(select(func.count()).select_from(Notification))
    demo.load(db, FAST_HASH)
    assert db.scalar(select(func.count()).select_from(Notification)) == count
    kinds_by_person = {}
    for notification in db.scalars(select(Notification)):
        person = db.get(User, notification.recipient_id)
        kinds_by_person.setdefault(person.email, set()).add(notification.kind)
    assert "shared" in kinds_by_person["tutor1@example.org"]
    assert any("comment" in kinds for kinds in kinds_by_person.values()), kinds_by_person
    assert any("session" in kinds for kinds in kinds_by_person.values())
    assert db.scalar(select(func.count()).where(Notification.read_at.is_not(None))) > 0
    assert db.scalar(select(func.count()).where(Notification.read_at.is_(None))) > 0
    # The demo's made-up past emails nobody.
    assert db.scalar(select(func.count()).where(OutgoingMail.kind == AT_ONCE_EMAIL)) == 0
