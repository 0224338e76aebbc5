"""Rows of the self-assessment pages' tables that repeat once per capability or assessment, as
HTML written in Python (the templates' `gap_rows`, `figure_rows` and `assessment_rows`): the
gaps table, the figures under each domain's radar and the list of assessments. Through Jinja,
each row's escapes and attribute reads cost several times what its few characters do. Names,
words and addresses are escaped as Jinja would escape them; levels, counts and dates are whole
numbers or digits and month names, written as they are."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from markupsafe import Markup, escape

from learnset.assessment.progress import AssessmentSummary, CapabilityProgress
from learnset.assessment.recommendations import RecommendedItem
from learnset.assessment.wording import gap_text, movement_text
from learnset.dates import uk_date

NONE = "\N{EN DASH}"
_FIGURE = '\n        <td class="nhsuk-table__cell">'


def gap_rows(
    entries: Sequence[CapabilityProgress], headers: Sequence[str], capability_url: str | None
) -> Markup:
    """The gaps table's rows: each capability (linked through `capability_url`, a url_pattern,
    when there is one), where it is, its target, its gap, how far it has moved, when last rated."""
    cells = [
        '<td class="nhsuk-table__cell" role="cell"><span class="nhsuk-table__heading"'
        f' aria-hidden="true">{escape(header)} </span>'
        for header in headers
    ]
    rows: list[str] = []
    dates: dict[datetime | None, str] = {}
    for entry in entries:
        capability, first, latest = entry.capability, entry.first, entry.latest
        name: str = escape(capability.name)
        if capability_url is not None:
            name = f'<a href="{escape(capability_url.format(capability.slug))}">{name}</a>'
        if latest is None:
            current = target = gap = None
        else:
            current, target = int(latest.current), int(latest.target)
            gap = target - current
        movement = int(latest.current - first.current) if first and latest else None
        rated_at = entry.last_rated_at
        # Capabilities rated together share a date: each written once.
        if rated_at not in dates:
            dates[rated_at] = uk_date(rated_at) if rated_at else NONE
        # Levels are whole numbers, their wording and dates words and digits: nothing to escape.
        rows.append(
            '\n    <tr class="nhsuk-table__row" role="row">\n      '
            f"{cells[0]}{name}</td>"
            f"{cells[1]}{current or NONE}</td>"
            f"{cells[2]}{target or NONE}</td>"
            f"{cells[3]}{gap_text(gap)}</td>"
            f"{cells[4]}{movement_text(movement)}</td>"
            f"{cells[5]}{dates[rated_at]}</td>\n    </tr>\n    "
        )
    return Markup("".join(rows))  # noqa: S704 - every value escaped above


def figure_rows(capabilities: Sequence[CapabilityProgress]) -> Markup:
    """The rows of the table under a domain's radar: each capability's first and latest levels
    and its target."""
    rows = []
    for entry in capabilities:
        first, latest, name = entry.first, entry.latest, escape(entry.capability.name)
        rows.append(
            '\n      <tr class="nhsuk-table__row">\n'
            f'        <th scope="row" class="nhsuk-table__header">{name}</th>'
            # Levels are whole numbers (int() makes sure): nothing to escape.
            f"{_FIGURE}{int(first.current) if first else NONE}</td>"
            f"{_FIGURE}{int(latest.current) if latest else NONE}</td>"
            f"{_FIGURE}{int(latest.target) if latest else NONE}</td>\n      </tr>\n      "
        )
    return Markup("".join(rows))  # noqa: S704 - every value escaped above


def assessment_rows(
    assessments: Sequence[AssessmentSummary], view_url: str, tags: Mapping[bool, Markup]
) -> Markup:
    """The rows of the table of submitted assessments, newest first: each one's date (linking
    to it through `view_url`, a url_pattern), its kind, how many capabilities it rated, and,
    with `tags` (a tag for shared and one for not; none: no column), who can see it."""
    # The address is escaped once: its "{}" takes a whole number.
    href, rows = str(escape(view_url)), []
    # A kind's label, escaped as the link's hidden words and as its own cell: a few kinds.
    labels: dict[str, tuple[str, str]] = {}
    for assessment in reversed(assessments):
        words = labels.get(assessment.kind)
        if words is None:
            label = assessment.label
            words = labels[assessment.kind] = (escape(label.lower()), escape(label))
        sharing = (
            f'<td class="nhsuk-table__cell">{tags[assessment.shared_with_tutors]}</td>'
            if tags
            else ""
        )
        rows.append(
            '\n    <tr class="nhsuk-table__row">\n      <td class="nhsuk-table__cell">'
            f'<a href="{href.format(int(assessment.id))}">{uk_date(assessment.submitted_at)}'
            f'<span class="nhsuk-u-visually-hidden">: {words[0]}</span></a></td>\n'
            f'      <td class="nhsuk-table__cell">{words[1]}</td>\n'
            f'      <td class="nhsuk-table__cell">{int(assessment.rated)}</td>\n'
            f"      {sharing}\n    </tr>\n    "
        )
    return Markup("".join(rows))  # noqa: S704 - every word escaped above


def recommended_rows(
    items: Sequence[RecommendedItem],
    kind_tags: Mapping[str, Markup],
    urls: Mapping[str, str],
    focus_item_id: int | None,
    capability_slug: str,
) -> Markup:
    """The list items of library items recommended for a capability: each item's link, its kind
    (`kind_tags`, a tag for each kind shown), time and summary, the sessions that used it, and
    "Make this your focus" unless it is `focus_item_id`, the pinned one. `urls` has "pin", the
    form's action, its "csrf" token, and url_patterns of an "item" and a "meeting"."""
    hidden = (
        '\n      <input type="hidden" name="csrf_token" value="'
        f'{escape(urls["csrf"])}">\n      <input type="hidden" name="item" value="'
    )
    form = (
        f'\n    <form action="{escape(urls["pin"])}" method="post" novalidate'
        ' class="app-inline-form">'
    )
    capability = (
        f'">\n      <input type="hidden" name="capability" value="{escape(capability_slug)}">\n'
        '      <button class="app-link-button">Make this your focus'
        '<span class="nhsuk-u-visually-hidden">: '
    )
    item_href, meeting_href = str(escape(urls["item"])), str(escape(urls["meeting"]))
    rows: list[str] = []
    for recommended in items:
        item = recommended.item
        slug, title = escape(item.slug), escape(item.title)
        minutes = int(item.minutes)
        rows.append(
            '\n  \n  <li class="app-recommendations__item">\n'
            f'    <p class="nhsuk-u-margin-bottom-1"><a href="{item_href.format(slug)}">{title}</a>'
            "</p>\n"
            f'    <p class="nhsuk-body-s nhsuk-u-margin-bottom-1">{kind_tags[item.kind]} {minutes}'
            f" minute{'s' if minutes != 1 else ''}. {escape(item.summary)}</p>\n    "
        )
        if recommended.sessions:
            used = ", ".join(
                f'<a href="{meeting_href.format(int(meeting.id))}">'
                f"{escape(meeting.display_title)}</a> on {uk_date(meeting.starts_at)}"
                for meeting in recommended.sessions
            )
            rows.append(
                f'\n    <p class="nhsuk-body-s nhsuk-u-margin-bottom-1">Used in {used}.</p>\n    '
            )
        if focus_item_id != item.id:
            rows.append(
                f"\n    {form}{hidden}{slug}{capability}{title}</span></button>\n    </form>\n    "
            )
        else:
            rows.append(
                '\n    \n    <p class="nhsuk-body-s nhsuk-u-margin-bottom-1">'
                "<strong>Your focus this month</strong></p>\n    "
            )
        rows.append("\n  </li>\n  ")
    return Markup("".join(rows))  # noqa: S704 - every word escaped above
