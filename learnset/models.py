"""Every feature's tables, imported once for Alembic, the shell and the tests: importing a
feature's models module puts all its tables on `Base.metadata`, so a table added to one needs
nothing here (`learnset.reflections.models.Reflection` in the shell)."""

# ruff: noqa: F401  (each import is for its tables)
import learnset.accounts.models
import learnset.assessment.models
import learnset.audit.models
import learnset.certificates.models
import learnset.challenges.models
import learnset.cohorts.models
import learnset.colleague_feedback.models
import learnset.curriculum.models
import learnset.dashboards.models
import learnset.feedback.models
import learnset.files.models
import learnset.framework.models
import learnset.library.models
import learnset.mail.models
import learnset.meetings.models
import learnset.notifications.models
import learnset.once
import learnset.reflections.models
import learnset.session_feedback.models
from learnset.db import Base

__all__ = ["Base"]
