"""Certificate pages: the holder's list, getting one, its printable page and PDF, withdrawing
it; and the public verification page."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    current_app,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from learnset import authz, once
from learnset.accounts.security import carries_token, public
from learnset.certificates import queries, services
from learnset.certificates.forms import CertificateForm, VerifyForm
from learnset.certificates.models import Certificate
from learnset.dates import UK
from learnset.db import get_db, utcnow
from learnset.downloads import attachment
from learnset.errors import shown_on
from learnset.extensions import limiter
from learnset.forms import confirm_page, confirmed, done, render_form
from learnset.pagination import page_number, paginate
from learnset.pdf import html_to_pdf

bp = Blueprint("certificates", __name__)


def _verify_limit() -> str:
    limit: str = current_app.config["CERTIFICATE_VERIFY_LIMIT_PER_IP"]
    return limit


# Both ways of looking a reference up share one count, so guessing cannot use each in turn.
_verify_limited = limiter.shared_limit(_verify_limit, scope="certificate-verify")


def _signatory(app: Flask) -> services.Signatory:
    return services.Signatory(
        programme=app.config["PROGRAMME_NAME"],
        name=app.config["CERTIFICATE_SIGNATORY_NAME"],
        role=app.config["CERTIFICATE_SIGNATORY_ROLE"],
    )


def _own(certificate_id: int, action: str | None = None) -> Certificate:
    return authz.get_or_404(
        get_db(), Certificate, certificate_id, current_user, "certificate:view", action
    )


@bp.route("/certificates")
def index() -> str:
    result = paginate(
        get_db(), queries.certificates_of(current_user), page_number(request.args.get("page"))
    )
    return render_template("certificates/index.html", result=result)


@bp.route("/certificates/new", methods=["GET", "POST"])
def new() -> Response | tuple[str, int]:
    db = get_db()
    today = utcnow().astimezone(UK).date()
    form = CertificateForm(services.programme_years(db, current_user, today))
    if form.validate_on_submit():
        if (again := once.earlier(form)) is not None:
            return again
        date_from, date_to = form.dates()
        with shown_on(form, "period"):
            certificate = services.issue(
                db, current_user, date_from, date_to, _signatory(current_app), utcnow()
            )
            return once.done(
                form,
                f"Your certificate has been issued. Its reference is {certificate.reference}.",
                url_for("certificates.show", certificate_id=certificate.id),
            )
    return render_form("certificates/new.html", form)


@bp.route("/certificates/<id:certificate_id>")
def show(certificate_id: int) -> str:
    return render_template("certificates/show.html", certificate=_own(certificate_id))


@bp.route("/certificates/<id:certificate_id>/pdf")
def pdf(certificate_id: int) -> Response:
    certificate = _own(certificate_id)
    html = render_template("certificates/pdf.html", certificate=certificate)
    name = f"certificate-{certificate.reference}.pdf"
    return attachment(html_to_pdf(html), "application/pdf", name)


@bp.route("/certificates/<id:certificate_id>/withdraw", methods=["GET", "POST"])
def withdraw(certificate_id: int) -> Response | str:
    certificate = _own(certificate_id, "certificate:revoke")
    if confirmed():
        db = get_db()
        services.revoke(db, current_user, certificate, utcnow())
        return done(
            "The certificate has been withdrawn. Its reference no longer checks.",
            url_for("certificates.index"),
        )
    return confirm_page("certificates/withdraw.html", certificate=certificate)


def _verdict(typed: str, form: VerifyForm) -> tuple[str, int]:
    """The same page and the same one query for a reference that is unknown, mistyped or
    withdrawn: nothing tells them apart."""
    certificate = services.find_valid(get_db(), typed)
    return (
        render_template("certificates/verify.html", form=form, certificate=certificate, asked=True),
        200 if certificate is not None else 404,
    )


@bp.route("/certificates/verify")
@public
@_verify_limited
def verify() -> tuple[str, int]:
    form = VerifyForm(request.args)
    if "reference" in request.args and form.validate():
        return _verdict(form.reference.data or "", form)
    if "reference" not in request.args:
        form = VerifyForm(formdata=None)
    return render_form("certificates/verify.html", form, certificate=None, asked=False)


@bp.route("/certificates/verify/<reference>")
@public
@carries_token
@_verify_limited
def verify_reference(reference: str) -> tuple[str, int]:
    return _verdict(reference[:60], VerifyForm(formdata=None, reference=reference[:60]))
