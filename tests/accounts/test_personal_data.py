"""Download your data and delete your account, through the personal data registry."""

import json

from sqlalchemy import inspect, select

from learnset.accounts import personal_data
from learnset.accounts.models import User
from learnset.cohorts.models import Invitation, Membership
from learnset.db import utcnow
from learnset.models import Base
from learnset.reflections.models import (
    Reflection,
    ReflectionComment,
    ReflectionDraft,
    ReflectionRescue,
    ReflectionVersion,
)
from tests import factories
from tests.helpers import TEST_PASSWORD, count_rows, submit


def _programme(db, people):
    """Pat's own data, others' data around it, and conversations both ways."""
    mine = factories.make_reflection(
        db, people.participant, title="PAT-OWN", visibility="set", parts={"what": "PAT-TEXT"}
    )
    factories.make_reflection(db, people.participant, title="PAT-BINNED", deleted_at=utcnow())
    factories.make_comment(db, mine, people.tutor, body="TUTOR-ON-PAT")
    theirs = factories.make_reflection(
        db, people.fellow, title="FAY-SHARED", visibility="set", parts={"what": "FAY-TEXT"}
    )
    withdrawn = factories.make_reflection(db, people.fellow, title="FAY-WITHDRAWN")
    factories.make_comment(db, theirs, people.participant, body="PAT-ON-FAY")
    factories.make_comment(
        db, withdrawn, people.participant, body="PAT-ON-WITHDRAWN", audience="set"
    )
    factories.make_reflection(db, people.fellow, title="FAY-PRIVATE", parts={"what": "FAY-SECRET"})
    db.add(
        ReflectionDraft(
            author_id=people.participant.id, key="k" * 20, data={"title": ["PAT-DRAFT"]}
        )
    )
    db.add(ReflectionDraft(author_id=people.fellow.id, key="f" * 20, data={"title": ["FAY-DRAFT"]}))
    db.commit()
    return mine, theirs


def test_download_holds_exactly_the_users_own_data(login, db, people):
    _programme(db, people)
    response = login(people.participant).get("/account/your-data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    document = json.loads(response.data)
    assert document["account"]["email"] == people.participant.email
    assert [s["name"] for s in document["account"]["learning_sets"]] == ["Riverside set"]
    log = document["reflective_log"]
    assert sorted(r["title"] for r in log["reflections"]) == ["PAT-BINNED", "PAT-OWN"]
    own = next(r for r in log["reflections"] if r["title"] == "PAT-OWN")
    assert own["parts"]["what"] == "PAT-TEXT"
    assert [v["number"] for v in own["versions"]] == [1]
    assert [c["body"] for c in own["comments"]] == ["TUTOR-ON-PAT"]
    assert [d["fields"]["title"] for d in log["drafts"]] == [["PAT-DRAFT"]]
    written = {c["body"]: c["on_reflection"] for c in log["comments_on_others_reflections"]}
    # Another person's title only while it is still shared with the user.
    assert written == {"PAT-ON-FAY": "FAY-SHARED", "PAT-ON-WITHDRAWN": None}
    raw = response.get_data(as_text=True)
    for leak in (
        "FAY-TEXT",
        "FAY-SECRET",
        "FAY-PRIVATE",
        "FAY-DRAFT",
        "FAY-WITHDRAWN",
        people.fellow.email,
    ):
        assert leak not in raw, leak


def test_every_feature_registers_a_section():
    names = [section.name for section in personal_data.sections()]
    assert names[0] == "account"
    assert "reflective_log" in names
    assert all(section.erase is not None for section in personal_data.sections())


def test_delete_account_asks_for_the_password(login, db, people):
    _programme(db, people)
    browser = login(people.participant)
    page = browser.get("/account/delete").get_data(as_text=True)
    assert "This cannot be undone" in page
    assert "download all your data" in page
    response = submit(browser, "/account/delete", {"password": "wrong password"})
    assert response.status_code == 422
    assert "The password is not correct" in response.get_data(as_text=True)
    assert db.get(User, people.participant.id) is not None
    response = submit(browser, "/account/delete", {"password": ""})
    assert response.status_code == 422
    assert db.get(User, people.participant.id) is not None


def test_delete_account_removes_private_data_and_anonymises_the_rest(login, db, people):
    mine, theirs = _programme(db, people)
    invitation = factories.make_invitation(db, people.cohort, email=people.participant.email)
    db.commit()
    user_id, theirs_id, mine_id = people.participant.id, theirs.id, mine.id
    invitation_id = invitation.id
    browser = login(people.participant)
    response = submit(browser, "/account/delete", {"password": TEST_PASSWORD})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(User, user_id) is None
    assert count_rows(db, Membership, Membership.user_id == user_id) == 0
    assert count_rows(db, Reflection, Reflection.author_id == user_id) == 0
    assert count_rows(db, ReflectionVersion, ReflectionVersion.reflection_id == mine_id) == 0
    assert count_rows(db, ReflectionDraft, ReflectionDraft.author_id == user_id) == 0
    assert count_rows(db, ReflectionComment, ReflectionComment.body == "TUTOR-ON-PAT") == 0
    assert db.get(Invitation, invitation_id) is None
    # What others can still see stays, from "A former member".
    kept = db.scalar(select(ReflectionComment).where(ReflectionComment.body == "PAT-ON-FAY"))
    assert kept.author_id is None
    page = login(people.fellow).get(f"/reflections/{theirs_id}").get_data(as_text=True)
    assert "PAT-ON-FAY" in page and "A former member" in page
    # Everyone else's data is untouched.
    assert count_rows(db, Reflection, Reflection.author_id == people.fellow.id) == 3
    assert count_rows(db, ReflectionDraft) == 1
    # The browser is signed out and cannot get back in.
    assert browser.get("/account").status_code == 302
    response = submit(browser, "/sign-in", {"email": "x", "password": TEST_PASSWORD})
    assert response.status_code == 422


def test_rescued_text_goes_with_the_account(db, people):
    db.add(ReflectionRescue(key_hash="a" * 64, user_id=people.participant.id, data={}))
    db.flush()
    personal_data.delete_account(db, people.participant)
    assert count_rows(db, ReflectionRescue) == 0


def test_the_only_admin_cannot_delete_their_account(login, db, people):
    browser = login(people.admin)
    page = browser.get("/account/delete").get_data(as_text=True)
    assert "You are the only programme admin" in page
    response = submit(browser, "/account/delete", {"password": TEST_PASSWORD})
    assert response.status_code == 200
    assert db.get(User, people.admin.id) is not None
    factories.make_user(db, is_admin=True)
    db.commit()
    assert submit(browser, "/account/delete", {"password": TEST_PASSWORD}).status_code == 302


def test_every_foreign_key_to_users_says_what_happens_on_delete(engine):
    """Deleting an account row must never fail or leave a dangling id, in any feature."""
    undecided = [
        f"{table.name}.{fk.parent.name}"
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == "users" and fk.ondelete not in ("CASCADE", "SET NULL")
    ]
    assert undecided == []
    # And the database agrees with the models.
    inspector = inspect(engine)
    for table in inspector.get_table_names():
        for fk in inspector.get_foreign_keys(table):
            if fk["referred_table"] == "users":
                assert (fk.get("options") or {}).get("ondelete") in ("CASCADE", "SET NULL"), table
