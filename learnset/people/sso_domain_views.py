"""The admins' page of email domains that must sign in by single sign-on: the ones fixed by
the SSO_REQUIRED_DOMAINS setting, shown as such, and the ones admins add and remove here."""

from __future__ import annotations

from flask import current_app, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from learnset import authz
from learnset.accounts import required_domains
from learnset.accounts.models import RequiredSsoDomain
from learnset.db import get_db, utcnow
from learnset.errors import shown_on
from learnset.forms import confirm_page, confirmed, done, render_form
from learnset.people.forms import RequiredDomainForm
from learnset.people.views import bp


def _settings() -> tuple[bool, frozenset[str], frozenset[str]]:
    """Whether single sign-on is on, the domains it may sign in, and the fixed required ones."""
    config = current_app.config
    return (
        bool(config["SSO_ISSUER"]),
        required_domains.parse_domains(config["SSO_ALLOWED_DOMAINS"]),
        required_domains.parse_domains(config["SSO_REQUIRED_DOMAINS"]),
    )


@bp.route("/people/single-sign-on", methods=["GET", "POST"])
def sso_domains() -> Response | tuple[str, int]:
    authz.require(current_user, "sso-domains:manage")
    db = get_db()
    sso_on, allowed, fixed = _settings()
    form = RequiredDomainForm()
    if sso_on and form.validate_on_submit():
        with shown_on(form, "domain"):
            row = required_domains.add(
                db, current_user, form.domain.data, allowed=allowed, fixed=fixed, now=utcnow()
            )
            return done(
                f"Addresses ending @{row.domain} now sign in with single sign-on only.",
                url_for("people.sso_domains"),
            )
    return render_form(
        "people/sso_domains.html",
        form,
        sso_on=sso_on,
        label=current_app.config["SSO_BUTTON_LABEL"],
        allowed=sorted(allowed),
        fixed=sorted(fixed),
        added=required_domains.added(db),
    )


@bp.route("/people/single-sign-on/<id:domain_id>/remove", methods=["GET", "POST"])
def remove_sso_domain(domain_id: int) -> Response | str:
    db = get_db()
    row = authz.get_or_404(
        db, RequiredSsoDomain, domain_id, current_user, "sso-domains:manage", "sso-domains:manage"
    )
    if confirmed():
        required_domains.remove(db, current_user, row, utcnow())
        return done(
            f"Addresses ending @{row.domain} may sign in with a password again.",
            url_for("people.sso_domains"),
        )
    return confirm_page("people/remove_sso_domain.html", row=row)
