"""Password redaction. Every DSN that is printed, logged or written to a report passes here.

Two nets: a pattern for anything shaped like a DSN password (URL `user:pw@` or `password=pw`),
and the exact secret values this process has been given (`remember()`), in every spelling they
can take in text — raw, URL-encoded, and as Python/JSON would escape them — so a password that
escaped its DSN (an error message, a repr, a traceback) is caught as well.

A URL password is masked up to the *last* `@` of its token: users paste passwords that are not
URL-encoded (`postgresql://u:p@ss:w/rd@host/db`), and masking only up to the first `@` printed
the rest. A key=value password may be quoted with escaped quotes inside (libpq's rules).
"""

import json
import re
from urllib.parse import quote, unquote

_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:@/\s]*):(?P<pw>[^\s\"'<>`]*)@", re.I)
_LENIENT_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^:@/\s]*:(?P<pw>.*)@[^@]*$", re.I | re.S)
_KV_PASSWORD = re.compile(r"(?P<key>\bpassword\s*=\s*)(?P<pw>'(?:[^'\\]|\\.)*'?|\S+)", re.I)
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
    """Remember the password of a DSN, URL or key=value: as libpq reads it, and, for a URL, as
    everything between `user:` and the last `@` (a password the user did not URL-encode)."""
    if not dsn:
        return
    from psycopg.conninfo import conninfo_to_dict

    try:
        remember(conninfo_to_dict(dsn).get("password"))
    except Exception:  # noqa: BLE001 - an unparsable DSN is reported elsewhere; the pattern still masks it
        pass
    found = _LENIENT_URL.match(dsn.strip())  # up to the last @, spaces too: libpq's errors quote what it cannot parse
    if found and found["pw"]:
        remember(found["pw"])
        remember(unquote(found["pw"]))


def url_password(dsn: str) -> str | None:
    """The password of a URL DSN as the user wrote it: between `user:` and the last `@`."""
    found = _URL_PASSWORD.search(dsn)
    return found["pw"] if found else None


def redact_dsn(text: str) -> str:
    """Replace the password of any URL-style or key=value DSN inside `text` (and any remembered
    secret) with `***`."""
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _URL_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:{MASK}@", text)
    return _KV_PASSWORD.sub(lambda m: f"{m['key']}{MASK}", text)
