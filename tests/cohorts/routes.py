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
