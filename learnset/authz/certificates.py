"""Certificates of attendance and CPD.

A certificate is its holder's alone: nobody else, tutor or admin, sees, makes or withdraws
one for them. Organisations check one by its reference on the public verification page,
which shows only what the certificate itself says about attendance.
"""

from __future__ import annotations

from learnset.accounts.models import User
from learnset.authz.roles import Rule
from learnset.certificates.models import Certificate


def _view(user: User, certificate: Certificate) -> bool:
    return certificate.holder_id == user.id


def _revoke(user: User, certificate: Certificate) -> bool:
    return certificate.holder_id == user.id and certificate.revoked_at is None


RULES: dict[str, Rule] = {
    "certificate:view": _view,
    "certificate:revoke": _revoke,
}
