from types import SimpleNamespace

from tests import factories
from tests.matrix import ROLES, Route


def _invitation(db, people):
    return SimpleNamespace(
        invitation=factories.make_invitation(db, people.cohort, token="matrix-token")
    )


MANAGERS = {"tutor", "admin"}

ROUTES = [
    Route(
        "cohorts.invitations_overview",
        lambda s: "/invitations",
        {"tutor", "other_tutor", "admin"},
        forbidden={"participant", "fellow", "outsider"},
    ),
    Route(
        "cohorts.invitations",
        lambda s: f"/cohorts/{s.cohort.id}/invitations",
        MANAGERS,
        forbidden={"participant", "fellow"},
    ),
    Route(
        "cohorts.invitations",
        lambda s: f"/cohorts/{s.cohort.id}/invitations",
        MANAGERS,
        method="POST",
        forbidden={"participant", "fellow"},
        data={"email": "matrix@example.org", "role": "participant"},
    ),
    Route(
        "cohorts.resend_invitation",
        lambda s: f"/invitations/{s.invitation.id}/resend",
        MANAGERS,
        method="POST",
        setup=_invitation,
    ),
    Route(
        "cohorts.revoke_invitation",
        lambda s: f"/invitations/{s.invitation.id}/revoke",
        MANAGERS,
        setup=_invitation,
    ),
    Route(
        "cohorts.revoke_invitation",
        lambda s: f"/invitations/{s.invitation.id}/revoke",
        MANAGERS,
        method="POST",
        setup=_invitation,
    ),
    Route(
        "cohorts.accept_invitation",
        lambda s: "/join/matrix-token",
        set(ROLES),
        public=True,
        setup=_invitation,
    ),
    Route(
        "cohorts.accept_invitation",
        lambda s: "/join/matrix-token",
        set(ROLES),
        method="POST",
        public=True,
        setup=_invitation,
    ),
]

# --- Learning sets: list, create, edit, members, tutors (issue 3) ---


def _fellow_membership(db, people):
    from sqlalchemy import select

    from learnset.cohorts.models import Membership

    membership = db.scalar(
        select(Membership).where(
            Membership.user_id == people.fellow.id, Membership.cohort_id == people.cohort.id
        )
    )
    return SimpleNamespace(membership=membership)


MEMBERS = {"participant", "fellow", "tutor", "admin"}
PARTICIPANTS = {"participant", "fellow"}
NOT_ADMIN = {"participant", "fellow", "tutor", "other_tutor", "outsider"}
COHORT_FORM = {"name": "Matrix set", "status": "planned"}

ROUTES += [
    Route("cohorts.index", lambda s: "/cohorts", set(ROLES) - {"anonymous"}),
    Route("cohorts.new_cohort", lambda s: "/cohorts/new", {"admin"}, forbidden=NOT_ADMIN),
    Route(
        "cohorts.new_cohort",
        lambda s: "/cohorts/new",
        {"admin"},
        method="POST",
        forbidden=NOT_ADMIN,
        data=COHORT_FORM,
    ),
    Route("cohorts.cohort", lambda s: f"/cohorts/{s.cohort.id}", MEMBERS),
    Route(
        "cohorts.edit_cohort",
        lambda s: f"/cohorts/{s.cohort.id}/edit",
        MANAGERS,
        forbidden=PARTICIPANTS,
    ),
    Route(
        "cohorts.edit_cohort",
        lambda s: f"/cohorts/{s.cohort.id}/edit",
        MANAGERS,
        method="POST",
        forbidden=PARTICIPANTS,
        data=COHORT_FORM,
    ),
    Route(
        "cohorts.members",
        lambda s: f"/cohorts/{s.cohort.id}/members",
        MANAGERS,
        forbidden=PARTICIPANTS,
    ),
    Route(
        "cohorts.assign_tutor",
        lambda s: f"/cohorts/{s.cohort.id}/tutors",
        {"admin"},
        forbidden=PARTICIPANTS | {"tutor"},
    ),
    Route(
        "cohorts.assign_tutor",
        lambda s: f"/cohorts/{s.cohort.id}/tutors",
        {"admin"},
        method="POST",
        forbidden=PARTICIPANTS | {"tutor"},
        data={"email": "new-tutor@example.org"},
    ),
    Route(
        "cohorts.remove_member",
        lambda s: f"/memberships/{s.membership.id}/remove",
        MANAGERS,
        forbidden=PARTICIPANTS,
        setup=_fellow_membership,
    ),
    Route(
        "cohorts.remove_member",
        lambda s: f"/memberships/{s.membership.id}/remove",
        MANAGERS,
        method="POST",
        forbidden=PARTICIPANTS,
        setup=_fellow_membership,
    ),
]
