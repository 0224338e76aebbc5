"""The programme as a whole: the admins' pages, the library and framework everyone reads,
people's accounts and their sign-in sessions, and the dashboards."""

from __future__ import annotations

from typing import Any

from flask import current_app

from learnset.accounts.models import Passkey, SignInSession, User
from learnset.authz.assessment import own_capabilities
from learnset.authz.cohorts import cohort_manage
from learnset.authz.roles import Rule, admin, is_member, signed_in, tutors_anything
from learnset.cohorts.models import Cohort


def _sign_in_end(user: User, sign_in: SignInSession) -> bool:
    """Only its owner sees or ends a sign-in session; admins sign people out everywhere at once,
    from their person page, and never see anyone's devices."""
    return sign_in.user_id == user.id


def _passkey_remove(user: User, passkey: Passkey) -> bool:
    """Only its owner sees or removes a passkey; an admin resets all of someone's at once."""
    return passkey.user_id == user.id


# --- Dashboards ---------------------------------------------------------------------------------
# A cohort's dashboard (aggregates, engagement, planning from the gaps) is for its tutors and the
# programme's admins; the set's own growth view for its members. Who may see the gap heat map and
# each participant's ratings stays "cohort:self-assessments" (the cohort's tutors only): an admin
# reads the aggregates, never a person's ratings. Every aggregate is suppressed below 3 responses
# in learnset/figures.py, whoever reads it, and is released rather than live
# (learnset/dashboards/releases.py): the same people may release a cohort's figures early.


def _content_edit(user: User, _obj: Any = None) -> bool:
    """Admins edit the library, the framework's words and the programme's sessions (and see and
    restore their versions); tutors too when the programme allows it (TUTORS_EDIT_CONTENT).
    Participants never do."""
    if user.is_admin:
        return True
    return bool(current_app.config.get("TUTORS_EDIT_CONTENT")) and tutors_anything(user)


def _cohort_growth(user: User, cohort: Cohort) -> bool:
    return user.is_admin or is_member(user, cohort.id)


RULES: dict[str, Rule] = {
    "admin:access": admin,
    # Every signed-in person reads the library and the capability framework. Archived library
    # items stay readable by their address, because sessions and reflections keep pointing at them.
    "library:view": signed_in,
    "framework:view": signed_in,
    # Editing, the history of versions, comparing and restoring them.
    "content:edit": _content_edit,
    # Accounts across the programme are the admins' to look after: who someone is and which sets
    # they are in, never what they wrote. Everyone else is answered 404 for a person's page.
    "people:view": admin,
    "person:view": admin,
    "person:manage": admin,
    # Which email domains must sign in by single sign-on.
    "sso-domains:manage": admin,
    "sign-in:end": _sign_in_end,
    "passkey:remove": _passkey_remove,
    "cohort:dashboard": cohort_manage,
    "cohort:release-figures": cohort_manage,
    "cohort:what-tutors-see": own_capabilities,
    "cohort:growth": _cohort_growth,
    "programme:view": admin,
    # The programme report for the board: aggregates only, every figure under the small-number
    # rules; the admins' alone, as the programme view is.
    "programme:report": admin,
    # The audit log and the mail queue's failures: the admins' oversight of the service.
    "audit:view": admin,
    "mail:manage": admin,
    "feedback:read": admin,
}
