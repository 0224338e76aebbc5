"""Revalidation and appraisal from chosen reflections: the NMC's reflective accounts for nurses
and midwives, and a summary of supporting information for a doctor's appraisal. Both read the
log as the appraisal portfolio does (`exports`), and take only the person's own reflections."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from learnset import authz
from learnset.accounts.models import User
from learnset.enums import Labelled, Term
from learnset.ids import is_id
from learnset.reflections.exports import _with_everything, activity_of, learned, will_change
from learnset.reflections.models import Reflection

# The most reflections the page offers to choose from at once: narrow the dates for more.
MOST_OFFERED = 100


class OutputKind(Labelled):
    NMC = Term(
        "nmc",
        "Reflective accounts for NMC revalidation",
        hint="For nurses and midwives: one account for each reflection, laid out as the "
        "NMC's reflective accounts form asks",
    )
    MEDICAL = Term(
        "medical",
        "Supporting information for medical appraisal",
        hint="For doctors: CPD with reflection, feedback and significant events",
    )


# The four themes of the NMC Code, in the Code's order.
CODE_THEMES = (
    "Prioritise people",
    "Practise effectively",
    "Preserve safety",
    "Promote professionalism and trust",
)
# Which themes each domain of the capability framework most often speaks to: a suggestion the
# page says is one, for the nurse or midwife to confirm or change in their own form.
THEMES_BY_DOMAIN = {
    "unlocking-conversations": ("Prioritise people", "Promote professionalism and trust"),
    "whole-system-working": ("Practise effectively", "Promote professionalism and trust"),
    "commissioning-for-outcomes": ("Prioritise people", "Practise effectively"),
}
DEFAULT_THEMES = ("Practise effectively",)


@dataclass(frozen=True)
class Account:
    """One reflection, laid out as the forms ask."""

    reflection: Reflection
    activity: str
    what_happened: str
    learned: str
    changed: str
    capabilities: list[str]
    themes: tuple[str, ...]

    @property
    def minutes(self) -> int:
        return self.reflection.cpd_minutes


def offered(db: Session, user: User, date_from: date, date_to: date) -> list[Reflection]:
    """The person's own reflections on experiences in the period, newest first, to choose
    from (at most MOST_OFFERED)."""
    query = (
        authz.own_reflections(user)
        .where(Reflection.experienced_on >= date_from, Reflection.experienced_on <= date_to)
        .order_by(Reflection.experienced_on.desc(), Reflection.id.desc())
        .limit(MOST_OFFERED)
    )
    return list(db.scalars(query))


def chosen(db: Session, user: User, ids: Iterable[Any]) -> list[Reflection] | None:
    """The reflections named, oldest first, if every one is the person's own and not in the
    bin; None when any is not (someone else's, binned, unknown or not a number)."""
    wanted: set[int] = set()
    for value in ids:
        try:
            number = int(value)
        except (TypeError, ValueError):
            return None
        if not is_id(number):
            return None
        wanted.add(number)
    if not wanted:
        return []
    query = authz.own_reflections(user).where(Reflection.id.in_(wanted))
    found = list(
        db.scalars(
            _with_everything(query).order_by(
                Reflection.experienced_on, Reflection.created_at, Reflection.id
            )
        ).unique()
    )
    return found if len(found) == len(wanted) else None


def _themes(reflection: Reflection) -> tuple[str, ...]:
    domains = {capability.domain.slug for capability in reflection.capabilities}
    themes = {theme for slug in domains for theme in THEMES_BY_DOMAIN.get(slug, ())}
    return tuple(theme for theme in CODE_THEMES if theme in themes) or DEFAULT_THEMES


def account(reflection: Reflection) -> Account:
    """A reflection as the forms ask for it: the activity, what happened, what was learned,
    what changed, and how it relates to the framework and the Code."""
    spec = reflection.structure_spec
    text = reflection.text_by_part
    first = spec.parts[0].key if spec.parts else ""
    return Account(
        reflection=reflection,
        activity=activity_of(reflection),
        what_happened=(text.get(first) or "").strip(),
        learned=learned(reflection),
        changed=will_change(reflection),
        capabilities=[capability.name for capability in reflection.capabilities],
        themes=_themes(reflection),
    )


@dataclass(frozen=True)
class MedicalSummary:
    cpd: list[Account]
    significant_events: list[Account]
    total_minutes: int

    @property
    def credits(self) -> float:
        """CPD credits at one an hour, as most royal colleges count them."""
        return round(self.total_minutes / 60, 1)


def medical_summary(reflections: list[Reflection], significant: set[int]) -> MedicalSummary:
    """CPD with reflection, and apart from it the reflections the doctor marked as significant
    events (a significant event is not CPD time unless they logged time for it)."""
    accounts = [account(reflection) for reflection in reflections]
    return MedicalSummary(
        cpd=[a for a in accounts if a.reflection.id not in significant],
        significant_events=[a for a in accounts if a.reflection.id in significant],
        total_minutes=sum(a.minutes for a in accounts),
    )


# The latest finished report of feedback from colleagues, which the person may include
# (colleague_feedback registers it: the log sits below that feature and cannot import it).
FeedbackReport = Callable[[Session, User], tuple[str, dict[str, Any]] | None]
_FEEDBACK: list[FeedbackReport] = []


def feedback_report_source(source: FeedbackReport) -> FeedbackReport:
    """Offer a report of feedback from colleagues to the revalidation outputs."""
    if source not in _FEEDBACK:
        _FEEDBACK.append(source)
    return source


def feedback_report(db: Session, user: User) -> tuple[str, dict[str, Any]] | None:
    """The template and context of the person's latest finished feedback report, if any."""
    for source in _FEEDBACK:
        found = source(db, user)
        if found is not None:
            return found
    return None
