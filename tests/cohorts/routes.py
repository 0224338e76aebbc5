from types import SimpleNamespace

from sqlalchemy import select

from learnset.cohorts import bulk
from learnset.cohorts.models import Membership
from learnset.db import utcnow
from tests import factories
from tests.matrix import EVERYONE, ROLES, Route, page_and_form

MANAGERS = {"tutor", "admin"}
MEMBERS = {"participant", "fellow", "tutor", "admin"}
PARTICIPANTS = {"participant", "fellow"}
NOT_ADMIN = {"participant", "fellow", "tutor", "other_tutor", "outsider"}
COHORT_FORM = {"name": "Matrix set", "status": "planned"}


def _invitation(db, people):
    return SimpleNamespace(
        invitation=factories.make_invitation(db, people.cohort, token="matrix-token")
    )


def _fellow_membership(db, people):
    membership = db.scalar(
        select(Membership).where(
            Membership.user_id == people.fellow.id, Membership.cohort_id == people.cohort.id
        )
    )
    return SimpleNamespace(membership=membership)


INVITERS = {"tutor", "other_tutor", "admin"}
PARTICIPANTS_EVERYWHERE = {"participant", "fellow", "outsider"}
ONE_ROW = b"name,email,role,learning set\nNia New,nia@example.org,participant,Riverside set\n"


def _import(db, people):
    """An upload of one row by the set's tutor: only they may see it or send it."""
    return SimpleNamespace(kept=bulk.upload(db, people.tutor, "matrix.csv", ONE_ROW, utcnow()))


ROUTES = [
    # Invitations from a CSV file (issue 19, item 1).
    *page_and_form(
        "cohorts.import_invitations",
        "/invitations/import",
        INVITERS,
        forbidden=PARTICIPANTS_EVERYWHERE,
    ),
    Route(
        "cohorts.import_template",
        "/invitations/import/template.csv",
        INVITERS,
        forbidden=PARTICIPANTS_EVERYWHERE,
    ),
    Route("cohorts.invitation_import", "/invitations/imports/{kept.id}", {"tutor"}, setup=_import),
    Route(
        "cohorts.send_invitation_import",
        "/invitations/imports/{kept.id}/send",
        {"tutor"},
        "POST",
        setup=_import,
    ),
    # Invitations.
    Route(
        "cohorts.invitations_overview",
        "/invitations",
        {"tutor", "other_tutor", "admin"},
        forbidden={"participant", "fellow", "outsider"},
    ),
    *page_and_form(
        "cohorts.invitations",
        "/cohorts/{cohort.id}/invitations",
        MANAGERS,
        {"email": "matrix@example.org", "role": "participant"},
        forbidden=PARTICIPANTS,
    ),
    Route(
        "cohorts.resend_invitation",
        "/invitations/{invitation.id}/resend",
        MANAGERS,
        "POST",
        setup=_invitation,
    ),
    *page_and_form(
        "cohorts.revoke_invitation",
        "/invitations/{invitation.id}/revoke",
        MANAGERS,
        setup=_invitation,
    ),
    *page_and_form(
        "cohorts.accept_invitation",
        "/join/matrix-token",
        set(ROLES),
        public=True,
        setup=_invitation,
    ),
    # Learning sets: list, create, edit, members, tutors (issue 3).
    Route("cohorts.index", "/cohorts", EVERYONE),
    *page_and_form(
        "cohorts.new_cohort", "/cohorts/new", {"admin"}, COHORT_FORM, forbidden=NOT_ADMIN
    ),
    Route("cohorts.cohort", "/cohorts/{cohort.id}", MEMBERS),
    *page_and_form(
        "cohorts.edit_cohort",
        "/cohorts/{cohort.id}/edit",
        MANAGERS,
        COHORT_FORM,
        forbidden=PARTICIPANTS,
    ),
    Route("cohorts.members", "/cohorts/{cohort.id}/members", MANAGERS, forbidden=PARTICIPANTS),
    *page_and_form(
        "cohorts.assign_tutor",
        "/cohorts/{cohort.id}/tutors",
        {"admin"},
        {"email": "new-tutor@example.org"},
        forbidden=PARTICIPANTS | {"tutor"},
    ),
    *page_and_form(
        "cohorts.remove_member",
        "/memberships/{membership.id}/remove",
        MANAGERS,
        forbidden=PARTICIPANTS,
        setup=_fellow_membership,
    ),
]
