"""Certificates in the role matrix: each is its holder's alone (`participant` holds one here).
Everyone signed in may get their own; nobody else, tutor or admin included, sees or withdraws
another's (404). The verification pages are public."""

from types import SimpleNamespace

from tests.certificates import JANUARY_2026, make_certificate
from tests.matrix import EVERYONE, Route, page_and_form

HOLDER = {"participant"}


def _certificate(db, people):
    return SimpleNamespace(certificate=make_certificate(db, people.participant, people.cohort))


ROUTES = [
    Route("certificates.index", "/certificates", EVERYONE),
    *page_and_form(
        "certificates.new",
        "/certificates/new",
        EVERYONE,
        data=JANUARY_2026,
    ),
    Route("certificates.show", "/certificates/{certificate.id}", HOLDER, setup=_certificate),
    Route("certificates.pdf", "/certificates/{certificate.id}/pdf", HOLDER, setup=_certificate),
    *page_and_form(
        "certificates.withdraw",
        "/certificates/{certificate.id}/withdraw",
        HOLDER,
        setup=_certificate,
    ),
    Route(
        "certificates.verify",
        "/certificates/verify?reference={certificate.reference}",
        EVERYONE,
        public=True,
        setup=_certificate,
    ),
    Route(
        "certificates.verify_reference",
        "/certificates/verify/{certificate.reference}",
        EVERYONE,
        public=True,
        setup=_certificate,
    ),
]
