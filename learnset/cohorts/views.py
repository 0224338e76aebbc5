from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from learnset import authz, once
from learnset.accounts import required_domains, sso_views
from learnset.accounts import services as accounts
from learnset.accounts.forms import ProfileForm
from learnset.accounts.second_step import after_first_factor
from learnset.accounts.security import carries_token, public
from learnset.challenges import queries as challenge_queries
from learnset.cohorts import emails, queries, services
from learnset.cohorts.forms import (
    AcceptInvitationForm,
    CohortForm,
    InviteForm,
    TutorForm,
)
from learnset.cohorts.models import Cohort, CohortStatus, Invitation, Membership, Role
from learnset.dates import UK
from learnset.db import get_db, utcnow
from learnset.errors import flashed, link_gone, shown_on
from learnset.forms import EmptyForm, committed, confirm_page, confirmed, done, render_form
from learnset.meetings import queries as meetings
from learnset.pagination import page_number, paginate

bp = Blueprint("cohorts", __name__)


@bp.route("/invitations")
def invitations_overview() -> str:
    db = get_db()
    cohorts = db.scalars(authz.tutored_cohorts(current_user)).all()
    if not cohorts and not authz.can(current_user, "admin:access"):
        abort(403)
    return render_template("cohorts/invitations_overview.html", cohorts=cohorts)


@bp.route("/cohorts/<id:cohort_id>/invitations", methods=["GET", "POST"])
def invitations(cohort_id: int) -> Response | tuple[str, int]:
    db = get_db()
    cohort = authz.get_or_404(db, Cohort, cohort_id, current_user, "cohort:view", "cohort:invite")
    form = InviteForm(
        may_invite_tutors=authz.can(current_user, "cohort:tutors", cohort),
        days=current_app.config["INVITATION_DAYS"],
    )
    if form.validate_on_submit():
        if (again := once.earlier(form)) is not None:
            return again
        with shown_on(form, "email"):
            issued = services.invite(
                db,
                cohort=cohort,
                email=form.email.data,
                role=Role(form.role.data),
                invited_by=current_user,
                now=utcnow(),
                days=current_app.config["INVITATION_DAYS"],
            )
            emails.queue_invitation(db, issued.invitation)
            return once.done(
                form,
                f"Invitation sent to {issued.invitation.email}.",
                url_for("cohorts.invitations", cohort_id=cohort.id),
            )
    return render_form(
        "cohorts/invitations.html",
        form,
        cohort=cohort,
        invitations=services.invitations_for(db, cohort),
        now=utcnow(),
        button_form=EmptyForm(),
    )


def _managed_invitation(invitation_id: int) -> Invitation:
    return authz.get_or_404(
        get_db(), Invitation, invitation_id, current_user, "invitation:view", "invitation:manage"
    )


@bp.route("/invitations/<id:invitation_id>/resend", methods=["POST"])
def resend_invitation(invitation_id: int) -> Response:
    db = get_db()
    invitation = _managed_invitation(invitation_id)
    with flashed():
        days = current_app.config["INVITATION_DAYS"]
        services.resend(db, invitation, utcnow(), days, resent_by=current_user)
        emails.queue_invitation(db, invitation)
        committed(f"A new invitation link has been sent to {invitation.email}.")
    return redirect(url_for("cohorts.invitations", cohort_id=invitation.cohort_id))


@bp.route("/invitations/<id:invitation_id>/revoke", methods=["GET", "POST"])
def revoke_invitation(invitation_id: int) -> Response | str:
    db = get_db()
    invitation = _managed_invitation(invitation_id)
    if confirmed():
        with flashed():
            services.revoke(db, invitation, utcnow(), revoked_by=current_user)
            committed(f"The invitation to {invitation.email} has been withdrawn.")
        return redirect(url_for("cohorts.invitations", cohort_id=invitation.cohort_id))
    return confirm_page("cohorts/revoke_invitation.html", invitation=invitation)


GONE_MESSAGES = {
    "accepted": "This invitation has already been used. Sign in to reach your learning set.",
    "revoked": "This invitation has been withdrawn. Ask the tutor of the learning set if you "
    "think this is a mistake.",
    "expired": "Invitations expire after {days} days. Ask the tutor of the learning set to "
    "send you a new one.",
}


@bp.route("/join/<token>", methods=["GET", "POST"])
@public
@carries_token
def accept_invitation(token: str) -> Response | str | tuple[str, int]:
    db = get_db()
    now = utcnow()
    invitation = services.find_by_token(db, token, to_use=request.method == "POST")
    if invitation is None:
        abort(404)
    status = invitation.status(now)
    if status != "pending":
        return link_gone(
            "This invitation link no longer works",
            GONE_MESSAGES[status].format(days=current_app.config["INVITATION_DAYS"]),
        )
    if current_user.is_authenticated:
        return _join_signed_in(invitation)
    if accounts.find_user_by_email(db, invitation.email) is not None:
        return render_template(
            "cohorts/invitation_sign_in.html",
            invitation=invitation,
            sign_in_url=url_for("accounts.sign_in", next=request.path),
        )
    return _join_with_new_account(invitation)


def _join_signed_in(invitation: Invitation) -> Response | str:
    """An existing account joins, provided it is the one the invitation was sent to."""
    if current_user.email != invitation.email:
        return render_template("cohorts/invitation_wrong_account.html", invitation=invitation)
    if confirmed():
        services.accept(get_db(), invitation, current_user, utcnow())
        return done(f"You have joined {invitation.cohort.name}.", url_for("main.home"))
    return confirm_page("cohorts/invitation_join.html", invitation=invitation)


def _sso_label(invitation: Invitation) -> str | None:
    """The single sign-on button's words, when single sign-on may sign in the invited address."""
    config = current_app.config
    allowed = required_domains.parse_domains(config["SSO_ALLOWED_DOMAINS"])
    if not config["SSO_ISSUER"]:
        return None
    if allowed and required_domains.domain_of(invitation.email) not in allowed:
        return None
    label: str = config["SSO_BUTTON_LABEL"]
    return label


def _join_with_new_account(invitation: Invitation) -> Response | tuple[str, int]:
    """The invitee names themselves and picks a password, or has single sign-on vouch for the
    invited address: account and membership appear together."""
    sso_label = _sso_label(invitation)
    identity = sso_views.identity_for(request.path) if sso_label else None
    if identity is not None:
        problem = services.single_sign_on_mismatch(invitation, identity.email)
        if problem is None:
            return _join_by_single_sign_on(invitation, identity)
        sso_views.forget_identity()
        flash(problem)
    form = AcceptInvitationForm()
    form.password_for = (invitation.email, invitation.name)
    # An address whose domain must use single sign-on gets no password, here as at sign-in.
    sso_only = sso_label is not None and _must_use_single_sign_on(invitation)
    if not form.is_submitted():
        form.name.data = invitation.name
    if sso_only and request.method == "POST":
        abort(403)
    if not sso_only and form.validate_on_submit():
        db = get_db()
        now = utcnow()
        user = accounts.create_user(
            db,
            email=invitation.email,
            name=form.name.data,
            # Optional fields left out of the POST altogether come back as None.
            job_title=form.job_title.data or "",
            organisation=form.organisation.data or "",
            password=form.password.data,
            method=current_app.config["PASSWORD_HASH_METHOD"],
        )
        services.accept(db, invitation, user, now)
        user.last_signed_in_at = now
        # A new tutor sets up a second factor before going on (accounts/second_step.py).
        response = after_first_factor(user, "invitation", url_for("main.home"))
        committed(f"Welcome to Learnset. You have joined {invitation.cohort.name}.")
        return response
    return render_form(
        "cohorts/invitation_new_account.html",
        form,
        invitation=invitation,
        sso_label=sso_label,
        sso_only=sso_only,
        domain=required_domains.domain_of(invitation.email),
    )


def _must_use_single_sign_on(invitation: Invitation) -> bool:
    fixed = required_domains.parse_domains(current_app.config["SSO_REQUIRED_DOMAINS"])
    return required_domains.must_use_single_sign_on(get_db(), invitation.email, fixed)


def _join_by_single_sign_on(
    invitation: Invitation, identity: sso_views.Identity
) -> Response | tuple[str, int]:
    """Single sign-on has verified the invited address: a name and job, and no password."""
    form = ProfileForm(data={"name": identity.name})
    if form.validate_on_submit():
        db = get_db()
        with shown_on(form):
            user = services.join_by_single_sign_on(
                db,
                invitation,
                identity.email,
                name=form.name.data,
                job_title=form.job_title.data or "",
                organisation=form.organisation.data or "",
                now=utcnow(),
            )
            sso_views.forget_identity()
            response = after_first_factor(user, "Single sign-on", url_for("main.home"))
            committed(f"Welcome to Learnset. You have joined {invitation.cohort.name}.")
            return response
    label = current_app.config["SSO_BUTTON_LABEL"]
    return render_form(
        "cohorts/invitation_sso_account.html", form, invitation=invitation, sso_label=label
    )


# --- Learning sets: list, create, edit, members, tutors (issue 3) -------------------------


def uk_date_today() -> date:
    return utcnow().astimezone(UK).date()


@bp.route("/cohorts")
def index() -> str:
    db = get_db()
    result = paginate(
        db, authz.visible_cohorts(current_user), page_number(request.args.get("page"))
    )
    ids = [cohort.id for cohort in result.items]
    return render_template(
        "cohorts/index.html",
        result=result,
        counts=services.head_counts(db, ids),
        next_meetings=meetings.next_meetings(db, current_user, ids, utcnow()),
        today=uk_date_today(),
    )


def _details(form: CohortForm) -> services.CohortDetails:
    return services.CohortDetails(
        name=form.name.data,
        description=form.description.data or "",
        start_month=form.start_month.data,
        status=CohortStatus(form.status.data),
    )


@bp.route("/cohorts/new", methods=["GET", "POST"])
def new_cohort() -> Response | tuple[str, int]:
    authz.require(current_user, "cohort:create")
    form = CohortForm()
    if form.validate_on_submit():
        if (again := once.earlier(form)) is not None:
            return again
        db = get_db()
        cohort = services.create_cohort(db, _details(form), utcnow())
        return once.done(
            form,
            f"{cohort.name} has been created. Now assign its tutors.",
            url_for("cohorts.assign_tutor", cohort_id=cohort.id),
        )
    return render_form("cohorts/form.html", form, cohort=None)


@bp.route("/cohorts/<id:cohort_id>")
def cohort(cohort_id: int) -> str:
    db = get_db()
    cohort = authz.get_or_404(db, Cohort, cohort_id, current_user, "cohort:view")
    return render_template(
        "cohorts/cohort.html",
        cohort=cohort,
        page=meetings.cohort_page(db, current_user, cohort, utcnow()),
        members=queries.members(db, cohort.id),
        challenges=challenge_queries.cohort_summary(db, current_user, cohort),
        today=uk_date_today(),
    )


@bp.route("/cohorts/<id:cohort_id>/edit", methods=["GET", "POST"])
def edit_cohort(cohort_id: int) -> Response | tuple[str, int]:
    db = get_db()
    cohort = authz.get_or_404(db, Cohort, cohort_id, current_user, "cohort:view", "cohort:edit")
    form = CohortForm(obj=cohort)
    if form.validate_on_submit():
        services.update_cohort(db, cohort, _details(form))
        return done(
            "The learning set's details have been saved.",
            url_for("cohorts.cohort", cohort_id=cohort.id),
        )
    return render_form("cohorts/form.html", form, cohort=cohort)


@bp.route("/cohorts/<id:cohort_id>/members")
def members(cohort_id: int) -> str:
    db = get_db()
    cohort = authz.get_or_404(db, Cohort, cohort_id, current_user, "cohort:view", "cohort:members")
    return render_template(
        "cohorts/members.html",
        cohort=cohort,
        memberships=queries.members(db, cohort.id),
        pending=services.pending_invitations(db, cohort, utcnow()),
    )


@bp.route("/cohorts/<id:cohort_id>/tutors", methods=["GET", "POST"])
def assign_tutor(cohort_id: int) -> Response | tuple[str, int]:
    db = get_db()
    cohort = authz.get_or_404(db, Cohort, cohort_id, current_user, "cohort:view", "cohort:tutors")
    form = TutorForm()
    if form.validate_on_submit():
        with shown_on(form, "email"):
            assigned = services.assign_tutor(
                db,
                cohort=cohort,
                email=form.email.data,
                assigned_by=current_user,
                now=utcnow(),
                days=current_app.config["INVITATION_DAYS"],
            )
            if assigned.issued is not None:
                emails.queue_invitation(db, assigned.issued.invitation)
                message = f"An invitation to tutor has been sent to {form.email.data}."
            else:
                assert assigned.membership is not None  # one or the other, never neither
                message = f"{assigned.membership.user.name} is now a tutor of {cohort.name}."
            return done(message, url_for("cohorts.members", cohort_id=cohort.id))
    tutors = [m for m in queries.members(db, cohort.id) if m.role == Role.TUTOR]
    return render_form("cohorts/assign_tutor.html", form, cohort=cohort, tutors=tutors)


@bp.route("/memberships/<id:membership_id>/remove", methods=["GET", "POST"])
def remove_member(membership_id: int) -> Response | str:
    db = get_db()
    membership = authz.get_or_404(
        db, Membership, membership_id, current_user, "membership:view", "membership:remove"
    )
    cohort, user = membership.cohort, membership.user
    if confirmed():
        services.remove_member(db, membership, utcnow(), removed_by=current_user)
        return done(
            f"{user.name} has been removed from {cohort.name}.",
            url_for("cohorts.members", cohort_id=cohort.id),
        )
    return confirm_page("cohorts/remove_member.html", membership=membership)
