"""Secrets stay out of the logs: a filter that blanks the tokens of reset, invitation and
calendar links wherever a log line holds them (the app's own lines, werkzeug's and gunicorn's
access lines with their request line and Referer, tracebacks naming the URL)."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from flask import Flask

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
