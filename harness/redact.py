"""Password redaction. Every DSN that is printed, logged or written to a report passes here.

Two nets: a pattern for anything shaped like a DSN password (URL `user:pw@` or `password=pw`),
and the exact secret values this process has been given (`remember()`), in every spelling they
can take in text — raw, URL-encoded, and as Python/JSON would escape them — so a password that
escaped its DSN (an error message, a repr, a traceback) is caught as well.
"""

import json
import re
from urllib.parse import quote, unquote, urlsplit

_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:@/\s]*):(?P<pw>[^@/\s]*)@", re.I)
_KV_PASSWORD = re.compile(r"(?P<key>\bpassword\s*=\s*)(?P<pw>'[^']*'|\S+)", re.I)
MASK = "***"
_secrets: set[str] = set()


def _spellings(secret: str) -> set[str]:
    return {secret, quote(secret, safe=""), quote(secret), json.dumps(secret)[1:-1], repr(secret)[1:-1],
            secret.encode("unicode_escape").decode("ascii")}


def remember(secret: str | None) -> None:
    """Treat `secret` (a password, a JWT signing key) as text that must never be written out.
    A plain word (e.g. the compose default `postgres`) is only masked where it is a DSN password."""
    if secret and len(secret) >= 6 and not secret.isalpha():  # "postgres" would mask every word postgres
        _secrets.update(s for s in _spellings(secret) if len(s) >= 6)


def remember_dsn(dsn: str | None) -> None:
    """Remember the password of a URL-style DSN (decoded and encoded)."""
    if not dsn or "://" not in dsn:
        return
    try:
        password = urlsplit(dsn).password
    except ValueError:
        return
    if password:
        remember(unquote(password))
        remember(password)


def redact_dsn(text: str) -> str:
    """Replace the password of any URL-style or key=value DSN inside `text` (and any remembered
    secret) with `***`."""
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _URL_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:{MASK}@", text)
    return _KV_PASSWORD.sub(lambda m: f"{m['key']}{MASK}", text)
