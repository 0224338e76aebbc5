"""Certificates: the figures they count, issuing and withdrawing, the PDF's text, and the public
verification page (issue 19, item 4)."""

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from learnset.audit import AuditEvent
from learnset.certificates import services
from learnset.certificates.models import Certificate
from learnset.db import utcnow
from tests import factories
from tests.certificates import JANUARY_2026, SIGNATORY, make_certificate
from tests.helpers import count_rows, csrf_from, html_of, statements_for, submit

APRIL = date(2026, 4, 1)
JUNE_END = date(2026, 6, 30)
NOW = factories.uk(2026, 11, 1, 12)


def _session(db, cohort, starts_at, hours=3, **overrides):
    overrides.setdefault("status", "published")
    return factories.make_meeting(
        db, cohort, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), **overrides
    )


def _attended(db, person, cohort, starts_at, hours=3, present=True, **overrides):
    meeting = _session(db, cohort, starts_at, hours, **overrides)
    factories.make_attendance(db, meeting, person, present=present)
    return meeting


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# --- What a certificate counts ----------------------------------------------------------------


def test_only_sessions_attended_in_the_uk_dates_count(db, people):
    cohort, me = people.cohort, people.participant
    # 00:30 on 1 April in UK summer time is still 31 March in UTC: it counts.
    _attended(db, me, cohort, factories.uk(2026, 4, 1, 0, 30), hours=2)
    _attended(db, me, cohort, factories.uk(2026, 3, 31, 23, 30))  # the day before
    _attended(db, me, cohort, factories.uk(2026, 5, 12, 10), hours=3.5)
    _attended(db, me, cohort, factories.uk(2026, 5, 19, 10), present=False)  # recorded absent
    _session(db, cohort, factories.uk(2026, 5, 26, 10))  # no attendance recorded
    _attended(db, me, cohort, factories.uk(2026, 6, 2, 10), status="draft")
    _attended(db, people.fellow, cohort, factories.uk(2026, 6, 9, 10))  # someone else
    _attended(db, me, cohort, factories.uk(2026, 6, 30, 23, 0), hours=1)  # last evening
    _attended(db, me, cohort, factories.uk(2026, 7, 1, 0, 15))  # the day after
    factories.make_reflection(db, me, experienced_on=APRIL, cpd_minutes=45)
    factories.make_reflection(db, me, experienced_on=JUNE_END, cpd_minutes=30)
    factories.make_reflection(db, me, experienced_on=date(2026, 7, 1), cpd_minutes=600)
    factories.make_reflection(
        db, me, experienced_on=date(2026, 5, 1), cpd_minutes=90, deleted_at=utcnow()
    )
    factories.make_reflection(db, people.fellow, experienced_on=date(2026, 5, 1), cpd_minutes=60)

    found = services.figures(db, me, APRIL, JUNE_END)

    assert [s["date"] for s in found.sessions] == ["2026-04-01", "2026-05-12", "2026-06-30"]
    assert found.minutes_attended == 120 + 210 + 60
    assert found.cpd_minutes == 75


def test_an_issued_certificate_keeps_its_figures_and_has_a_random_reference(db, people):
    me = people.participant
    meeting = _attended(db, me, people.cohort, factories.uk(2026, 5, 12, 10))
    factories.make_reflection(db, me, experienced_on=date(2026, 5, 12), cpd_minutes=40)
    first = services.issue(db, me, APRIL, JUNE_END, SIGNATORY, NOW)
    second = services.issue(db, me, APRIL, JUNE_END, SIGNATORY, NOW)

    assert re.fullmatch(r"([A-Z2-7]{4}-){4}[A-Z2-7]{4}", first.reference)
    assert first.reference != second.reference
    assert (first.sessions_attended, first.minutes_attended, first.cpd_minutes) == (1, 180, 40)
    assert first.holder_name == "Pat Participant" and first.signatory_name == "Sam Signer"
    # Corrected attendance later changes nothing already issued.
    meeting.attendances[0].present = False
    db.flush()
    db.expire_all()
    assert db.get(Certificate, first.id).sessions_attended == 1
    kinds = db.scalars(select(AuditEvent.kind).where(AuditEvent.actor_id == me.id)).all()
    assert kinds.count("certificate-issued") == 2


def test_a_year_still_running_ends_today_and_the_future_is_refused(db, people):
    me = people.participant
    _attended(db, me, people.cohort, factories.uk(2026, 10, 6, 10))
    certificate = services.issue(db, me, date(2026, 9, 1), date(2027, 8, 31), SIGNATORY, NOW)
    assert certificate.date_to == date(2026, 11, 1)
    with pytest.raises(services.CertificateError, match="today or in the past") as error:
        services.issue(db, me, date(2026, 12, 1), date(2026, 12, 31), SIGNATORY, NOW)
    assert error.value.field == "date_from"
    with pytest.raises(services.CertificateError, match="same as or after"):
        services.issue(db, me, JUNE_END, APRIL, SIGNATORY, NOW)
    with pytest.raises(services.CertificateError, match="nothing to certify"):
        services.issue(db, me, APRIL, JUNE_END, SIGNATORY, NOW)


def test_programme_years_are_the_participant_s_learning_sets(db, people):
    people.cohort.start_month = date(2026, 4, 1)
    db.flush()
    years = services.programme_years(db, people.participant, date(2026, 11, 1))
    assert [(y.date_from, y.date_to) for y in years] == [(APRIL, date(2026, 11, 1))]
    assert years[0].label == "Riverside set: 1 April 2026 to 1 November 2026"
    # A tutor of the set has no programme year of their own.
    assert services.programme_years(db, people.tutor, date(2026, 11, 1)) == []


# --- Pages ------------------------------------------------------------------------------------


def test_a_participant_gets_a_certificate_and_its_pdf(app, db, people, login):
    app.config.update(
        CERTIFICATE_SIGNATORY_NAME="Dr Rowan Lead",
        CERTIFICATE_SIGNATORY_ROLE="Programme director",
        PROGRAMME_NAME="Unlocking Commissioning North",
        BASE_URL="https://ls.example",
    )
    me = people.participant
    _attended(db, me, people.cohort, factories.uk(2026, 5, 12, 10), title="Open Space in practice")
    factories.make_reflection(db, me, experienced_on=date(2026, 5, 12), cpd_minutes=90)
    db.commit()
    browser = login(me)
    response = submit(
        browser,
        "/certificates/new",
        {
            "period": "dates",
            "date_from-day": "1",
            "date_from-month": "4",
            "date_from-year": "2026",
            "date_to-day": "30",
            "date_to-month": "6",
            "date_to-year": "2026",
        },
    )
    certificate = db.scalar(select(Certificate).where(Certificate.holder_id == me.id))
    assert response.location == f"/certificates/{certificate.id}"
    page = html_of(browser.get(response.location))
    assert "1 April 2026" in page and "30 June 2026" in page and "Dr Rowan Lead" in page

    pdf = browser.get(f"/certificates/{certificate.id}/pdf")
    assert pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    text = " ".join(_pdf_text(pdf.data).split())
    for expected in (
        "Pat Participant",
        "Unlocking Commissioning North",
        "between 1 April 2026 and 30 June 2026",
        "Sessions attended 1",
        "Time in sessions 3 hours",
        "CPD time logged with reflection 1 hour 30 minutes",
        "12 May 2026",
        "Open Space in practice",
        "Dr Rowan Lead",
        "Programme director",
        certificate.reference,
        "go to https://ls.example/certificates/verify and enter the reference",
    ):
        assert expected in text, expected


def test_bad_dates_are_shown_beside_the_field_and_nothing_is_issued(db, people, login):
    browser = login(people.participant)
    for data, message in [
        ({"period": "dates"}, "Enter the date the certificate starts from"),
        (
            {
                "period": "dates",
                "date_from-day": "31",
                "date_from-month": "2",
                "date_from-year": "2026",
                "date_to-day": "1",
                "date_to-month": "3",
                "date_to-year": "2026",
            },
            "From must be a real date",
        ),
        ({}, "Choose the dates the certificate covers"),
        ({"period": "cohort-999"}, "Not a valid choice"),
        (JANUARY_2026, "nothing to certify"),
    ]:
        html = html_of(submit(browser, "/certificates/new", data), 422)
        assert message in html, message
    assert count_rows(db, Certificate) == 0


def test_issuing_needs_the_form_s_token(client, db, people, login):
    browser = login(people.participant)
    response = browser.post("/certificates/new", data={"period": "dates"})
    assert response.status_code == 400
    assert count_rows(db, Certificate) == 0


def test_nobody_else_sees_or_withdraws_a_certificate(db, people, login):
    certificate = make_certificate(db, people.participant, people.cohort)
    db.commit()
    for role in ("fellow", "tutor", "admin", "outsider"):
        browser = login(getattr(people, role))
        for path in ("", "/pdf", "/withdraw"):
            assert browser.get(f"/certificates/{certificate.id}{path}").status_code == 404
        token = csrf_from(browser, "/certificates/new")
        response = browser.post(
            f"/certificates/{certificate.id}/withdraw", data={"csrf_token": token}
        )
        assert response.status_code == 404
        # Their own list never shows it.
        assert certificate.reference not in html_of(browser.get("/certificates"))
    assert certificate.revoked_at is None


# --- Verification -----------------------------------------------------------------------------


def test_the_verification_page_shows_only_name_programme_dates_and_hours(db, people, client):
    me = people.participant
    factories.make_reflection(
        db,
        me,
        experienced_on=date(2026, 5, 12),
        cpd_minutes=45,
        parts={"what": "A private thought about the meeting", "so_what": "x", "now_what": "y"},
    )
    _attended(db, me, people.cohort, factories.uk(2026, 5, 12, 10), title="Secret agenda title")
    certificate = services.issue(db, me, APRIL, JUNE_END, SIGNATORY, NOW)
    db.commit()
    for path in (
        f"/certificates/verify/{certificate.reference}",
        f"/certificates/verify/{certificate.reference.lower().replace('-', ' ')}",
        f"/certificates/verify?reference={certificate.reference.replace('-', '')}",
    ):
        html = html_of(client.get(path))
        assert "This certificate is valid" in html
        for shown in (
            "Pat Participant",
            "Unlocking Commissioning",
            "1 April 2026",
            "30 June 2026",
            "3 hours",
        ):
            assert shown in html, shown
        for hidden in (
            me.email,
            "A private thought",
            "Secret agenda title",
            "45 minutes",
            "Riverside set",
            "Sam Signer",
        ):
            assert hidden not in html, hidden


def test_unknown_and_withdrawn_references_answer_the_same(db, people, client, login):
    certificate = make_certificate(db, people.participant, people.cohort)
    db.commit()
    browser = login(people.participant)
    token = csrf_from(browser, f"/certificates/{certificate.id}/withdraw")
    browser.post(f"/certificates/{certificate.id}/withdraw", data={"csrf_token": token})
    db.expire_all()
    assert certificate.revoked_at is not None
    unknown = "QQQQ-WWWW-EEEE-RRRR-TTTT"
    answers = []
    for reference in (certificate.reference, unknown):
        response = client.get(f"/certificates/verify/{reference}")
        answers.append(
            (response.status_code, response.get_data(as_text=True).replace(reference, "{ref}"))
        )
    assert answers[0] == answers[1]
    assert answers[0][0] == 404 and "No valid certificate has this reference" in answers[0][1]
    # Nonsense is answered the same way, never with a 500.
    assert client.get("/certificates/verify/%3Cscript%3E").status_code == 404
    assert client.get("/certificates/verify?reference=").status_code == 422
    # The holder still sees it, marked withdrawn.
    assert "Withdrawn" in html_of(browser.get("/certificates"))


def test_the_verification_page_is_rate_limited_per_client(app, client):
    app.config["CERTIFICATE_VERIFY_LIMIT_PER_IP"] = "3 per hour"
    codes = [
        client.get("/certificates/verify/ABCD-EFGH-JKLM-NPQR-STUV").status_code for _ in range(3)
    ]
    assert codes == [404, 404, 404]
    assert client.get("/certificates/verify?reference=ABCD").status_code == 429


def test_the_list_is_paged_at_a_fixed_number_of_queries(db, people, login, count_queries):
    make_certificate(db, people.participant, people.cohort)
    db.commit()
    browser = login(people.participant)
    few = statements_for(count_queries, browser, "/certificates")
    for _ in range(25):
        services.issue(db, people.participant, APRIL, date.today(), SIGNATORY, utcnow())
    db.commit()
    html = html_of(browser.get("/certificates"))
    assert "Pages of certificates" in html
    assert statements_for(count_queries, browser, "/certificates") == few


def test_withdrawing_needs_the_form_s_token_and_only_once(db, people, login):
    certificate = make_certificate(db, people.participant, people.cohort)
    db.commit()
    browser = login(people.participant)
    path = f"/certificates/{certificate.id}/withdraw"
    assert browser.post(path).status_code == 400
    db.expire_all()
    assert certificate.revoked_at is None
    token = csrf_from(browser, path)
    assert browser.post(path, data={"csrf_token": token}).status_code == 302
    # Withdrawn already: the page is refused, the certificate stays in the list.
    assert browser.get(path).status_code == 403
    assert browser.get(f"/certificates/{certificate.id}").status_code == 200


def test_certificates_are_in_the_holder_s_download_of_their_data(db, people):
    from tests.helpers import export_section

    certificate = make_certificate(db, people.participant, people.cohort)
    [exported] = export_section(db, people.participant, "certificates")
    assert exported["reference"] == certificate.reference
    assert exported["sessions_attended"] == 1 and exported["withdrawn_at"] is None
    assert export_section(db, people.fellow, "certificates") == []


def test_deleting_the_account_deletes_its_certificates(db, people):
    from learnset.certificates.services import erase_personal_data

    certificate = make_certificate(db, people.participant, people.cohort)
    make_certificate(db, people.fellow, people.cohort)
    reference = certificate.reference
    erase_personal_data(db, people.participant)
    assert services.find_valid(db, reference) is None
    assert count_rows(db, Certificate) == 1
