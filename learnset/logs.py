"""The logs: secrets kept out, and one JSON object a line for an operator's log store.

A filter blanks the tokens of reset, invitation and calendar links wherever a log line holds
them (the app's own lines, werkzeug's and gunicorn's access lines with their request line and
Referer, tracebacks naming the URL). With LOG_FORMAT=json (the default with production settings)
every line is a JSON object carrying the request's id, which the response also gives back as
X-Request-Id; each request is logged once by its route's rule (`/reflections/<id:...>`), never
by its path, query or body, so no address, token or text typed reaches the log."""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import sys
import threading
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, Response, g, has_request_context, request

REDACTED = "[redacted]"


class OncePerMinute:
    """Say a repeated problem once a minute per cause, rather than once a request: `due(cause)`
    is None while the cause was said less than a minute ago (and counts it), else how many went
    unsaid since.

    Given a folder with `share_through`, the processes using it (gunicorn's workers) count
    together, in one small file per cause under a lock: its time is when the cause was last
    said, and it holds how many went unsaid since. Should the folder fail (a full disk cannot
    take a new file), each process counts alone."""

    def __init__(self, seconds: float = 60.0) -> None:
        self.seconds = seconds
        self.lock = threading.Lock()
        self.said_at: dict[str, float] = {}
        self.unsaid: dict[str, int] = {}
        self.folder: Path | None = None

    def share_through(self, folder: Path) -> None:
        self.folder = folder

    def due(self, cause: str) -> int | None:
        with self.lock:
            if self.folder is not None:
                try:
                    return self._due_shared(self.folder, cause)
                except OSError:
                    pass
            now = time.monotonic()
            last = self.said_at.get(cause)
            if last is not None and now - last < self.seconds:
                self.unsaid[cause] = self.unsaid.get(cause, 0) + 1
                return None
            self.said_at[cause] = now
            return self.unsaid.pop(cause, 0)

    def _due_shared(self, folder: Path, cause: str) -> int | None:
        path = folder / (re.sub(r"[^a-z0-9]+", "-", cause.lower()) + ".said")
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError), path.open("x") as new:
                # Never said: a time long past, and a count with its room taken up front, so
                # that counting later rewrites bytes already on disk (a full disk allows that).
                new.write("0".ljust(_COUNT_WIDTH))
                new.flush()
                os.utime(new.fileno(), (0, 0))
        with path.open("r+") as shared:
            fcntl.flock(shared, fcntl.LOCK_EX)
            unsaid = int(shared.read(_COUNT_WIDTH).strip() or 0)
            said = os.fstat(shared.fileno())
            if time.time() - said.st_mtime < self.seconds:
                os.pwrite(shared.fileno(), str(unsaid + 1).ljust(_COUNT_WIDTH).encode(), 0)
                # Counting is not saying: the file keeps the time it was last said.
                os.utime(shared.fileno(), ns=(said.st_atime_ns, said.st_mtime_ns))
                return None
            os.pwrite(shared.fileno(), "0".ljust(_COUNT_WIDTH).encode(), 0)
            os.utime(shared.fileno())
            return unsaid


_COUNT_WIDTH = 20


# Query parameters that carry a secret, whatever the route.
_SECRET_PARAMETERS = re.compile(
    r"(?P<name>[?&;](?:[\w.-]*token[\w.-]*|key|secret|signature)=)[^&;#\s\"']+",
    re.IGNORECASE,
)
# Loggers that write request lines: the app's, the development server's and gunicorn's.
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def token_path_patterns(rules: Iterable[str], argument: str = "token") -> list[re.Pattern[str]]:
    """A pattern for each URL rule with a `<token>` part, capturing the token (a route such as
    `/join/<token>` or `/calendar/<token>.ics`)."""
    patterns = []
    for rule in rules:
        pieces = re.split(r"(<[^>]+>)", rule)
        if not any(piece.strip("<>").split(":")[-1] == argument for piece in pieces):
            continue
        regex = ""
        for piece in pieces:
            if piece.startswith("<"):
                name = piece.strip("<>").split(":")[-1]
                # A percent-encoded or lookalike token is still a token: take up to the next
                # separator, as a server splitting the path would.
                part = r"[^/?#\s\"']+?" if name == argument else r"[^/?#\s\"']+"
                regex += f"(?P<token>{part})" if name == argument else part
            else:
                regex += re.escape(piece)
        # The token runs to the end of the path, or to what follows it in the rule.
        patterns.append(re.compile(regex + r"(?=$|[/?#\s\"'])"))
    return patterns


class TokenFilter(logging.Filter):
    """Rewrites a record's message with every token path segment and secret query parameter
    replaced by [redacted]. It never drops a record."""

    def __init__(self, patterns: Iterable[re.Pattern[str]]) -> None:
        super().__init__("learnset.tokens")
        self.patterns = list(patterns)

    def redact(self, text: str) -> str:
        for pattern in self.patterns:
            text = pattern.sub(_blank_token, text)
        return _SECRET_PARAMETERS.sub(lambda match: match.group("name") + REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not ours to fix; leave the record alone
            return True
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            # Tracebacks are formatted later by the handler: format now, then redact.
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


def _blank_token(match: re.Match[str]) -> str:
    start, end = match.span("token")
    whole = match.group(0)
    offset = match.start()
    return whole[: start - offset] + REDACTED + whole[end - offset :]


def _add_once(target: logging.Logger | logging.Handler, log_filter: TokenFilter) -> None:
    for existing in list(target.filters):
        if isinstance(existing, TokenFilter):
            target.removeFilter(existing)
    target.addFilter(log_filter)


def install(app: Flask) -> TokenFilter:
    """Put the filter on the app's logger, the access loggers and every handler they and the
    root logger have, so a record is redacted whichever way it travels."""
    log_filter = TokenFilter(token_path_patterns(rule.rule for rule in app.url_map.iter_rules()))
    loggers = [app.logger, *(logging.getLogger(name) for name in ACCESS_LOGGERS)]
    for logger in [*loggers, logging.getLogger()]:
        if logger is not logging.getLogger():
            _add_once(logger, log_filter)
        for handler in logger.handlers:
            _add_once(handler, log_filter)
    return log_filter


# --- JSON lines with a request id -------------------------------------------------------------

REQUEST_ID_HEADER = "X-Request-Id"
# An id a proxy in front gives us (nginx's $request_id, a load balancer's) is kept, so the two
# logs join up; anything else is replaced by our own.
_GOOD_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# What a request's line carries beyond the message: said by name, so nothing else slips in.
REQUEST_FIELDS = ("method", "route", "status", "duration_ms")


def request_id() -> str | None:
    """The current request's id, or None outside a request."""
    if not has_request_context():
        return None
    identifier: str | None = g.get("request_id")
    return identifier


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, the request's id, a request
    line's fields, and a traceback when there is one (already redacted by TokenFilter)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        identifier = getattr(record, "request_id", None) or request_id()
        if identifier:
            entry["request_id"] = identifier
        for name in REQUEST_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["traceback"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


class JsonHandler(logging.StreamHandler):  # type: ignore[type-arg]  # the stream's type
    """The one handler JSON lines go through: standard error as it is when each line is written
    (where gunicorn and systemd's journal expect them)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)
        self.setFormatter(JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def use_json_lines(app: Flask) -> None:
    """Send the app's and every library's log records as JSON lines to standard error: one
    handler on the root logger (made once per process), replacing Flask's own."""
    from flask.logging import default_handler

    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, JsonHandler):
            root.removeHandler(handler)
    root.addHandler(JsonHandler())
    app.logger.removeHandler(default_handler)
    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)


def _start(trust_incoming: bool) -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "") if trust_incoming else ""
    if "request_id" not in g:
        good = _GOOD_REQUEST_ID.fullmatch(incoming)
        g.request_id = incoming if good else uuid.uuid4().hex
        g.request_started = time.perf_counter()


def install_request_ids(app: Flask, log_requests: bool) -> None:
    """Give every request an id (X-Request-Id on the response) and, with log_requests, one log
    line when it is answered: method, route rule, status and time taken; never the path."""
    trust_incoming = bool(app.config.get("TRUSTED_PROXIES"))
    request_log = logging.getLogger(f"{app.import_name}.request")

    def start() -> None:
        _start(trust_incoming)

    def finish(response: Response) -> Response:
        identifier = request_id()
        if identifier is None:  # a request that failed before any hook ran
            _start(trust_incoming)
            identifier = request_id()
        response.headers[REQUEST_ID_HEADER] = str(identifier)
        if log_requests:
            rule = request.url_rule.rule if request.url_rule is not None else None
            took = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
            request_log.info(
                "%s %s %s",
                request.method,
                rule or "(no route)",
                response.status_code,
                extra={
                    "method": request.method,
                    "route": rule,
                    "status": response.status_code,
                    "duration_ms": round(took, 1),
                },
            )
        return response

    # First of all hooks, so lines logged while loading the user carry the id too.
    app.before_request_funcs.setdefault(None, []).insert(0, start)
    app.after_request(finish)
