"""What templates can call: the authorization check, the navigation, Markdown and UK dates
(learnset/dates.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, has_request_context, request, url_for
from flask_login import current_user

from learnset import authz, forms, retention
from learnset.assessment.models import AssessmentKind
from learnset.challenges.models import ChallengeStatus, GainFor, GainKind, TrappedKind, UpdateKind
from learnset.cohorts.models import CohortStatus, InvitationStatus, Role
from learnset.colleague_feedback.models import RaterRelationship
from learnset.components import memoise_components, memoise_macros
from learnset.dates import uk_date, uk_datetime, uk_time
from learnset.files import size_in_words
from learnset.library.models import ContentKind, VersionOrigin
from learnset.markdown import render as render_markdown
from learnset.meetings.models import MeetingStatus
from learnset.reflections.models import Visibility
from learnset.return_address import same_site_referrer
from learnset.session_feedback.models import Usefulness


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    # The blueprint whose pages mark this item as the current one.
    section: str
    # Other blueprints whose pages belong under this item.
    also: tuple[str, ...] = ()


def navigation_for(user: Any) -> list[NavItem]:
    """The header navigation, which depends on the user's roles."""
    if not user.is_authenticated:
        return []
    items = [NavItem("Home", "main.home", "main")]
    # Asked once: every page's header needs them, several times over.
    admin = authz.can(user, "admin:access")
    roles = set(authz.cohort_roles(user).values())
    if admin or roles:
        # A set's dashboards, live challenges and gains board are reached from its page, so
        # they sit under "Learning sets" rather than growing the header (issues 6 and 7).
        items.append(
            NavItem(
                "Learning sets",
                "cohorts.index",
                "cohorts",
                ("meetings", "topics", "dashboards", "challenges"),
            )
        )
    if authz.can(user, "library:view"):
        # Stories of emerging practice are read alongside the library, by everyone.
        items.append(NavItem("Library", "library.index", "library", ("stories",)))
    if "participant" in roles:
        items.append(NavItem("Your log", "reflections.log", "reflections"))
        items.append(NavItem("Your capabilities", "assessment.mine", "assessment"))
    tutors = "tutor" in roles
    if tutors:
        # Its own section, so it is not highlighted on every page of the log.
        items.append(NavItem("Shared with you", "reflections.shared", "reflections.shared"))
    if admin or tutors:
        items.append(NavItem("Invitations", "cohorts.invitations_overview", "invitations"))
    if authz.can(user, "people:view"):
        items.append(NavItem("People", "people.index", "people"))
    items.append(NavItem("Your account", "accounts.account", "accounts"))
    return items


# The layout names about twenty addresses; room for them under a few mount points.
LAYOUT_URLS_KEPT = 200


def layout_url(endpoint: str, **values: Any) -> str:
    """`url_for` for the links every page's layout carries (header, footer, stylesheets), built
    once per process: such an address depends only on where the app is mounted. Built afresh
    while templates reload, when a static file's fingerprint may change (learnset/assets.py)."""
    if not has_request_context():
        return url_for(endpoint, **values)
    # Each use of a proxy such as current_app costs about as much as the rest of this function,
    # and a page's layout calls this some twenty times: the request and app are taken once.
    this_request = request._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy
    if app.debug or app.config["TEMPLATES_AUTO_RELOAD"]:
        return url_for(endpoint, **values)
    built: dict[tuple[Any, ...], str] = app.extensions["layout_urls"]
    key = (this_request.root_path, endpoint, *values.items())
    url = built.get(key)
    if url is None:
        url = url_for(endpoint, **values)
        # The mount point comes with the request: never let requests grow this without end.
        if len(built) < LAYOUT_URLS_KEPT:
            built[key] = url
    return url


# Stands in for the part a `url_pattern` leaves open: above every id (learnset/ids.py's MAX_ID),
# so no id beside it can be mistaken for it, and a slug too may take it.
_OPEN_PART = "7405926381"


def url_pattern(endpoint: str, part: str, **values: Any) -> str:
    """The address of `endpoint` with `{}` where the value of `part` goes: for a loop's links
    that differ only there, one url_for rather than one a row (`{{ pattern.format(row.id) }}`).
    Only for ids and slugs (learnset/content.py's SLUG_FORMAT), which an address carries as
    they are; the address quotes any brace of its own, so `{}` is the only one. With no other
    values, the address depends only on where the app is mounted, as a layout's does."""
    build = url_for if values else layout_url
    url = build(endpoint, **{**values, part: _OPEN_PART})
    if url.count(_OPEN_PART) != 1:
        raise ValueError(f"{endpoint}'s address does not hold <{part}> once")
    return url.replace(_OPEN_PART, "{}")


def header_navigation() -> list[dict[str, Any]]:
    endpoint, section = request.endpoint, request.blueprint
    items = navigation_for(_user())
    # On a page that is itself in the header (Invitations is in the cohorts blueprint), only
    # that item is highlighted, never its section's item as well.
    on_item = any(endpoint == item.endpoint for item in items)
    return [
        {
            "href": layout_url(item.endpoint),
            "text": item.label,
            "current": endpoint == item.endpoint,
            "active": (item.section == section or section in item.also) and not on_item,
        }
        for item in items
    ]


def _user() -> Any:
    """The signed-in user (or the anonymous one) itself: every attribute read through the
    current_user proxy looks it up again, and a rule reads several."""
    return current_user._get_current_object()


def can(action: str, obj: Any = None) -> bool:
    """The templates' `can()`: the policy (learnset/authz) for the signed-in user."""
    return authz.can(_user(), action, obj)


def feedback_url() -> str:
    """Where the phase banner's and footer's feedback links go: FEEDBACK_URL if set, else our
    own feedback page, told which kind of page the person was on (never its address)."""
    configured: str = current_app.config["FEEDBACK_URL"]
    if configured:
        return configured
    endpoint = request.endpoint
    if not endpoint or endpoint == "feedback.give":
        return layout_url("feedback.give")
    values: dict[str, Any] = {"from": endpoint}
    return layout_url("feedback.give", **values)


def retention_periods() -> list[tuple[str, str]]:
    """What is kept and for how long, with the settings in force: the privacy notice reads the
    same table `flask purge` enforces (learnset/retention.py), so the two cannot drift."""
    config = current_app.config
    return [(lifetime.kind, lifetime.kept_with(config)) for lifetime in retention.LIFETIMES]


def same_site_back(referrer: str | None) -> str | None:
    """A "go back" link from the Referer header, only when it is a page of this site."""
    return same_site_referrer(referrer, request.host)


def init_app(app: Flask) -> None:
    app.extensions["layout_urls"] = {}
    app.jinja_env.globals.update(
        layout_url=layout_url,
        url_pattern=url_pattern,
        can=can,
        header_navigation=header_navigation,
        nhs_field=forms.nhs_field,
        error_list=forms.error_list,
        feedback_url=feedback_url,
        retention_periods=retention_periods,
        service_name="Learnset",
    )
    # The stored values pages show in their own words: `ChallengeStatus(status).label`, and
    # `item_hints=Role.hints()` for a form's choices (learnset/enums.py).
    app.jinja_env.globals.update(
        {
            labelled.__name__: labelled
            for labelled in (
                AssessmentKind,
                ChallengeStatus,
                CohortStatus,
                ContentKind,
                GainFor,
                GainKind,
                InvitationStatus,
                MeetingStatus,
                RaterRelationship,
                Role,
                TrappedKind,
                UpdateKind,
                Usefulness,
                VersionOrigin,
                Visibility,
            )
        }
    )
    app.jinja_env.filters.update(
        markdown=render_markdown,
        uk_date=uk_date,
        uk_datetime=uk_datetime,
        uk_time=uk_time,
        file_size=size_in_words,
        same_site_back=same_site_back,
    )
    memoise_components(app.jinja_env)
    # Tags of a kind or status, on every row of the lists and timelines that show them.
    memoise_macros(app.jinja_env, "challenges/_macros.html", ("kind_tag", "status_tag"))
    memoise_macros(app.jinja_env, "library/_macros.html", ("kind_name", "kind_tag", "minutes"))
    # A table's column headers: a few on every table, the same on every page that shows it.
    memoise_macros(app.jinja_env, "macros/tables.html", ("column_header",))
