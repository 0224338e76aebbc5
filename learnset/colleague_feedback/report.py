"""A round's report, worked out once when the round closes, under the anonymity rules:

- nothing of others' answers unless at least three colleagues answered;
- only averages, never one person's answers: a capability's average needs three ratings;
- a relationship group is shown only with three or more answers; smaller groups are merged
  into "Others", and when what is left over would be one or two people, the smallest shown
  group is merged too, so no one can be worked out from the difference;
- free text without names, in an order that has nothing to do with when it was sent.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset.assessment.services import latest_submitted
from learnset.colleague_feedback.models import FeedbackResponse, FeedbackRound, RaterRelationship
from learnset.framework.models import Capability, CapabilityDomain

MIN_RESPONSES = 3
OTHERS = "others"
# A difference smaller than this between self and others is not worth calling out.
NOTABLE_DIFFERENCE = 0.5
DIFFERENCES_SHOWN = 3
TEXT_LABELS = {
    "keep_doing": "What should they keep doing?",
    "start_doing": "What could they start doing?",
    "change": "What could they do differently?",
}


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if len(values) >= MIN_RESPONSES else None


def groups_shown(relations: list[str]) -> dict[str, str]:
    """Which group each relationship is shown under: itself when three or more answered,
    else "others"; none at all when that would leave only one group (the whole)."""
    counts = Counter(relations)
    shown = {relation for relation, count in counts.items() if count >= MIN_RESPONSES}
    while shown and 0 < sum(counts[r] for r in counts if r not in shown) < MIN_RESPONSES:
        shown.remove(min(shown, key=lambda r: (counts[r], r)))
    placed = {relation: relation if relation in shown else OTHERS for relation in counts}
    if len(set(placed.values())) < 2:
        return {}
    return placed


def _group_label(key: str) -> str:
    return "Others" if key == OTHERS else RaterRelationship(key).label


def work_out(db: Session, feedback_round: FeedbackRound) -> dict[str, Any]:
    """The report from the answers in now, with the participant's latest self-assessment."""
    responses = list(
        db.scalars(select(FeedbackResponse).where(FeedbackResponse.round_id == feedback_round.id))
    )
    capabilities = {
        capability.id: (capability, domain)
        for capability, domain in db.execute(
            select(Capability, CapabilityDomain)
            .join(CapabilityDomain, CapabilityDomain.id == Capability.domain_id)
            .where(Capability.id.in_(feedback_round.capability_ids))
        )
    }
    own = latest_submitted(db, feedback_round.participant_id, feedback_round.cohort_id)
    self_levels = {r.capability_id: r.current_level for r in own.ratings} if own else {}
    raters = feedback_round.raters
    result: dict[str, Any] = {
        # The self-assessment the participant's own levels come from, so that a tutor reading
        # a shared report sees them only while they may read that assessment.
        "self_from": own.id if own else None,
        "responses": len(responses),
        "asked": len(raters),
        "declined": sum(1 for rater in raters if rater.declined_at is not None),
        "shown": len(responses) >= MIN_RESPONSES,
        "groups": [],
        "capabilities": [],
        "texts": {},
    }
    placed = groups_shown([r.relation for r in responses]) if result["shown"] else {}
    group_keys = sorted(set(placed.values()), key=lambda k: (k == OTHERS, k))
    result["groups"] = [
        {
            "key": key,
            "label": _group_label(key),
            "count": sum(1 for r in responses if placed[r.relation] == key),
        }
        for key in group_keys
    ]
    for cid in feedback_round.capability_ids:
        if cid not in capabilities:
            continue
        capability, domain = capabilities[cid]
        levels = [r.ratings[str(cid)] for r in responses if str(cid) in r.ratings]
        entry: dict[str, Any] = {
            "id": cid,
            "name": capability.name,
            "domain": domain.name,
            "self": self_levels.get(cid),
            "others": _mean(levels) if result["shown"] else None,
            "count": len(levels) if result["shown"] else None,
            "by_group": {},
        }
        if result["shown"] and placed:
            by_group = {
                key: [
                    r.ratings[str(cid)]
                    for r in responses
                    if placed[r.relation] == key and str(cid) in r.ratings
                ]
                for key in group_keys
            }
            # A group's average is shown only when every group's rating count is 0 or 3+, so
            # none can be worked out from the overall average.
            if all(len(v) == 0 or len(v) >= MIN_RESPONSES for v in by_group.values()):
                entry["by_group"] = {key: _mean(values) for key, values in by_group.items()}
        result["capabilities"].append(entry)
    if result["shown"]:
        # Sorted first, so the order owes nothing to when answers came in; then shuffled the
        # same way every time the report is drawn.
        shuffle = random.Random(feedback_round.id)
        for question in TEXT_LABELS:
            answers = sorted(text for r in responses if (text := getattr(r, question).strip()))
            shuffle.shuffle(answers)
            result["texts"][question] = answers
    return result


# --- Reading a report -------------------------------------------------------------------------


@dataclass(frozen=True)
class CapabilityLine:
    id: int
    name: str
    domain: str
    self_level: int | None
    others: float | None
    count: int | None
    by_group: dict[str, float | None]

    @property
    def difference(self) -> float | None:
        """Others' average minus the participant's own level."""
        if self.self_level is None or self.others is None:
            return None
        return round(self.others - self.self_level, 1)


@dataclass(frozen=True)
class TextAnswers:
    question: str
    answers: list[str]


@dataclass
class Report:
    responses: int
    asked: int
    declined: int
    shown: bool
    groups: list[dict[str, Any]] = field(default_factory=list)
    capabilities: list[CapabilityLine] = field(default_factory=list)
    texts: list[TextAnswers] = field(default_factory=list)
    self_from: int | None = None

    @property
    def blind_spots(self) -> list[CapabilityLine]:
        """Where the participant rates themselves higher than colleagues do, largest first."""
        lines = [c for c in self.capabilities if (c.difference or 0) <= -NOTABLE_DIFFERENCE]
        return sorted(lines, key=lambda c: (c.difference or 0, c.name))[:DIFFERENCES_SHOWN]

    @property
    def hidden_strengths(self) -> list[CapabilityLine]:
        """Where colleagues rate the participant higher than they rate themselves."""
        lines = [c for c in self.capabilities if (c.difference or 0) >= NOTABLE_DIFFERENCE]
        return sorted(lines, key=lambda c: (-(c.difference or 0), c.name))[:DIFFERENCES_SHOWN]


def read(data: dict[str, Any]) -> Report:
    """A kept report as the pages use it."""
    return Report(
        responses=data["responses"],
        asked=data["asked"],
        declined=data["declined"],
        shown=data["shown"],
        groups=data["groups"],
        capabilities=[
            CapabilityLine(
                id=c["id"],
                name=c["name"],
                domain=c["domain"],
                self_level=c["self"],
                others=c["others"],
                count=c["count"],
                by_group=c["by_group"],
            )
            for c in data["capabilities"]
        ],
        texts=[
            TextAnswers(TEXT_LABELS[question], answers)
            for question, answers in data["texts"].items()
            if question in TEXT_LABELS
        ],
        self_from=data.get("self_from"),
    )


def without_own_levels(report: Report) -> Report:
    """The report without the participant's own levels, for a reader not allowed to see the
    self-assessment they come from."""
    return replace(
        report, capabilities=[replace(line, self_level=None) for line in report.capabilities]
    )


def report_of(db: Session, feedback_round: FeedbackRound, now: Any) -> Report | None:
    """The round's report once it has closed: as kept, or (closed by its date but not yet
    released by the daily purge) worked out the same way without writing anything."""
    if feedback_round.report is not None:
        return read(feedback_round.report)
    if feedback_round.is_open(now):
        return None
    return read(work_out(db, feedback_round))
