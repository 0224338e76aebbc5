"""The schema exists only through migrations, and the migrations match the models."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from learnset import migrate
from learnset.models import Base
from learnset.tokens import hash_token


def test_models_and_migrations_agree(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_migrations_have_a_single_head():
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


def test_every_table_comes_from_a_migration(engine):
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert tables == set(Base.metadata.tables)


def test_downgrade_to_nothing_and_back(empty_database_url):
    """Upgrade to head, downgrade to base, upgrade again: on the run's engine, so on SQLite and
    on PostgreSQL (issue 15, item 4). Every revision's downgrade undoes its upgrade."""
    config = migrate.alembic_config(empty_database_url)
    engine = create_engine(empty_database_url)
    try:
        command.upgrade(config, "head")
        command.downgrade(config, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        command.upgrade(config, "head")
        tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert tables == set(Base.metadata.tables)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_colleagues_still_waiting_get_their_address_digest(empty_database_url):
    """Revision 9d3f6b1e2a47 gives each colleague still waiting the digest their round keeps,
    made as the app makes it; one who has answered has no address left to make one from."""
    config = migrate.alembic_config(empty_database_url)
    engine = create_engine(empty_database_url)
    try:
        command.upgrade(config, "56a521c43f6b")
        with engine.begin() as connection:
            rows = [
                "INSERT INTO users (id, email, name, job_title, organisation, password_hash, "
                "is_active, is_admin, created_at) VALUES (1, 'pat@example.org', 'Pat', '', '', "
                "'', true, false, '2026-01-01')",
                "INSERT INTO cohorts (id, name, description, status, created_at) "
                "VALUES (1, 'Riverside', '', 'running', '2026-01-01')",
                "INSERT INTO feedback_rounds (id, participant_id, cohort_id, note, "
                "capability_ids, created_at, closes_at, shared_with_tutors, in_appraisal) "
                "VALUES (7, 1, 1, '', '[]', '2026-01-01', '2026-02-01', false, true)",
                "INSERT INTO feedback_raters (id, round_id, email, relationship, invited_at) "
                "VALUES (1, 7, 'gp@example.nhs.uk', 'peer', '2026-01-01'), "
                "(2, 7, NULL, 'peer', '2026-01-01')",
            ]
            for statement in rows:
                connection.execute(text(statement))
        command.upgrade(config, "9d3f6b1e2a47")
        with engine.connect() as connection:
            found = connection.execute(text("SELECT id, email_digest FROM feedback_raters"))
            digests = dict(found.all())
        assert digests == {1: hash_token("7 gp@example.nhs.uk"), 2: None}
    finally:
        engine.dispose()
