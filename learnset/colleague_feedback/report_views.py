"""The report of a closed round: for its participant, and for their tutors once shared."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy.orm import Session

from learnset import authz
from learnset.assessment.models import SelfAssessment
from learnset.charts import Series, Svg, radar
from learnset.colleague_feedback.models import FeedbackRound
from learnset.colleague_feedback.report import Report, report_of, without_own_levels
from learnset.colleague_feedback.views import bp
from learnset.db import get_db, utcnow
from learnset.library.models import ContentItem
from learnset.library.queries import items_developing

ITEMS_PER_GAP = 2


def _chart(report: Report) -> Svg | None:
    """A radar of self and others across the capabilities asked about (three or more)."""
    lines = report.capabilities
    if len(lines) < 3 or not report.shown:
        return None
    return radar(
        "colleague-feedback-radar",
        "Your own level and your colleagues' average",
        f"A radar chart with one axis for each of the {len(lines)} capabilities asked about, from "
        "level 1 at the centre to 5 at the edge. It shows two shapes: your own latest level "
        "(solid, circles) and your colleagues' average (dashed, squares). The table that follows "
        "gives the same figures.",
        [line.name for line in lines],
        [
            Series("latest", "Your own level", [line.self_level for line in lines]),
            Series("baseline", "Colleagues' average", [line.others for line in lines]),
        ],
    )


def _suggestions(db: Session, report: Report) -> dict[int, list[ContentItem]]:
    """Library items for the blind spots and the lowest averages (one query)."""
    rated = [line for line in report.capabilities if line.others is not None]
    lowest = sorted(rated, key=lambda line: (line.others or 0, line.name))[:2]
    gaps = list(dict.fromkeys(line.id for line in [*report.blind_spots, *lowest]))
    if not gaps:
        return {}
    found = items_developing(db, gaps, ContentItem.archived_at.is_(None))
    return {cid: found.get(cid, [])[:ITEMS_PER_GAP] for cid in gaps if found.get(cid)}


def _own_levels_shown(db: Session, feedback_round: FeedbackRound, report: Report) -> bool:
    """The participant sees their own levels; anyone else only while they may read the
    self-assessment those came from (a tutor, while it is shared with them)."""
    if authz.can(current_user, "feedback-round:view", feedback_round):
        return True
    assessment = db.get(SelfAssessment, report.self_from) if report.self_from else None
    return assessment is not None and authz.can(current_user, "assessment:view", assessment)


@bp.route("/colleague-feedback/<id:round_id>/report")
def report(round_id: int) -> str:
    db = get_db()
    feedback_round = authz.get_or_404(
        db, FeedbackRound, round_id, current_user, "feedback-report:view"
    )
    found = report_of(db, feedback_round, utcnow())
    if found is not None and not _own_levels_shown(db, feedback_round, found):
        found = without_own_levels(found)
    suggestions = _suggestions(db, found) if found is not None else {}
    lines = {line.id: line for line in found.capabilities} if found is not None else {}
    return render_template(
        "colleague_feedback/report.html",
        feedback_round=feedback_round,
        report=found,
        chart=_chart(found) if found is not None else None,
        suggestions=suggestions,
        lines=lines,
        own=authz.can(current_user, "feedback-round:view", feedback_round),
    )
