"""Secrets stay out of the logs: a filter that blanks the tokens of reset, invitation and
calendar links wherever a log line holds them (the app's own lines, werkzeug's and gunicorn's
access lines with their request line and Referer, tracebacks naming the URL)."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterable

from flask import Flask

REDACTED = "[redacted]"


class OncePerMinute:
    """Say a repeated problem once a minute per cause, in this process, rather than once a
    request: `due(cause)` is None while the cause was said less than a minute ago (and counts
    it), else how many went unsaid since."""

    def __init__(self, seconds: float = 60.0) -> None:
        self.seconds = seconds
        self.lock = threading.Lock()
        self.said_at: dict[str, float] = {}
        self.unsaid: dict[str, int] = {}

    def due(self, cause: str) -> int | None:
        now = time.monotonic()
        with self.lock:
            last = self.said_at.get(cause)
            if last is not None and now - last < self.seconds:
                self.unsaid[cause] = self.unsaid.get(cause, 0) + 1
                return None
            self.said_at[cause] = now
            return self.unsaid.pop(cause, 0)


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
