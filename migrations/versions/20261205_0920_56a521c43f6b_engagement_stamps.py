"""Each set's engagement stamp: changed by the database whenever anything its engagement counts

Revision ID: 56a521c43f6b
Revises: e4b8d2a7c951
Create Date: 2026-12-05 09:20:00.000000

The dashboards keep a set's engagement counts under its stamp (dashboards/engagement.py). A
trigger on each table the counts are made from gives the set a new random stamp when a row that
counts is added, deleted or changed in a column that counts, in the same transaction as the
change, however it is made (the app, a bulk statement, a cascade, a hand-written fix). A random
stamp rather than a counter: a set's row never goes back to a stamp it had, even if the table
were emptied, so what a worker kept under an old stamp can never be read again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "56a521c43f6b"
down_revision: str | None = "e4b8d2a7c951"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# For each table the engagement counts read: the columns they read, and the set a row belongs
# to ({row} is NEW or OLD). Written out here, not imported, so this revision never changes.
COUNTED = {
    "reflections": (
        ["cohort_id", "author_id", "created_at", "deleted_at", "visibility"],
        "{row}.cohort_id",
    ),
    "attendances": (
        ["meeting_id", "user_id", "present"],
        "(SELECT cohort_id FROM meetings WHERE id = {row}.meeting_id)",
    ),
    "meetings": (["cohort_id", "starts_at"], "{row}.cohort_id"),
    "memberships": (["cohort_id", "user_id", "role"], "{row}.cohort_id"),
    "self_assessments": (
        ["cohort_id", "participant_id", "submitted_at", "status", "shared_with_tutors"],
        "{row}.cohort_id",
    ),
    "challenges": (["cohort_id", "owner_id", "created_at", "updated_at"], "{row}.cohort_id"),
    "challenge_updates": (
        ["challenge_id", "author_id", "created_at", "outcome_at"],
        "(SELECT cohort_id FROM challenges WHERE id = {row}.challenge_id)",
    ),
    # A set made or deleted: its stamp changes too (sets are not deleted in the app).
    "cohorts": ([], "{row}.id"),
}
# 2^53: PostgreSQL's random() has 53 bits.
SQLITE_STAMP = "random()"
POSTGRESQL_STAMP = "floor(random() * 9007199254740992)::bigint"


def _sqlite_bump(cohort: str) -> str:
    # INSERT ... SELECT with a WHERE (a row of no set changes no stamp); the WHERE also keeps
    # SQLite from reading ON CONFLICT as part of a join.
    return (
        f"INSERT INTO engagement_stamps (cohort_id, stamp) SELECT {cohort}, {SQLITE_STAMP} "
        f"WHERE {cohort} IS NOT NULL "
        "ON CONFLICT (cohort_id) DO UPDATE SET stamp = excluded.stamp;"
    )


def _sqlite_triggers(table: str, columns: list[str], cohort: str) -> list[str]:
    events = [("insert", "INSERT", ["NEW"]), ("delete", "DELETE", ["OLD"])]
    if columns:
        events.append(("update", f"UPDATE OF {', '.join(columns)}", ["OLD", "NEW"]))
    return [
        f"CREATE TRIGGER engagement_{table}_{name} AFTER {event} ON {table} FOR EACH ROW BEGIN "
        + " ".join(_sqlite_bump(cohort.format(row=row)) for row in rows)
        + " END"
        for name, event, rows in events
    ]


def _postgresql_trigger(table: str, columns: list[str], cohort: str) -> list[str]:
    events = "INSERT OR DELETE" + (f" OR UPDATE OF {', '.join(columns)}" if columns else "")
    return [
        f"""CREATE FUNCTION engagement_{table}_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                PERFORM engagement_bump({cohort.format(row="OLD")});
            END IF;
            IF TG_OP <> 'DELETE' THEN
                PERFORM engagement_bump({cohort.format(row="NEW")});
            END IF;
            RETURN NULL;
        END $$""",
        f"CREATE TRIGGER engagement_changed AFTER {events} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION engagement_{table}_changed()",
    ]


def upgrade() -> None:
    op.create_table(
        "engagement_stamps",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("stamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("cohort_id", name=op.f("pk_engagement_stamps")),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    stamp = POSTGRESQL_STAMP if postgresql else SQLITE_STAMP
    op.execute(f"INSERT INTO engagement_stamps (cohort_id, stamp) SELECT id, {stamp} FROM cohorts")
    if postgresql:
        op.execute(
            f"""CREATE FUNCTION engagement_bump(cohort integer) RETURNS void LANGUAGE sql AS $$
            INSERT INTO engagement_stamps (cohort_id, stamp)
            SELECT cohort, {POSTGRESQL_STAMP} WHERE cohort IS NOT NULL
            ON CONFLICT (cohort_id) DO UPDATE SET stamp = excluded.stamp
            $$"""
        )
    for table, (columns, cohort) in COUNTED.items():
        made = (_postgresql_trigger if postgresql else _sqlite_triggers)(table, columns, cohort)
        for statement in made:
            op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table, (columns, _cohort) in COUNTED.items():
        if postgresql:
            op.execute(f"DROP TRIGGER engagement_changed ON {table}")
            op.execute(f"DROP FUNCTION engagement_{table}_changed()")
        else:
            names = ["insert", "delete"] + (["update"] if columns else [])
            for name in names:
                op.execute(f"DROP TRIGGER engagement_{table}_{name}")
    if postgresql:
        op.execute("DROP FUNCTION engagement_bump(integer)")
    op.drop_table("engagement_stamps")
