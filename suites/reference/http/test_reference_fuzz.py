"""Fuzz of the reference API's own surfaces (moved from suites/negative/test_fuzz.py): its read
routes (canonical ids, an ASCII ``limit``) and the bytes its storage serves back (always inert).
A team's API need not have either (CONTRACT §10: routes vary; §5 judges storage by policy, which
the negative suite fuzzes through the API profile). Same oracles; its examples are not counted
in the zero-5xx figure of the contract fuzz."""

import collections
import uuid
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ...negative import _hostile as h
from ...negative.test_fuzz import FUZZ, _answer, _judge, refused


@pytest.fixture(scope="module")
def tally():
    """Counts for the oracles only: the zero-5xx summary is the contract fuzz's."""
    return collections.Counter(), []


def _q(text: str) -> str:
    return quote(text, safe="", errors="surrogatepass")


@pytest.mark.parametrize("template", ["/v1/parts/{}/stock", "/v1/parts/{}/transactions", "/v1/drift"])
@FUZZ
@given(data=st.data())
async def test_read_endpoints_refuse_other_spellings(sut, ship, tally, internal_names, template, data):
    """Ids must be canonical and ``limit`` ASCII digits 1-1000; other query keys are ignored."""
    part = str(ship.part.id)
    ident = data.draw(st.just(part) | st.just(part.upper()) | h.hostile_ids(part), label="id")
    limit = data.draw(st.none() | h.INT_TEXT, label="limit")
    extra = data.draw(st.dictionaries(h.HOSTILE_TEXT.filter(lambda k: k != "limit"), h.HOSTILE_TEXT, max_size=2),
                      label="query")
    query = {**extra, **({"limit": limit} if limit is not None else {})}
    target = template.format(_q(ident)) + "?" + "&".join(f"{_q(k)}={_q(v)}" for k, v in query.items())
    r = await h.raw_request(sut.base_url, "GET", target.encode(), [(b"authorization", f"Bearer {sut.token(ship.crew)}".encode())])
    expect = 200
    if "{}" in template and not h.canonical_uuid(ident):
        expect = refused
    elif template.endswith("transactions") and limit is not None and not 1 <= (h.ascii_int(limit) or 0) <= 1000:
        expect = 400
    _judge(tally, internal_names, "GET " + template.replace("{}", "{id}"), r.status, _answer(sut, r), target, expect)




@pytest.mark.parametrize("limit", h.UNICODE_DIGITS)
async def test_limit_takes_ascii_digits_only(sut, ship, tally, internal_names, limit):
    """Each non-ASCII digit the fuzz draws from, once, beside a canonical id: which of them a
    seeded sample happens to pair with a valid id is luck (the smoke fuzz is derandomized from
    the test's source), and ``isdigit()`` + ``int()`` reads ``５`` as 5 and fails on ``²``."""
    target = f"/v1/parts/{ship.part.id}/transactions?limit={_q(limit)}"
    r = await h.raw_request(sut.base_url, "GET", target.encode(), [(b"authorization", f"Bearer {sut.token(ship.crew)}".encode())])
    _judge(tally, internal_names, "GET /v1/parts/{id}/transactions", r.status, _answer(sut, r), target, 400)


@FUZZ
@given(content_type=h.CONTENT_TYPES, content=st.sampled_from([b"<script>alert(1)</script>", b"%PDF-1.4", b"\x89PNG"]))
async def test_uploads_are_served_as_inert_data(sut, ship, tally, internal_names, content_type, content):
    name = f"{ship.yacht.id}/parts/upload-{uuid.uuid4().hex}.bin"
    r = await sut.put_object(ship.crew, "documents", name, content, content_type)
    _judge(tally, internal_names, "PUT /v1/storage/{bucket}/{path} (content type)", r.status, r.json, content_type, 201)
    r = await sut.get_object(ship.crew, "documents", name)
    _judge(tally, internal_names, "GET /v1/storage/{bucket}/{path} (served)", r.status, r.json, content_type, 200)
    assert r.content == content
    assert h.inert(r.headers) is None, (content_type, h.inert(r.headers), r.headers)


