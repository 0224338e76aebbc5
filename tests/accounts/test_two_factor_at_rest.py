"""Authenticator apps' secrets are kept encrypted (issue 16, item 2): a copy of the database
alone cannot make codes. The key is TWO_FACTOR_KEY, which production settings require."""

from __future__ import annotations

import pyotp
import pytest
from alembic import command
from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy import create_engine, text

from learnset import checks, config, encryption, migrate
from learnset.accounts.models import TwoFactor, User
from learnset.db import utcnow
from tests.accounts.two_factor_helpers import code_for, give_app
from tests.helpers import sign_in, signed_in, submit

BEFORE = "659254f231b7"
KEY = "EK3EUZLmZ1MoMeSTC2PWJGnThD_Fr3upf1fhMgDTvag="


def _stored(db, user: User) -> str:
    return db.execute(
        text("SELECT secret FROM two_factor_apps WHERE user_id = :id"), {"id": user.id}
    ).scalar_one()


def test_the_secret_is_stored_encrypted_and_still_signs_in(app, client, db, people):
    secret, _codes = give_app(db, people.participant)
    stored = _stored(db, people.participant)
    assert secret not in stored
    box = encryption.box(encryption.keys_from(app.config))
    assert box.decrypt(stored.encode()).decode() == secret
    assert db.get(TwoFactor, people.participant.id).secret == secret
    sign_in(client, people.participant)
    assert submit(client, "/sign-in/code", {"code": code_for(secret)}).status_code == 302
    assert signed_in(client)


def test_without_the_setting_a_key_is_derived_from_the_secret_key():
    derived = encryption.keys_from({"SECRET_KEY": "one", "TWO_FACTOR_KEY": ""})
    assert derived == encryption.keys_from({"SECRET_KEY": "one"})
    assert derived != encryption.keys_from({"SECRET_KEY": "two"})
    Fernet(derived.encode())
    assert encryption.keys_from({"SECRET_KEY": "one", "TWO_FACTOR_KEY": KEY}) == KEY


def test_a_new_key_reads_secrets_kept_with_the_old_one():
    old, new = Fernet.generate_key().decode(), KEY
    kept = encryption.box(old).encrypt(b"JBSWY3DPEHPK3PXP")
    assert encryption.box(f"{new}, {old}").decrypt(kept) == b"JBSWY3DPEHPK3PXP"
    rotated = encryption.box(f"{new},{old}").rotate(kept)
    assert encryption.box(new).decrypt(rotated) == b"JBSWY3DPEHPK3PXP"


@pytest.mark.parametrize(
    ("key", "said"),
    [("", "set TWO_FACTOR_KEY"), ("not-a-key", "make TWO_FACTOR_KEY one or more Fernet keys")],
)
def test_production_needs_a_working_key(key, said):
    settings = {
        "PRODUCTION": True,
        "SECRET_KEY": "k" * 40,
        "MAIL_SERVER": "smtp.nhs.example",
        "TWO_FACTOR_KEY": key,
    }
    [problem] = config.unsafe_for_production(settings)
    assert problem.startswith(said)
    assert config.unsafe_for_production({**settings, "TWO_FACTOR_KEY": KEY}) == []
    assert config.unsafe_for_production({**settings, "TWO_FACTOR_KEY": f"{KEY},{KEY}"}) == []


def test_flask_check_reports_a_missing_key_in_production():

    production = {
        "PRODUCTION": True,
        "SECRET_KEY": "k" * 40,
        "MAIL_SERVER": "smtp.nhs.example",
        "BASE_URL": "https://learnset.nhs.example",
        "MAIL_PORT": 587,
    }
    finding = checks.settings(production)
    assert finding.line == "Settings: production, unsafe."
    assert finding.problem is not None and finding.problem.startswith("set TWO_FACTOR_KEY")
    assert checks.settings({**production, "TWO_FACTOR_KEY": KEY}).problem is None


def test_the_migration_encrypts_existing_secrets_and_its_downgrade_decrypts(empty_database_url):
    secret = pyotp.random_base32()
    engine = create_engine(empty_database_url)
    app = Flask(__name__)
    app.config.update(SECRET_KEY="x", TWO_FACTOR_KEY=KEY)
    try:
        migrate.upgrade(empty_database_url, BEFORE)
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (email, name, job_title, organisation, password_hash, "
                    "is_active, is_admin, created_at) VALUES ('a@nhs.net', 'A', '', '', 'x', "
                    ":yes, :no, :now)"
                ),
                {"yes": True, "no": False, "now": utcnow()},
            )
            connection.execute(
                text(
                    "INSERT INTO two_factor_apps (user_id, secret, set_up_at, last_used_step) "
                    "SELECT id, :secret, :now, 0 FROM users"
                ),
                {"secret": secret, "now": utcnow()},
            )
        read = text("SELECT secret FROM two_factor_apps")
        with app.app_context():
            migrate.upgrade(empty_database_url)
            with engine.connect() as connection:
                stored = connection.execute(read).scalar_one()
            assert stored != secret
            assert encryption.box(KEY).decrypt(stored.encode()).decode() == secret
            command.downgrade(migrate.alembic_config(empty_database_url), BEFORE)
        with engine.connect() as connection:
            assert connection.execute(read).scalar_one() == secret
    finally:
        engine.dispose()
