"""The reference handler's rules for every untrusted string: ids, integers, text, signatures,
object names and token claims.

They live on one class because each is a place a probe found a hole (a leading space read as
another id, ``²`` passing ``isdigit()`` then failing ``int()``, a zero-width "reason", a
far-future signature, ``%2e%2e`` as a folder name, ``exp`` as a string): the service holds an
``InputRules`` instance, so each deliberate defect variant (defects.py) overrides exactly one
method and the fuzz suite must notice.  Python's own parsers are lenient on purpose
(``uuid.UUID`` strips braces and ``urn:``, ``int`` reads Arabic-Indic digits), so every rule
here is an ASCII regex first.
"""
from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", re.ASCII)
INT_RE = re.compile(r"[0-9]{1,9}", re.ASCII)
SIGNATURE_KEYS = ("user_id", "role_at_signing", "signature_type", "reason", "signed_at")
#: How far ahead of the server's clock a signature may claim to be signed (clock skew), and how
#: long ago at most (CONTRACT §7).
SIGNATURE_SKEW = timedelta(minutes=5)
SIGNATURE_MAX_AGE = timedelta(hours=24)
#: Unicode categories that draw nothing: separators, controls, format chars (ZWSP, bidi marks).
INVISIBLE = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})
#: Content types served back as themselves; anything else is served as opaque bytes.
INERT_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "application/octet-stream"})
SEGMENT_RE = re.compile(r"[A-Za-z0-9._~@+=,()-]|[A-Za-z0-9._~@+=,()-][A-Za-z0-9._~@+=,() -]*[A-Za-z0-9._~@+=,()-]",
                        re.ASCII)


def storable(value: str) -> bool:
    """PostgreSQL text/jsonb refuse NUL and lone surrogates (a 500 if they got through)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class InputRules:
    """The strict parsers of the reference; ``None`` / ``False`` means "refuse"."""

    def uuid(self, value: Any) -> uuid.UUID | None:
        """Only the canonical 8-4-4-4-12 ASCII hex form (any case) is an id."""
        if isinstance(value, uuid.UUID):
            return value
        if not isinstance(value, str) or not UUID_RE.fullmatch(value):
            return None
        return uuid.UUID(value)

    def ascii_int(self, text: str) -> int | None:
        """A decimal integer written with ASCII digits only (no sign, no spaces)."""
        return int(text) if INT_RE.fullmatch(text) else None

    def blank(self, text: str) -> bool:
        """True when ``text`` shows nothing: only whitespace, controls or format characters."""
        return all(unicodedata.category(ch) in INVISIBLE for ch in text)

    def key_ok(self, key: str) -> bool:
        """A JSON object key the handler may look at and name in an error message."""
        return storable(key) and key.isprintable() and len(key) <= 64

    def signature_keys(self, value: dict) -> bool:
        return set(value) == set(SIGNATURE_KEYS)

    signature_ahead = SIGNATURE_SKEW
    signature_max_age = SIGNATURE_MAX_AGE

    def signed_at(self, text: str, now: datetime | None = None) -> bool:
        """An ISO 8601 time with a UTC offset, at most ``signature_ahead`` ahead of the clock and
        ``signature_max_age`` behind it."""
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            return False
        if when.tzinfo is None or not text.isascii():
            return False
        now = now or datetime.now(UTC)
        return now - self.signature_max_age <= when <= now + self.signature_ahead

    def object_name(self, path: str) -> bool:
        """One canonical spelling per object: non-empty segments of plain ASCII, none ``.`` or
        ``..``, no ``%`` (so ``%252e`` is not a second spelling of ``%2e``), no U+FFFD left by
        an invalid escape."""
        segments = path.split("/")
        return len(path) <= 1024 and all(
            SEGMENT_RE.fullmatch(s) and s not in (".", "..") for s in segments)

    def served_type(self, stored: str | None) -> str:
        """What a stored object is served as: an allow-listed type, else opaque bytes."""
        base = (stored or "").split(";")[0].strip().lower()
        return base if base in INERT_TYPES else "application/octet-stream"

    def served_headers(self) -> dict:
        """Uploaded bytes are data, never a page: no sniffing, always a download."""
        return {"X-Content-Type-Options": "nosniff", "Content-Disposition": "attachment"}

    def numeric_claims(self, claims: dict) -> bool:
        """RFC 7519 NumericDate: ``exp`` (and ``iat``/``nbf`` when present) are JSON numbers."""
        return all(isinstance(claims[k], (int, float)) and not isinstance(claims[k], bool)
                   for k in ("exp", "iat", "nbf") if k in claims)

    def subject(self, claims: dict, sub: uuid.UUID) -> uuid.UUID:
        """Who a verified token names: its ``sub``, whatever else it claims (CONTRACT §11.4)."""
        return sub


STRICT = InputRules()
