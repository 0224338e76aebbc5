"""Every feature's models, imported once for Alembic, the shell and the tests."""

from learnset.accounts.models import User
from learnset.cohorts.models import Cohort, CohortStatus, Invitation, Membership, Role
from learnset.db import Base

__all__ = ["Base", "Cohort", "CohortStatus", "Invitation", "Membership", "Role", "User"]
