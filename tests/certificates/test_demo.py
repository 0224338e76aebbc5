"""The demo programme gives its first participant one issued certificate."""

import pytest
from sqlalchemy import select

from learnset import demo
from learnset.certificates.models import Certificate
from tests.factories import FAST_HASH
from tests.helpers import html_of


@pytest.mark.demo_data(library=True)
def test_the_demo_has_one_certificate_for_participant1_and_loads_once(db, client):
    demo.load(db, FAST_HASH)
    db.commit()
    [certificate] = db.scalars(select(Certificate)).all()
    assert certificate.holder.email == "participant1@example.org"
    assert certificate.sessions_attended > 0 and certificate.minutes_attended > 0
    assert certificate.signatory_name == "Helen Marsh"
    page = html_of(client.get(f"/certificates/verify/{certificate.reference}"))
    assert "Dr Priya Natarajan" in page
