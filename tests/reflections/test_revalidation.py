"""Revalidation and appraisal outputs from chosen reflections (issue 19, item 5): the NMC's
reflective accounts and a doctor's supporting information, as a page and as a PDF."""

import io
from datetime import date
from urllib.parse import urlencode

from pypdf import PdfReader

from learnset.colleague_feedback import services as colleague_services
from learnset.db import utcnow
from learnset.reflections import revalidation
from tests import factories
from tests.colleague_feedback.helpers import make_round, respond
from tests.helpers import html_of, statements_for

PARTS = {
    "what": "We met the care home managers about discharge delays.",
    "so_what": "I learned that the delays were about trust, not beds.",
    "now_what": "I now ask providers what they need before I bring data.",
}


def _path(kind, reflections, significant=(), pdf=False, **extra):
    query = [("kind", kind)] + [("reflection", r.id) for r in reflections]
    query += [("significant", r.id) for r in significant] + list(extra.items())
    base = "/reflections/revalidation/output" + (".pdf" if pdf else "")
    return f"{base}?{urlencode(query)}"


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def test_an_nmc_account_follows_the_form_s_parts(db, people, framework, login):
    me = people.participant
    capability = framework.capabilities[0]
    reflection = factories.make_reflection(
        db,
        me,
        title="Discharge delays",
        parts=PARTS,
        experienced_on=date(2026, 6, 3),
        cpd_minutes=90,
        capabilities=[capability],
    )
    db.commit()
    browser = login(me)
    html = html_of(browser.get(_path("nmc", [reflection])))
    for text in (
        "Reflective accounts for NMC revalidation",
        "Reflective account 1: Discharge delays",
        "3 June 2026",
        "The CPD activity, feedback, or event or experience in your practice",
        PARTS["what"],
        "What you learned from it",
        PARTS["so_what"],
        "How you changed or improved your practice as a result",
        PARTS["now_what"],
        "How this is relevant to the Code",
        "Suggested themes:",
        capability.name,
    ):
        assert text in html, text
    pdf = browser.get(_path("nmc", [reflection], pdf=True))
    assert pdf.mimetype == "application/pdf" and "attachment" in pdf.headers["Content-Disposition"]
    text = _pdf_text(pdf.data)
    for expected in (
        "Reflective account 1: Discharge delays",
        PARTS["so_what"],
        PARTS["now_what"],
        "How this is relevant to the Code",
        "1 hour 30 minutes",
    ):
        assert expected in text, expected


def test_the_code_themes_are_suggested_from_the_framework(db, people, framework):
    reflection = factories.make_reflection(db, people.participant)
    assert revalidation.account(reflection).themes == ("Practise effectively",)
    for domain_slug, themes in revalidation.THEMES_BY_DOMAIN.items():
        assert set(themes) <= set(revalidation.CODE_THEMES), domain_slug


def test_a_medical_summary_has_cpd_feedback_and_significant_events(db, people, framework, login):
    me = people.participant
    course = factories.make_reflection(
        db, me, title="Open Space session", cpd_minutes=120, experienced_on=date(2026, 5, 1)
    )
    event = factories.make_reflection(
        db,
        me,
        title="A referral that went wrong",
        cpd_minutes=30,
        parts=PARTS,
        experienced_on=date(2026, 5, 20),
    )
    feedback_round = make_round(db, me, people.cohort, framework.capabilities)
    for rater in feedback_round.raters[:3]:
        respond(
            db, rater, dict.fromkeys(framework.capabilities, 3), start_doing="Ask for data sooner"
        )
    colleague_services.close_early(db, feedback_round, utcnow())
    db.commit()
    browser = login(me)
    without = html_of(browser.get(_path("medical", [course, event], [event])))
    assert "No report of feedback from colleagues is included here." in without
    assert "Ask for data sooner" not in without
    pdf = browser.get(_path("medical", [course, event], [event], pdf=True, colleagues="y"))
    text = _pdf_text(pdf.data)
    cpd, rest = text.split("Significant events", 1)[0], text.split("Significant events")[-1]
    assert "Continuing professional development with reflection" in cpd
    assert "Open Space session" in cpd and "2.5 credits" in cpd
    assert "Ask for data sooner" in cpd  # the report, under Feedback
    assert "A referral that went wrong" in rest and PARTS["what"] in rest


def test_another_person_s_reflection_is_refused(db, people, login):
    mine = factories.make_reflection(db, people.participant)
    theirs = factories.make_reflection(db, people.fellow, visibility="set")
    binned = factories.make_reflection(db, people.participant, deleted_at=utcnow())
    db.commit()
    browser = login(people.participant)
    for chosen, significant in (([mine, theirs], []), ([mine], [theirs]), ([binned], [])):
        for pdf in (False, True):
            path = _path("medical", chosen, significant, pdf=pdf)
            assert browser.get(path).status_code == 404, path
    assert browser.get("/reflections/revalidation/output?kind=nmc&reflection=x").status_code == 404
    huge = "/reflections/revalidation/output?kind=nmc&reflection=99999999999999"
    assert browser.get(huge).status_code == 404
    # A tutor who can read a shared reflection still cannot produce its author's output.
    for role in ("tutor", "admin", "fellow"):
        other = login(getattr(people, role))
        assert other.get(_path("nmc", [mine])).status_code == 404
        assert other.get(_path("nmc", [theirs], pdf=True)).status_code == (
            200 if role == "fellow" else 404
        )


def test_choosing_offers_only_one_s_own_and_asks_again_for_what_is_missing(db, people, login):
    today = date.today()
    mine = factories.make_reflection(
        db, people.participant, title="Mine to choose", experienced_on=today
    )
    factories.make_reflection(
        db, people.fellow, title="Fay's own", visibility="set", experienced_on=today
    )
    db.commit()
    browser = login(people.participant)
    page = html_of(browser.get("/reflections/revalidation"))
    assert "Mine to choose" in page and "Fay's own" not in page
    missing = html_of(browser.get("/reflections/revalidation/output?kind=nmc"), 422)
    assert "Choose at least one reflection" in missing
    no_kind = html_of(browser.get(f"/reflections/revalidation/output?reflection={mine.id}"), 422)
    assert "Choose what you need" in no_kind
    assert (
        browser.get(
            f"/reflections/revalidation/output.pdf?reflection={mine.id}&kind=other"
        ).status_code
        == 422
    )


def test_the_output_costs_the_same_queries_for_two_reflections_as_for_twelve(
    db, people, framework, login, count_queries
):
    me = people.participant
    made = [
        factories.make_reflection(db, me, capabilities=framework.capabilities[:2])
        for _ in range(12)
    ]
    db.commit()
    browser = login(me)
    few = statements_for(count_queries, browser, _path("medical", made[:2], made[:1]))
    many = statements_for(count_queries, browser, _path("medical", made, made[:5]))
    assert few == many
