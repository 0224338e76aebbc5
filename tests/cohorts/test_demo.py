"""The demo admin has one finished import from a CSV file to look at, made once."""

import pytest
from sqlalchemy import select

from learnset import demo
from learnset.accounts.models import User
from learnset.cohorts import bulk
from learnset.cohorts.models import InvitationImport
from learnset.db import utcnow
from learnset.mail.models import OutgoingMail
from tests.factories import FAST_HASH
from tests.helpers import count_rows


@pytest.mark.demo_data
def test_the_demo_has_one_sent_import_with_every_kind_of_row(db):
    demo.load(db, FAST_HASH)
    [kept] = db.scalars(select(InvitationImport)).all()
    admin = db.scalar(select(User).where(User.email == demo.ADMIN[0]))
    assert kept.sent_at is not None and kept.uploaded_by_id == admin.id
    # Read now, the rows it sent are "already invited"; the others are as they were.
    kinds = [v.kind.value for v in bulk.preview(db, admin, bulk.rows_of(kept), utcnow())]
    assert kinds == ["invited"] * 3 + ["member", "duplicate", "invalid", "invalid"]
    assert {"member", "duplicate", "invalid"} <= set(kinds)
    made = bulk.sent_invitations(db, kept)
    assert sorted(i.email for i in made) == [
        "grace.mensah@example.org",
        "leila.haddad@example.org",
        "owen.price@example.org",
    ]
    # The demo sends no email to the people it invites.
    emails = [i.email for i in made]
    assert count_rows(db, OutgoingMail, OutgoingMail.recipient.in_(emails)) == 0
