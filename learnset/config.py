"""Settings from the environment, with safe defaults for a laptop."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

# The checkout: templates/, content/, migrations/ and the default instance/ folder.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# An installed wheel carries those three folders inside the package (setup.py puts them there).
INSTALLED_DATA = Path(__file__).resolve().parent / "_data"


def data_dir(name: str) -> Path:
    """templates/, migrations/ or content/: the installed package's copy, else the checkout's."""
    installed = INSTALLED_DATA / name
    return installed if installed.is_dir() else PROJECT_ROOT / name


def default_instance_path() -> Path:
    """instance/ in the checkout; an installed copy has no checkout, so ./instance."""
    return Path.cwd() / "instance" if INSTALLED_DATA.is_dir() else PROJECT_ROOT / "instance"


TRUE_WORDS = {"1", "true", "yes", "on"}


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in TRUE_WORDS


def _secret_key(instance_path: Path) -> str:
    """Use SECRET_KEY if set; otherwise generate one once into instance/ and reuse it."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Created with owner-only permissions so other local users cannot sign cookies.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def is_production(config: Mapping[str, Any]) -> bool:
    """Production settings are on: said so explicitly, or implied by an https:// BASE_URL."""
    return bool(config.get("PRODUCTION")) or str(config.get("BASE_URL", "")).startswith("https://")


class UnsafeSettings(SystemExit):
    """Production settings with a laptop default left in: the app stops before it starts, with
    one line saying every setting to mend (a SystemExit, so no traceback buries it)."""


def _fernet_keys(keys: str) -> bool:
    """Whether every comma-separated part is a Fernet key (learnset/encryption.py uses them)."""
    parts = [part.strip() for part in keys.split(",") if part.strip()]
    try:
        for part in parts:
            Fernet(part.encode())
    except ValueError:
        return False
    return bool(parts)


def unsafe_for_production(config: Mapping[str, Any]) -> list[str]:
    """What production settings refuse: each a laptop default that would be unsafe with real
    people's data. Empty when production settings are off."""
    if not is_production(config):
        return []
    problems = []
    if not config.get("SECRET_KEY"):
        problems.append(
            "set SECRET_KEY (a long random value, the same on every server; production never "
            "generates one per machine)"
        )
    if not config.get("MAIL_SERVER"):
        problems.append("set MAIL_SERVER (without it email is only written to the outbox folder)")
    issuer = str(config.get("SSO_ISSUER", ""))
    if issuer and not issuer.startswith("https://"):
        problems.append("make SSO_ISSUER an https:// address")
    if issuer and not (config.get("SSO_CLIENT_ID") and config.get("SSO_CLIENT_SECRET")):
        problems.append("set SSO_CLIENT_ID and SSO_CLIENT_SECRET (single sign-on is on)")
    if not config.get("TWO_FACTOR_KEY"):
        problems.append(
            "set TWO_FACTOR_KEY (a Fernet key, the same on every server: it encrypts "
            "authenticator apps' secrets; docs/deploy.md says how to make one)"
        )
    elif not _fernet_keys(str(config["TWO_FACTOR_KEY"])):
        problems.append(
            "make TWO_FACTOR_KEY one or more Fernet keys (32 url-safe base64 bytes each), "
            "separated by commas"
        )
    if config.get("DEBUG"):
        problems.append("turn debug off (FLASK_DEBUG): the debugger runs code for anyone")
    if not config.get("TWO_FACTOR_REQUIRED", True):
        problems.append(
            "turn TWO_FACTOR_REQUIRED back on: tutors and admins must use two-factor authentication"
        )
    return problems


def refuse_unsafe_production(config: Mapping[str, Any]) -> None:
    """Stop with one line when production settings are on and a setting is unsafe."""
    problems = unsafe_for_production(config)
    if problems:
        raise UnsafeSettings(
            "Learnset will not start with production settings on: " + "; ".join(problems) + "."
        )


def from_environment(instance_path: Path, need_secret: bool = True) -> dict[str, Any]:
    """Read every setting the app knows from environment variables."""
    base_url = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    secure = base_url.startswith("https://")
    production = _flag("LEARNSET_PRODUCTION") or _flag("PRODUCTION") or secure
    # Production takes its key from the environment or refuses to start: a key generated on
    # each machine would sign out everyone routed to another server.
    generate_secret = need_secret and not production
    return {
        # A real service with real people's data: demo data and laptop shortcuts refuse to run.
        "PRODUCTION": production,
        "SECRET_KEY": _secret_key(instance_path)
        if generate_secret
        else os.environ.get("SECRET_KEY", ""),
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance_path / 'learnset.db'}"
        ),
        # A request that cannot reach the database is run again for up to this long (a
        # restart or failover of a second or two goes unnoticed); 0 turns that off.
        "DB_RETRY_SECONDS": float(os.environ.get("DB_RETRY_SECONDS", "5")),
        # PostgreSQL only: off for a pooler that cannot keep prepared statements (docs/deploy.md).
        "DATABASE_PREPARED_STATEMENTS": _flag("DATABASE_PREPARED_STATEMENTS", True),
        # SQLite only: the most pages (4 KB each) the database may grow to; 0 for no limit. The
        # fault tests fill the database with it, as a full disk would.
        "SQLITE_MAX_PAGE_COUNT": int(os.environ.get("SQLITE_MAX_PAGE_COUNT", "0")),
        # `flask check` warns when less than this is free where the database or instance is.
        "MIN_FREE_MB": int(os.environ.get("MIN_FREE_MB", "500")),
        # "json" (one object a line, with a request id) or "text"; unset, json with production
        # settings on (create_app decides, once every override is in).
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "").strip().lower(),
        "BASE_URL": base_url,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS", True),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Learnset <no-reply@learnset.invalid>"),
        "MAIL_OUTBOX": os.environ.get("MAIL_OUTBOX", str(instance_path / "outbox")),
        "MAIL_TIMEOUT": float(os.environ.get("MAIL_TIMEOUT", "20")),
        # The queue: `flask mail send` tries each email up to this many times, waiting the
        # first delay after a failure and doubling it each time, up to the longest delay.
        "MAIL_MAX_ATTEMPTS": int(os.environ.get("MAIL_MAX_ATTEMPTS", "10")),
        "MAIL_RETRY_SECONDS": int(os.environ.get("MAIL_RETRY_SECONDS", "60")),
        "MAIL_RETRY_MAX_SECONDS": int(os.environ.get("MAIL_RETRY_MAX_SECONDS", str(6 * 3600))),
        # `flask check` fails when an email has waited longer than this to go.
        "MAIL_QUEUE_MAX_AGE_MINUTES": int(os.environ.get("MAIL_QUEUE_MAX_AGE_MINUTES", "15")),
        # Without MAIL_SERVER (the outbox folder), deliver the queue just after each response
        # that queued mail, so a laptop needs no cron. Ignored when MAIL_SERVER is set.
        "MAIL_DELIVER_AFTER_RESPONSE": _flag("MAIL_DELIVER_AFTER_RESPONSE", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        # Failed sign-ins, counted in the database: per address typed and IP address, per IP.
        "SIGN_IN_MAX_FAILURES": int(os.environ.get("SIGN_IN_MAX_FAILURES", "10")),
        "SIGN_IN_MAX_FAILURES_PER_IP": int(os.environ.get("SIGN_IN_MAX_FAILURES_PER_IP", "50")),
        "SIGN_IN_FAILURE_WINDOW_MINUTES": int(
            os.environ.get("SIGN_IN_FAILURE_WINDOW_MINUTES", "15")
        ),
        # Two-factor authentication: tutors and admins must set it up at sign-in (production
        # refuses to start with this off); wrong codes from one client before checking pauses;
        # code pages posted from one IP address (Flask-Limiter, RATELIMIT_STORAGE_URI).
        "TWO_FACTOR_REQUIRED": _flag("TWO_FACTOR_REQUIRED", True),
        "TWO_FACTOR_MAX_FAILURES": int(os.environ.get("TWO_FACTOR_MAX_FAILURES", "5")),
        "TWO_FACTOR_LIMIT_PER_IP": os.environ.get("TWO_FACTOR_LIMIT_PER_IP", "60 per hour"),
        # Sign-in sessions end after this long unused, and this long after signing in, whatever.
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", "30")),
        "SESSION_LIFETIME_HOURS": int(os.environ.get("SESSION_LIFETIME_HOURS", "12")),
        "EMAIL_LIMIT_PER_IP": os.environ.get("EMAIL_LIMIT_PER_IP", "10 per hour"),
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        # Files attached as evidence: the largest file, how many beside one reflection or one
        # challenge update, and everything one person may keep, in bytes; uploads one person
        # may send (Flask-Limiter).
        "FILE_MAX_BYTES": int(os.environ.get("FILE_MAX_BYTES", str(10 * 1024 * 1024))),
        "FILES_PER_REFLECTION": int(os.environ.get("FILES_PER_REFLECTION", "20")),
        "FILES_PER_UPDATE": int(os.environ.get("FILES_PER_UPDATE", "10")),
        "FILES_QUOTA_BYTES": int(os.environ.get("FILES_QUOTA_BYTES", str(250 * 1024 * 1024))),
        "FILE_UPLOAD_LIMIT": os.environ.get("FILE_UPLOAD_LIMIT", "60 per hour"),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", str(2 * 1024 * 1024))),
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        "PASSWORD_RESET_MAX_AGE": int(os.environ.get("PASSWORD_RESET_MAX_AGE", "3600")),
        "INVITATION_DAYS": int(os.environ.get("INVITATION_DAYS", "14")),
        # How many days after a session ends its participants may answer (or change) its feedback
        # questions; its tutors see the answers once this has passed.
        "SESSION_FEEDBACK_DAYS": int(os.environ.get("SESSION_FEEDBACK_DAYS", "14")),
        # Single sign-on over OpenID Connect (docs/deploy.md): off while SSO_ISSUER is empty.
        # The issuer's discovery document is read from <issuer>/.well-known/openid-configuration.
        "SSO_ISSUER": os.environ.get("SSO_ISSUER", "").strip().rstrip("/"),
        "SSO_CLIENT_ID": os.environ.get("SSO_CLIENT_ID", ""),
        "SSO_CLIENT_SECRET": os.environ.get("SSO_CLIENT_SECRET", ""),
        "SSO_BUTTON_LABEL": os.environ.get("SSO_BUTTON_LABEL", "Sign in with NHSmail"),
        # Email domains single sign-on may sign in (empty: any); domains whose addresses may
        # not sign in by password at all. Comma-separated, such as "nhs.net".
        "SSO_ALLOWED_DOMAINS": os.environ.get("SSO_ALLOWED_DOMAINS", ""),
        "SSO_REQUIRED_DOMAINS": os.environ.get("SSO_REQUIRED_DOMAINS", ""),
        # Encrypts authenticator apps' secrets at rest (learnset/encryption.py); unset on a
        # laptop, a key is derived from SECRET_KEY. Production settings require it.
        "TWO_FACTOR_KEY": os.environ.get("TWO_FACTOR_KEY", ""),
        # How long Learnset waits for the provider (discovery, its keys, the token) before
        # telling the person single sign-on is not available just now.
        "SSO_TIMEOUT_SECONDS": float(os.environ.get("SSO_TIMEOUT_SECONDS", "10")),
        # How long a link to confirm a new email address works, in seconds.
        "EMAIL_CHANGE_MAX_AGE": int(os.environ.get("EMAIL_CHANGE_MAX_AGE", str(24 * 3600))),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "PREFERRED_URL_SCHEME": "https" if secure else "http",
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "CONTENT_DIR": os.environ.get("CONTENT_DIR", str(data_dir("content"))),
        # Admins edit the library and the framework's words in the app; with this on, so do
        # tutors (of any learning set).
        "TUTORS_EDIT_CONTENT": _flag("TUTORS_EDIT_CONTENT"),
        # The audit log (sign-ins, role changes, downloads of personal data) is kept this long.
        "AUDIT_RETENTION_DAYS": int(os.environ.get("AUDIT_RETENTION_DAYS", "730")),
        # NHS service conventions: the phase banner ("" for none) and where its feedback link
        # goes ("" for Learnset's own feedback page), and how often one client may send feedback.
        "PHASE": os.environ.get("PHASE", "Beta"),
        "FEEDBACK_URL": os.environ.get("FEEDBACK_URL", ""),
        "FEEDBACK_LIMIT_PER_IP": os.environ.get("FEEDBACK_LIMIT_PER_IP", "10 per hour"),
        # Certificates of attendance and CPD: the programme they name, who signs them, and how
        # often one client may look a certificate up on the public verification page.
        "PROGRAMME_NAME": os.environ.get("PROGRAMME_NAME", "Unlocking Commissioning"),
        "CERTIFICATE_SIGNATORY_NAME": os.environ.get("CERTIFICATE_SIGNATORY_NAME", ""),
        "CERTIFICATE_SIGNATORY_ROLE": os.environ.get(
            "CERTIFICATE_SIGNATORY_ROLE", "Programme lead"
        ),
        "CERTIFICATE_VERIFY_LIMIT_PER_IP": os.environ.get(
            "CERTIFICATE_VERIFY_LIMIT_PER_IP", "30 per hour"
        ),
        # How often one client may open or post to a colleague's feedback link (no sign-in).
        "RATER_LIMIT_PER_IP": os.environ.get("RATER_LIMIT_PER_IP", "120 per hour"),
        # Information governance: who the privacy notice and accessibility statement name. Set
        # them to the organisation running the service (docs/information-governance.md).
        "DATA_CONTROLLER": os.environ.get("DATA_CONTROLLER", ""),
        "DPO_CONTACT": os.environ.get("DPO_CONTACT", ""),
        "LAWFUL_BASIS": os.environ.get("LAWFUL_BASIS", ""),
        "ACCESSIBILITY_CONTACT": os.environ.get("ACCESSIBILITY_CONTACT", ""),
        # When the accessibility statement was prepared and the service last tested by people
        # (automated checks run on every release); dates as text, such as "2 December 2026".
        "ACCESSIBILITY_PREPARED": os.environ.get("ACCESSIBILITY_PREPARED", "2 December 2026"),
        "ACCESSIBILITY_LAST_TESTED": os.environ.get("ACCESSIBILITY_LAST_TESTED", ""),
    }
