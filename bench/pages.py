"""The pages the benchmark loads, each opened by the role that uses it.

Paths name the national programme's first set, its first participant and what is theirs
(`national.Built`). The first three are floors: what the framework itself costs with no
database, with a template, and with one indexed query; every other page is compared with the
sign-in page, the cheapest page a person sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Page:
    name: str
    role: str | None  # None: nobody signed in
    path: str
    method: str = "GET"
    form: dict[str, Any] | None = None


FLOOR = "floor: sign-in page"

AUTOSAVE = {
    "structure": "driscoll",
    "title": "After the discharge meeting",
    "part_what": "I asked the ward team what a good week would look like for them.",
    "part_so_what": "The conversation moved from blame to what each of us could try.",
    "part_now_what": "Start the next meeting with the same question.",
    "cpd_minutes": "30",
    "visibility": "private",
}

PAGES = [
    Page("floor: /healthz, no database", None, "/healthz"),
    Page(FLOOR, None, "/sign-in"),
    Page("floor: /readyz, one indexed query", None, "/readyz"),
    # What a participant opens every month.
    Page("home, participant", "participant", "/"),
    Page("reflections, participant", "participant", "/reflections"),
    Page("a reflection, its author", "participant", "/reflections/{reflection_id}"),
    Page("the editor, its author", "participant", "/reflections/{reflection_id}/edit"),
    Page(
        "autosave, its author",
        "participant",
        "/reflections/{reflection_id}/draft",
        "POST",
        AUTOSAVE,
    ),
    Page(
        "capabilities with charts, participant", "participant", "/cohorts/{cohort_id}/capabilities"
    ),
    Page("library search, participant", "participant", "/library?q=conversation"),
    Page("topics, participant", "participant", "/cohorts/{cohort_id}/topics"),
    Page("a challenge, its owner", "participant", "/challenges/{challenge_id}"),
    Page("sessions, participant", "participant", "/cohorts/{cohort_id}/sessions"),
    # What a tutor opens.
    Page("home, tutor", "tutor", "/"),
    Page("shared with me, tutor", "tutor", "/reflections/shared"),
    Page("dashboard, tutor", "tutor", "/cohorts/{cohort_id}/dashboard"),
    Page("engagement, tutor", "tutor", "/cohorts/{cohort_id}/dashboard/engagement"),
    Page("planning the next session, tutor", "tutor", "/sessions/{meeting_id}/plan"),
    Page("a challenge, tutor", "tutor", "/challenges/{challenge_id}"),
    # The programme lead.
    Page("home, admin", "admin", "/"),
    Page("programme view, admin", "admin", "/programme"),
    Page("programme report, admin", "admin", "/programme/report"),
    Page("people, admin", "admin", "/people"),
    # Exports.
    Page("export: dashboard CSV, tutor", "tutor", "/cohorts/{cohort_id}/dashboard.csv"),
    Page("export: dashboard JSON, tutor", "tutor", "/cohorts/{cohort_id}/dashboard.json"),
    Page("export: portfolio, participant", "participant", "/reflections/portfolio"),
    Page("export: reflections zip, participant", "participant", "/reflections/export.zip"),
    Page("export: your data JSON, participant", "participant", "/account/your-data.json"),
    Page("export: programme report CSV, admin", "admin", "/programme/report.csv"),
    Page("export: programme report XLSX, admin", "admin", "/programme/report.xlsx"),
]
