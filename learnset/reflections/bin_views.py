"""The bin: deleting to it, what is in it, restoring, and deleting for good."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from learnset.dates import uk_date
from learnset.db import get_db, utcnow
from learnset.forms import EmptyForm, committed, confirm_page, confirmed, done
from learnset.pagination import page_number
from learnset.reflections import binned, queries
from learnset.reflections.views import bp, reflection_or_404


@bp.route("/reflections/<id:reflection_id>/delete", methods=["GET", "POST"])
def delete(reflection_id: int) -> Any:
    reflection = reflection_or_404(reflection_id, "reflection:edit")
    if confirmed():
        binned.move_to_bin(get_db(), reflection, utcnow())
        return done(
            f"\u201c{reflection.title}\u201d is in the bin. You can restore it until "
            f"{uk_date(binned.purge_date(reflection))}.",
            url_for("reflections.log"),
        )
    return confirm_page("reflections/delete.html", reflection=reflection, days=binned.BIN_DAYS)


@bp.route("/reflections/bin")
def bin() -> str:
    page = queries.bin_page(get_db(), current_user, page_number(request.args.get("page")))
    return render_template(
        "reflections/bin.html",
        page=page,
        purge_dates={r.id: binned.purge_date(r) for r in page.items},
        form=EmptyForm(),
        days=binned.BIN_DAYS,
    )


@bp.route("/reflections/<id:reflection_id>/restore", methods=["POST"])
def restore(reflection_id: int) -> WerkzeugResponse:
    reflection = reflection_or_404(reflection_id, "reflection:restore")
    if confirmed():
        binned.restore_from_bin(get_db(), reflection)
        committed(f"\u201c{reflection.title}\u201d is back in your log.")
    return redirect(url_for("reflections.show", reflection_id=reflection.id))


@bp.route("/reflections/<id:reflection_id>/delete-for-good", methods=["GET", "POST"])
def destroy(reflection_id: int) -> Any:
    reflection = reflection_or_404(reflection_id, "reflection:destroy")
    if confirmed():
        title = reflection.title
        binned.delete_for_good(get_db(), reflection)
        return done(f"\u201c{title}\u201d has been deleted for good.", url_for("reflections.bin"))
    return confirm_page("reflections/destroy.html", reflection=reflection)
