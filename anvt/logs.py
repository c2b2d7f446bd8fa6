import json
import logging
import re
import traceback
from datetime import UTC, datetime

SENSITIVE_FIELD = re.compile(r"pass|token|secret|code|key|passport|csrf", re.IGNORECASE)
SENSITIVE_PAIR = re.compile(
    r"(?i)\b(password\d?|passwd|token|secret|api[_-]?key|passport(?:_number)?|code)"
    r"(\s*[=:]\s*|['\"]\s*:\s*['\"])([^\s&'\",;]+)"
)
REDACTED = "[redacted]"
# The signed links that open something without an account (a host's placement, a committee
# member's session): their token is a secret, even in the path of a logged request.
SIGNED_LINK = re.compile(r"(/(?:comite|accueil/\d+|attestation|suivi)/)([^/\s'\"?]+)")


class RedactSecrets(logging.Filter):
    """Keeps passwords, tokens and identity numbers out of the logs.

    The values the request posted in sensitive fields are removed wherever they appear (message,
    arguments, traceback), and `key=value` pairs with a sensitive key are masked.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = _posted_secrets(getattr(record, "request", None))
        message = _redact(record.getMessage(), secrets)
        record.msg, record.args = message, None
        if record.exc_info:
            text = "".join(traceback.format_exception(*record.exc_info))
            record.exc_text = _redact(text, secrets)
            record.exc_info = None
        return True


def _posted_secrets(request) -> list[str]:
    post = getattr(request, "POST", None)
    if not post:
        return []
    values = [
        value
        for key in post
        if SENSITIVE_FIELD.search(key)
        for value in post.getlist(key)
        if len(value) >= 4
    ]
    return sorted(values, key=len, reverse=True)


def _redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    text = SIGNED_LINK.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    return SENSITIVE_PAIR.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, so that log collectors can index fields without parsing text."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_text:
            entry["exception"] = record.exc_text
        elif record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
