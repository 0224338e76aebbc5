"""The audit log: admins read it a page at a time, filtered by event, person and date, and
export what the filter shows as CSV (itself an event in the log)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from learnset import audit, authz
from learnset.dates import UK
from learnset.db import get_db, utcnow
from learnset.downloads import attachment
from learnset.governance import queries
from learnset.governance.forms import AuditFilterForm
from learnset.pagination import page_number, paginate

bp = Blueprint("governance", __name__)


def _filters() -> tuple[AuditFilterForm, queries.AuditFilter, int]:
    """The filter as asked for; one with mistakes shows everything, with the mistakes beside
    their fields (422)."""
    form = AuditFilterForm(request.args)
    if not request.args or form.validate():
        filters = queries.AuditFilter(
            kind=form.kind.data or "",
            person=(form.person.data or "").strip(),
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
        return form, filters, 200
    return form, queries.AuditFilter(), 422


@bp.route("/audit")
def audit_log() -> tuple[str, int]:
    authz.require(current_user, "audit:view")
    form, filters, status = _filters()
    result = paginate(
        get_db(), queries.audit_events(filters), page_number(request.args.get("page")), rows=True
    )
    query = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template(
        "governance/audit.html", form=form, result=result, filters=filters, query=query
    ), status


@bp.route("/audit.csv")
def audit_export() -> Response | tuple[str, int]:
    authz.require(current_user, "audit:view")
    _form, filters, status = _filters()
    if status != 200:
        return audit_log()
    body = queries.audit_csv(get_db(), filters)
    audit.record_apart(
        audit.AuditKind.AUDIT_EXPORTED,
        actor_id=current_user.id,
        detail="Filtered" if filters.is_filtered else "Everything kept",
    )
    filename = f"learnset-audit-log-{utcnow().astimezone(UK).date()}.csv"
    return attachment(body, "text/csv", filename)
