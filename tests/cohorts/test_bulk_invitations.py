"""Invitations from a CSV file: reading any bytes, the preview row by row, who may import to
which set, sending once, and the pages (issue 19, item 1)."""

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learnset.audit.models import AuditEvent, AuditKind
from learnset.cohorts import bulk
from learnset.cohorts.bulk_csv import MAX_ROWS, CsvProblem, read_rows
from learnset.cohorts.models import Invitation, InvitationImport
from learnset.db import utcnow
from learnset.mail.models import OutgoingMail
from tests import factories
from tests.helpers import count_rows, csrf_from, html_of, tables

HEAD = "name,email,role,learning set\r\n"
UPLOAD = "/invitations/import"


def _csv(*rows: str, head: str = HEAD) -> bytes:
    return (head + "".join(row + "\r\n" for row in rows)).encode()


def _pia(people) -> bytes:
    return _csv(f"Pia,pia@example.org,participant,{people.cohort.name}")


def _kept(db, people, when=None):
    """The tutor's upload inviting Pia to their set."""
    return bulk.upload(db, people.tutor, "t.csv", _pia(people), when or utcnow())


def _upload(browser, data: bytes, filename="people.csv"):
    token = csrf_from(browser, UPLOAD)
    return browser.post(
        UPLOAD,
        data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def _kept_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/invitations/imports/(\d+)$", response.location).group(1))


def _send(browser, import_id: int):
    page = f"/invitations/imports/{import_id}"
    return browser.post(f"{page}/send", data={"csrf_token": csrf_from(browser, page)})


# --- Reading the file --------------------------------------------------------------------------


def test_utf8_with_and_without_a_byte_order_mark_and_windows_1252_read_the_same():
    text = (
        "Name , E-mail,ROLE,Learning_Set\r\n"
        "Siân Ó Dónaill,sian@example.org,Participant,Riverside set\r\n"
    )
    for data in (text.encode(), text.encode("utf-8-sig"), text.encode("cp1252")):
        [row] = read_rows(data)
        assert (row.line, row.name, row.email, row.role, row.learning_set) == (
            2,
            "Siân Ó Dónaill",
            "sian@example.org",
            "Participant",
            "Riverside set",
        )


def test_headings_in_any_order_blank_lines_skipped_and_short_rows_padded():
    data = b"learning set,role,email,name,notes\n\nRiverside set,tutor,t@example.org,Tom\n,,\nX\n"
    first, second = read_rows(data)
    assert (first.line, first.name, first.role, first.learning_set) == (
        3,
        "Tom",
        "tutor",
        "Riverside set",
    )
    assert (second.line, second.learning_set, second.name) == (5, "X", "")


def test_semicolons_split_the_cells_when_the_headings_use_them():
    [row] = read_rows(b"name;email;role;learning set\nA, B;a@example.org;tutor;Set, 2026\n")
    assert (row.name, row.email, row.role, row.learning_set) == (
        "A, B",
        "a@example.org",
        "tutor",
        "Set, 2026",
    )


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "The file is empty"),
        (b"  \r\n ", "The file is empty"),
        (b"name,email\nA,a@example.org\n", "Missing: role, learning set"),
        (HEAD.encode(), "nobody to invite"),
        (b"\xff\xfen\x00a\x00m\x00e\x00", "not a CSV file"),
        (b"PK\x03\x04\x00\x00binary", "not a CSV file"),
        (b"name,email,role,learning set\n\x81\x8d\x8f\x90\x9d\n", "characters we cannot read"),
        (b'name,email,role,learning set\n"A' + b"x" * 200_000 + b'",a,b,c\n', "not a CSV file"),
        (b"x" * (512 * 1024 + 1), "512 KB or smaller"),
        (_csv(*["A,a@example.org,participant,S"] * (MAX_ROWS + 1)), "Upload at most 1,000"),
    ],
    ids=["empty", "blank", "headings", "no people", "utf-16", "zip", "undecodable", "huge cell",
         "too big", "too many rows"],
)  # fmt: skip
def test_a_file_that_cannot_be_read_says_why(data, message):
    with pytest.raises(CsvProblem, match=message):
        read_rows(data)


def test_exactly_the_row_limit_is_accepted():
    assert len(read_rows(_csv(*["A,a@example.org,participant,S"] * MAX_ROWS))) == MAX_ROWS


# --- The preview, row by row ----------------------------------------------------------------


def _two_hundred_rows(db, people):
    """200 rows: every kind of bad row and good ones, each with the verdict it should get."""
    known = factories.make_user(db, name="Kit Known", email="kit@example.org")
    factories.make_user(db, name="Gil Gone", email="gil@example.org", is_active=False)
    factories.make_invitation(db, people.cohort, token="waiting", email="wait@example.org")
    here, there = people.cohort.name, people.other_cohort.name
    P = "participant"
    # name, email ({n}: the row's own), role, learning set, verdict, words in its reason, and
    # whether a later copy of the row is a duplicate (it is once the row's cells are valid).
    cases = [
        ("Nia New", "nia{n}@example.org", P, here, "new", "", False),
        ("Kit Known", "KIT@example.org", "Participant", f"  {here.upper()} ", "existing", "", True),
        ("Tara Tutor", "tara{n}@example.org", "tutor", f"#{people.cohort.id}", "new", "", False),
        ("Fay Fellow", people.fellow.email, P, here, "member", "Already in", True),
        ("Wen Wait", "wait@example.org", P, here, "invited", "waiting", True),
        ("Nia New", "nia{n}@example.org", P, there, "new", "", False),
        ("Siân Évans", "sian{n}@example.org", P, str(people.cohort.id), "new", "", False),
        ('Ana "Quoted, comma"', "ana{n}@example.org", P, here, "new", "", False),
        ("", "blank{n}@example.org", P, here, "invalid", "Enter the person's name", False),
        ("L" * 121, "long{n}@example.org", P, here, "invalid", "120 characters", False),
        ("Ben Bad", "not an email", P, here, "invalid", "correct format", False),
        ("Ben Bad", "", P, here, "invalid", "Enter an email address", False),
        ("Ben Bad", "b" * 250 + "@example.org", P, here, "invalid", "254", False),
        ("Rob Role", "rob{n}@example.org", "owner", here, "invalid", "participant or tutor", False),
        ("Rob Role", "rob{n}@example.org", "", here, "invalid", "Enter a role", False),
        ("Sam Set", "sam{n}@example.org", P, "Nowhere set", "invalid", "No learning", False),
        ("Sam Set", "sam{n}@example.org", P, "#2000000001", "invalid", "No learning", False),
        ("Sam Set", "sam{n}@example.org", P, "", "invalid", "Enter the learning set", False),
        ("Gil Gone", "gil@example.org", P, here, "invalid", "deactivated", True),
    ]  # fmt: skip
    rows, expected, first_line = [], [], {}
    for n in range(200):
        index = n % len(cases)
        name, email, role, where, kind, reason, repeats = cases[index]
        line = n + 2  # the headings are row 1
        if repeats and index in first_line:
            kind, reason = "duplicate", f"as row {first_line[index]}"
        first_line.setdefault(index, line)
        rows.append([name, email.format(n=n), role, where])
        expected.append((line, kind, reason))
    out = io.StringIO()
    csv.writer(out).writerows([["Name", "Email", "Role", "Learning set"], *rows])
    return out.getvalue().encode("cp1252"), expected, known


def test_a_file_of_200_rows_is_previewed_row_by_row_then_sent(db, people, login, outbox):
    data, expected, known = _two_hundred_rows(db, people)
    db.commit()
    admin = login(people.admin)
    import_id = _kept_id(_upload(admin, data))
    kept = db.get(InvitationImport, import_id)
    verdicts = bulk.preview(db, people.admin, bulk.rows_of(kept), utcnow())
    got = [(v.row.line, v.kind.value, v.reason) for v in verdicts]
    assert [(line, kind) for line, kind, _ in got] == [(line, kind) for line, kind, _ in expected]
    for (line, _kind, reason), (_, _, wanted) in zip(got, expected, strict=True):
        assert wanted in reason, f"row {line}: {reason!r} lacks {wanted!r}"
    sendable = [e for e in expected if e[1] in ("new", "existing")]

    page = html_of(admin.get(f"/invitations/imports/{import_id}"))
    table = tables(page)["Rows in the file"]
    labels = {kind.value: kind.label for kind in bulk.RowKind}
    assert [(row[0], row[5].split(" ")[0]) for row in table[1:]] == [
        (str(line), labels[kind].split(" ")[0]) for line, kind, _ in expected
    ]
    assert f"Send {len(sendable)} invitations" in page
    assert count_rows(db, Invitation) == 1  # the waiting one: nothing is sent by the preview

    assert _send(admin, import_id).status_code == 302
    db.expire_all()
    assert count_rows(db, Invitation) == 1 + len(sendable)
    assert count_rows(db, OutgoingMail) == len(sendable)
    event = db.scalar(select(AuditEvent).where(AuditEvent.kind == AuditKind.INVITATIONS_IMPORTED))
    assert event.actor_id == people.admin.id
    assert f"{len(sendable)} invitations to 2 learning sets from 200 rows" in event.detail
    assert "@" not in event.detail
    summary = html_of(admin.get(f"/invitations/imports/{import_id}"))
    assert len(tables(summary)["Invitations made from this file"]) == 1 + len(sendable)
    assert f'href="/cohorts/{people.cohort.id}/invitations"' in summary
    assert len(outbox()) == len(sendable)
    assert known.email in {m["To"] for m in outbox()}


def test_a_tutor_imports_participants_for_their_own_sets_only(db, people, login):
    factories.make_cohort(db, name="Hidden set")
    db.commit()
    rows = [
        f"Pia,pia@example.org,participant,{people.cohort.name}",
        f"Oli,oli@example.org,participant,{people.other_cohort.name}",
        "Hal,hal@example.org,participant,Hidden set",
        "Nel,nel@example.org,participant,No such set",
        f"Oli,oli@example.org,participant,#{people.other_cohort.id}",
        f"Tim,tim@example.org,tutor,{people.cohort.name}",
    ]
    kept = bulk.upload(db, people.tutor, "t.csv", _csv(*rows), utcnow())
    verdicts = bulk.preview(db, people.tutor, bulk.rows_of(kept), utcnow())
    assert [v.kind.value for v in verdicts] == ["new"] + ["invalid"] * 5
    # A set that exists but is not theirs reads exactly as one that does not exist.
    assert {v.reason for v in verdicts[1:5]} == {bulk.NO_SUCH_SET}
    assert "Only programme admins can invite tutors" in verdicts[5].reason


def test_two_sets_with_one_name_must_be_named_by_number(db, people):
    twin = factories.make_cohort(db, name=people.cohort.name)
    rows = [
        f"A,a@example.org,participant,{people.cohort.name}",
        f"A,a@example.org,participant,{twin.id}",
    ]
    kept = bulk.upload(db, people.admin, "t.csv", _csv(*rows), utcnow())
    first, second = bulk.preview(db, people.admin, bulk.rows_of(kept), utcnow())
    assert first.kind == "invalid" and "Use its number" in first.reason
    assert second.kind == "new" and second.cohort == twin


def test_the_preview_reads_a_fixed_number_of_queries(db, people, count_queries):
    few = bulk.upload(
        db,
        people.admin,
        "a.csv",
        _csv(f"A,a@example.org,participant,{people.cohort.name}"),
        utcnow(),
    )
    many_rows = [f"P{n},p{n}@example.org,participant,{people.cohort.name}" for n in range(300)]
    many = bulk.upload(db, people.admin, "b.csv", _csv(*many_rows), utcnow())
    db.commit()
    counted = []
    for kept in (few, many):
        with count_queries() as statements:
            bulk.preview(db, people.admin, bulk.rows_of(kept), utcnow())
        counted.append(len(statements))
    assert counted[0] == counted[1] <= 5


# --- Sending -------------------------------------------------------------------------------


def test_sending_twice_sends_nothing_the_second_time(db, people, login, outbox):
    tutor = login(people.tutor)
    import_id = _kept_id(
        _upload(tutor, _csv(f"Pia,pia@example.org,participant,{people.cohort.name}"))
    )
    page = f"/invitations/imports/{import_id}"
    token = csrf_from(tutor, page)
    first = tutor.post(f"{page}/send", data={"csrf_token": token})
    second = tutor.post(f"{page}/send", data={"csrf_token": token})
    assert first.status_code == second.status_code == 302
    assert count_rows(db, Invitation) == 1
    assert len(outbox()) == 1
    assert "already been sent" in html_of(tutor.get(page))


def test_the_name_in_the_file_greets_them_and_fills_in_their_new_account(db, people, login, outbox):
    tutor = login(people.tutor)
    import_id = _kept_id(_upload(tutor, _pia(people)))
    assert _send(tutor, import_id).status_code == 302
    [message] = outbox()
    assert message.get_payload(decode=True).decode().startswith("Hello Pia,")
    link = re.search(r"http://\S+(/join/\S+)", message.get_payload(decode=True).decode()).group(1)
    page = html_of(login(None).get(link))
    assert 'name="name" type="text" value="Pia"' in page or 'value="Pia"' in page


def test_sending_checks_every_row_again(db, people):
    rows = [f"{who},{who}@example.org,participant,{people.cohort.name}" for who in ("pia", "sol")]
    kept = bulk.upload(db, people.tutor, "t.csv", _csv(*rows), utcnow())
    # Someone invited Pia one at a time while the preview was open.
    factories.make_invitation(db, people.cohort, token="meanwhile", email="pia@example.org")
    made = bulk.send(db, kept, people.tutor, utcnow(), 14)
    assert [invitation.email for invitation in made] == ["sol@example.org"]


def test_a_tutor_who_has_since_lost_the_set_sends_nothing(db, people):
    kept = _kept(db, people)
    for membership in list(people.tutor.memberships):
        db.delete(membership)
    db.flush()
    db.expire(people.tutor)
    with pytest.raises(bulk.BulkImportError, match="Nobody in this file"):
        bulk.send(db, kept, people.tutor, utcnow(), 14)
    assert kept.sent_at is None


def test_an_expired_upload_cannot_be_sent(db, people, login):
    kept = _kept(db, people, utcnow() - timedelta(days=2))
    db.commit()
    tutor = login(people.tutor)
    page = html_of(tutor.get(f"/invitations/imports/{kept.id}"))
    assert "This upload has expired" in page and "Send 1 invitation" not in page
    token = csrf_from(tutor, UPLOAD)
    tutor.post(f"/invitations/imports/{kept.id}/send", data={"csrf_token": token})
    assert count_rows(db, Invitation) == 0


def test_sending_without_a_csrf_token_is_refused(db, people, login):
    tutor = login(people.tutor)
    import_id = _kept_id(
        _upload(tutor, _csv(f"Pia,pia@example.org,participant,{people.cohort.name}"))
    )
    response = tutor.post(f"/invitations/imports/{import_id}/send", data={})
    assert response.status_code == 400
    assert count_rows(db, Invitation) == 0


def test_uploading_without_a_csrf_token_keeps_nothing(db, people, login):
    tutor = login(people.tutor)
    data = {"file": (io.BytesIO(_csv("A,a@example.org,participant,S")), "a.csv")}
    response = tutor.post(UPLOAD, data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert count_rows(db, InvitationImport) == 0


# --- Who may see what ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "other_tutor", "fellow"])
def test_someone_elses_upload_is_not_found(db, people, login, no_csrf, who):
    kept = _kept(db, people)
    db.commit()
    browser = login(people.by_role(who))
    assert browser.get(f"/invitations/imports/{kept.id}").status_code == 404
    assert browser.post(f"/invitations/imports/{kept.id}/send").status_code == 404
    assert count_rows(db, Invitation) == 0


@pytest.mark.parametrize("who", ["participant", "outsider"])
def test_participants_may_not_import(people, login, no_csrf, who):
    browser = login(people.by_role(who))
    assert browser.get(UPLOAD).status_code == 403
    assert browser.get("/invitations/import/template.csv").status_code == 403
    assert browser.post(UPLOAD, data={}).status_code == 403


# --- The pages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data,message",
    [
        (None, "Choose a CSV file to upload"),
        (b"\x00\x01\x02", "not a CSV file"),
        (b"name,email\nA,b\n", "Missing: role, learning set"),
    ],
)
def test_a_bad_upload_is_shown_beside_the_field(db, people, login, data, message):
    tutor = login(people.tutor)
    if data is None:
        response = tutor.post(UPLOAD, data={"csrf_token": csrf_from(tutor, UPLOAD)})
    else:
        response = _upload(tutor, data)
    html = html_of(response, 422)
    assert message in html
    assert 'id="file-error"' in html or "nhsuk-error-message" in html
    assert count_rows(db, InvitationImport) == 0


def test_an_odd_file_name_is_kept_printable(db, people, login):
    tutor = login(people.tutor)
    import_id = _kept_id(_upload(tutor, _pia(people), filename="in\x00take\x07" + "x" * 300))
    kept = db.get(InvitationImport, import_id)
    assert kept.filename == "intake" + "x" * 194


def test_a_file_over_the_request_limit_is_refused_without_an_error(people, login, app):
    tutor = login(people.tutor)
    token = csrf_from(tutor, UPLOAD)
    # Small, so the test client keeps the body in memory (test_app.py does the same).
    app.config["MAX_CONTENT_LENGTH"] = 1024
    data = {"csrf_token": token, "file": (io.BytesIO(b"x" * 2048), "big.csv")}
    response = tutor.post(UPLOAD, data=data, content_type="multipart/form-data")
    assert response.status_code == 413


def test_the_template_downloads_with_an_example_row_for_the_tutors_set(people, login):
    response = login(people.tutor).get("/invitations/import/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    [row] = read_rows(response.data)
    assert row.learning_set == people.cohort.name and row.role == "participant"


def test_the_upload_page_explains_the_file_and_lists_ones_own_uploads(db, people, login):
    bulk.upload(db, people.tutor, "mine.csv", _csv("A,a@example.org,participant,S"), utcnow())
    bulk.upload(
        db, people.other_tutor, "theirs.csv", _csv("A,a@example.org,participant,S"), utcnow()
    )
    db.commit()
    html = html_of(login(people.tutor).get(UPLOAD))
    assert "Download a template CSV file" in html
    assert "only programme admins can invite tutors" in html
    assert "mine.csv" in html and "theirs.csv" not in html
    assert 'enctype="multipart/form-data"' in html


def test_the_summary_and_upload_pages_cost_the_same_queries_for_many_as_for_few(
    db, people, login, count_queries
):
    third = factories.make_cohort(db, name="Northgate set")
    db.commit()
    admin = login(people.admin)
    counted = []
    for many in (False, True):
        sets = [people.cohort, people.other_cohort, third] if many else [people.cohort]
        rows = [
            f"P{n},p{n}-{many}@example.org,participant,{cohort.name}"
            for n in range(30 if many else 1)
            for cohort in sets
        ]
        import_id = _kept_id(_upload(admin, _csv(*rows)))
        assert _send(admin, import_id).status_code == 302
        with count_queries() as summary:
            html_of(admin.get(f"/invitations/imports/{import_id}"))
        with count_queries() as upload_page:
            html_of(admin.get(UPLOAD))
        counted.append((len(summary), len(upload_page)))
    assert counted[0] == counted[1]


def test_the_invitation_pages_link_to_the_import(people, login):
    tutor = login(people.tutor)
    assert UPLOAD in html_of(tutor.get("/invitations"))
    assert UPLOAD in html_of(tutor.get(f"/cohorts/{people.cohort.id}/invitations"))


def test_the_purge_keeps_recent_uploads(db, people):
    now = utcnow()
    bulk.upload(db, people.tutor, "t.csv", _csv("A,a@example.org,participant,S"), now)
    assert bulk.purge_imports(db, now) == 0
    assert bulk.purge_imports(db, now + timedelta(days=1)) == 1
    assert db.scalar(select(func.count()).select_from(InvitationImport)) == 0
