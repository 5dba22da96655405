"""Hostile inputs and the contract-side oracles that judge the answers to them.

The strategies reach what a black-box probe reaches: JSON keys, query strings, headers, path
segments and token claims, with the Unicode that breaks lenient parsers (lone surrogates,
non-ASCII digits, fullwidth forms, zero-width and bidi characters, NUL) and the encodings
that give one object several names.  The oracles are written from the contract, not from the
reference: an id is the canonical 8-4-4-4-12 form, an integer is ASCII digits, text must show
something, a signature is exactly the §7 keys signed now, an object has one name, uploads are
served inert, a token's ``exp`` is a number, and no message names an internal object.
"""
from __future__ import annotations

import asyncio
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, unquote, urlsplit

import h11
from hypothesis import strategies as st

#: One of each kind of character lenient code mishandles.
SURROGATES = ("\ud800", "\udfff")
UNICODE_DIGITS = ("²", "①", "１", "９", "٣", "۷", "߀", "४", "𝟠")
INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u2066", "\u00a0", "\u3000",
             "\u180e", "\t", "\x0b")
ODD = ("\x00", "\ufffd", "%", ".", "/", "\\", "{", "}", "'", '"', "é", "😀")
HOSTILE_CHAR = st.one_of(*(st.sampled_from(kind) for kind in (SURROGATES, UNICODE_DIGITS, INVISIBLE, ODD)))
HOSTILE_TEXT = st.text(HOSTILE_CHAR, min_size=1, max_size=12) | st.text(min_size=1, max_size=12)
INVISIBLE_TEXT = st.text(st.sampled_from(INVISIBLE + (" ", "\n")), min_size=1, max_size=6)

UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", re.ASCII)


def canonical_uuid(value) -> bool:
    return isinstance(value, str) and UUID_RE.fullmatch(value) is not None


@st.composite
def uuid_spellings(draw, base: str):
    """Another spelling of ``base`` that lenient parsers read as an id (maybe another one)."""
    kind = draw(st.sampled_from(["braces", "urn", "no_hyphens", "digit", "pad", "space_for_digit", "append", "prepend"]))
    if kind in ("append", "prepend"):   # a valid id with junk before or after it (a prefix-only rule passes it)
        junk = draw(st.sampled_from(["0", "f", "-", "}", " ", "\n", "x", "-0000", "%00"]) | HOSTILE_TEXT)
        return base + junk if kind == "append" else junk + base
    if kind == "braces":
        return "{" + base + "}"
    if kind == "urn":
        return "urn:uuid:" + base
    if kind == "no_hyphens":
        return base.replace("-", "")
    pos = draw(st.sampled_from([i for i, ch in enumerate(base) if ch != "-"]))
    if kind == "digit":   # a hex digit written with a non-ASCII digit of the same value
        return base[:pos] + draw(st.sampled_from(["٠", "٣", "０", "９", "߀", "४"])) + base[pos + 1:]
    if kind == "space_for_digit":
        return base[:pos] + " " + base[pos + 1:] if pos == 0 else " " + base[:pos] + base[pos + 1:]
    return draw(st.sampled_from([" ", "\t", "\u200b", "\x00", "\n"])) + base


def hostile_ids(base: str):
    return uuid_spellings(base) | HOSTILE_TEXT


#: Query values for an integer parameter: unicode digits, signs, spaces, huge, empty.
INT_TEXT = (st.integers(-5, 2000).map(str)
            | st.text(st.sampled_from(UNICODE_DIGITS + ("0", "1", "5", " ", "+", "-", "_", ".")), min_size=1, max_size=4)
            | st.sampled_from(["", "1e2", "0x10", "10" * 10, "٣", "５", "²"]))


def ascii_int(text: str) -> int | None:
    return int(text) if re.fullmatch(r"[0-9]{1,9}", text, re.ASCII) else None


# -- object names ------------------------------------------------------------------------------

SEGMENTS = st.sampled_from(["a", "x.pdf", ".", "..", "", "%2e", "%2E%2E", "%252e%252e", "%2f", "%zz", "%e9",
                            "%ff%fe", "%00", "%C0%AE", "a%20b", "\ufffd", "é", "sp ace", "~", "a;b", "a?b"])


@st.composite
def object_paths(draw, prefix: str):
    """A raw (already percent-encoded) path under ``prefix``; dots, empty segments and escapes."""
    encoded = st.text(HOSTILE_CHAR, max_size=3).map(lambda t: quote(t, safe="", errors="surrogatepass"))
    segments = draw(st.lists(SEGMENTS | encoded, min_size=1, max_size=4))
    tail = draw(st.sampled_from(["", "/", "/.", "/.."]))
    return quote(prefix + "/" + "/".join(segments) + tail, safe="/%")


def one_name(raw: str) -> bool:
    """Contract side of "one canonical object name": after the server's percent-decoding,
    no empty, ``.`` or ``..`` segment, no ``%`` left (a second encoding), no U+FFFD (an
    invalid escape silently replaced), no control, format or edge whitespace characters."""
    decoded = unquote(raw)
    for segment in decoded.split("/"):
        if segment in ("", ".", "..") or segment != segment.strip():
            return False
    return "%" not in decoded and "\ufffd" not in decoded and not any(
        unicodedata.category(ch)[0] in "CZ" and ch != " " for ch in decoded)


ACTIVE_TYPES = re.compile(r"^(text/(?!plain)|.*(html|xml|javascript|ecmascript)|multipart/)", re.IGNORECASE)
CONTENT_TYPES = st.sampled_from(["text/html", "text/html; charset=utf-8", "image/svg+xml", "application/xhtml+xml",
                                 "text/xml", "application/javascript", "multipart/x-mixed-replace; boundary=x",
                                 "TEXT/HTML", "application/pdf", "image/png", "", "x/y"]) \
    | st.from_regex(r"(text|image|application|multipart)/[a-z0-9.+-]{1,16}(; charset=[a-z0-9-]{1,8})?", fullmatch=True)


def inert(headers: dict) -> str | None:
    """Why a served upload could run in a browser, or None when it is inert data."""
    low = {k.lower(): v for k, v in headers.items()}
    if low.get("x-content-type-options", "").lower() != "nosniff":
        return "no X-Content-Type-Options: nosniff"
    if not low.get("content-disposition", "").lower().startswith("attachment"):
        return "not served as an attachment"
    if ACTIVE_TYPES.match(low.get("content-type", "").strip()):
        return f"served as active content {low['content-type']!r}"
    return None


# -- signatures and claims ------------------------------------------------------------------------

@st.composite
def bad_signatures(draw, good: dict):
    """A signature that breaks one §7 rule: an extra key, a future or zone-less time, a
    blank-looking field, a wrong signer."""
    kind = draw(st.sampled_from(["extra_key", "future", "naive_time", "invisible", "signer"]))
    if kind == "extra_key":
        return {**good, draw(st.sampled_from(["note", "admin", "yacht_id", "x" * 40])): draw(HOSTILE_TEXT)}
    if kind == "future":
        ahead = draw(st.integers(1, 80 * 365)) * timedelta(days=1)
        return {**good, "signed_at": (datetime.now(UTC) + ahead).isoformat()}
    if kind == "naive_time":
        return {**good, "signed_at": datetime.now(UTC).replace(tzinfo=None).isoformat()}
    if kind == "invisible":
        return {**good, draw(st.sampled_from(["reason", "signature_type", "role_at_signing"])): draw(INVISIBLE_TEXT)}
    return {**good, "user_id": str(uuid.uuid4())}


NUMBERS = st.integers(-2**40, 2**40) | st.floats(allow_nan=False, allow_infinity=False)
EXP_VALUES = (st.integers(3600, 10**10).map(lambda d: ("future_int", d))
              | st.integers(-10**6, -10).map(lambda d: ("past_int", d))
              | st.integers(3600, 10**9).map(lambda d: ("string", str(d)))
              | st.sampled_from([("bool", True), ("null", None), ("list", [1]), ("object", {})]))


# -- leaks -----------------------------------------------------------------------------------------

PY_INTERNALS = re.compile(r"\b\w*(Error|Exception|Warning)\b|Traceback|line \d+ column \d+|char \d+|"
                          r"Expecting (value|property)|PyJWT|\bjwt\.|asyncpg|psycopg|SQLSTATE")


def leak(message, internal_names: frozenset[str], sent: str = "") -> str | None:
    """The internal a message reveals (catalog object or Python/library detail), or None. Text
    the request itself carried is not a leak: echoing the caller's own key ("unknown field:
    Error") reveals nothing (the fuzz once drew a key that looks like a class name)."""
    if not isinstance(message, str):
        return None
    found = next((m.group(0) for m in PY_INTERNALS.finditer(message) if m.group(0) not in sent), None)
    if found:
        return found
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", message))
    named = sorted(w for w in words if w.split(".")[-1] in internal_names and w not in sent)
    return named[0] if named else None


# -- raw HTTP ----------------------------------------------------------------------------------------

@dataclass
class Raw:
    status: int
    headers: dict
    body: bytes


async def raw_request(base_url: str, method: str, target: bytes, headers: list[tuple[bytes, bytes]],
                      body: bytes = b"", timeout: float = 15.0) -> Raw:
    """One HTTP/1.1 request with the target and headers sent byte for byte (httpx would
    normalise dot segments and refuse odd header bytes)."""
    url = urlsplit(base_url)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    try:
        conn = h11.Connection(h11.CLIENT)
        head = [(b"host", url.netloc.encode()), (b"connection", b"close"),
                (b"content-length", str(len(body)).encode()), *headers]
        writer.write(conn.send(h11.Request(method=method, target=target, headers=head)))
        writer.write(conn.send(h11.Data(data=body)) if body else b"")
        writer.write(conn.send(h11.EndOfMessage()))
        await writer.drain()
        response, chunks = None, []
        async with asyncio.timeout(timeout):
            while True:
                event = conn.next_event()
                if event is h11.NEED_DATA:
                    conn.receive_data(await reader.read(65536))
                elif isinstance(event, h11.Response):
                    response = event
                elif isinstance(event, h11.Data):
                    chunks.append(bytes(event.data))
                elif isinstance(event, (h11.EndOfMessage, h11.ConnectionClosed)):
                    break
        hdrs = {k.decode("latin-1"): v.decode("latin-1") for k, v in response.headers}
        return Raw(response.status_code, hdrs, b"".join(chunks))
    finally:
        writer.close()
