"""Bad input never yields a 5xx, and hostile input is refused by rule. Hypothesis reaches every
endpoint through bodies, JSON keys, object paths, headers and token claims,
with the Unicode that breaks lenient parsers (lone surrogates, non-ASCII digits, fullwidth
forms, zero-width and bidi characters, NUL), content types and percent-encodings.

Each answer is judged by the contract-side oracles of ``_hostile``: never a 5xx; a refusal has
an ``error`` code and a message that names no internal object; a malformed id, integer,
blank-looking text, bad signature, second spelling of an object name or non-numeric ``exp``
is refused.  Every request goes where the run's API profile routes it, in its envelope, and
its answer is read where the profile says the error code is (the reference API's reads and the
bytes its storage serves back are fuzzed in suites/reference/http).  Action bodies point at a
part that does not exist, so
a correct handler answers 400 for the broken field and 404 otherwise, and nothing commits:
the last test proves the fuzzed yacht's ledger, audit and stock never moved.

Examples per endpoint: ``LENS_FUZZ_EXAMPLES``, else 1,000 under ``--lens-profile full`` and a
small sample in smoke; counts and 5xx answers go to ``fuzz/summary.<worker>.json`` and the
JUnit properties of the last test, for the report."""

import collections
import json
import os
import time
import uuid

import jwt
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from harness.config import Settings
from harness.db import connect
from harness.factories import Factory, purge_yachts
from harness.roles import ACTIONS, Tier
from harness.sut.adapter import Response, signature_for
from harness.sut.bodies import BODIES, MAX_QUANTITY

from ..lens_sql import build_ship
from . import _hostile as h

pytestmark = pytest.mark.fuzz

FULL = (os.environ.get("LENS_PROFILE") or getattr(Settings.from_settings_file(), "profile", "smoke")) == "full"
EXAMPLES = int(os.environ.get("LENS_FUZZ_EXAMPLES") or (1000 if FULL else 40))
# Smoke: derandomized (the same examples every run, so a mutant's kill is reproducible) and no
# shrinking (a failing example is reported as found); full: random, shrunk.
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not FULL, database=None,
                phases=list(Phase) if FULL else [Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.filter_too_much, HealthCheck.data_too_large])
OPENING = 1000
WRITES = ("pms_inventory_transactions", "pms_part_usage", "pms_audit_log", "pms_shopping_list_items")
BEFORE: dict[str, int] = {}   # row counts of the fuzzed yacht once built (its opening stock is a ledger row)
NASTY = st.sampled_from(["' OR 1=1 --", "'; DROP TABLE pms_parts; --", "../../etc/passwd", "%00", "\u202e\u0000", "😀" * 50,
                         "{{7*7}}", "<script>alert(1)</script>", "00000000-0000-0000-0000-000000000000", "x" * 5000])
SCALAR = (st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | st.text(max_size=40) | NASTY
          | h.HOSTILE_TEXT)
JSON = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(h.HOSTILE_TEXT, inner, max_size=4),
                    max_leaves=8)


@pytest.fixture(scope="module")
def tally(lens_artifacts):
    """Examples and 5xx answers per endpoint, written once the module is done."""
    counts = collections.Counter()
    five_xx: list = []
    yield counts, five_xx
    out = lens_artifacts / "fuzz"
    out.mkdir(exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    (out / f"summary.{worker}.json").write_text(json.dumps(
        {"examples": dict(counts), "examples_per_endpoint_setting": EXAMPLES, "five_xx": len(five_xx),
         "failures": five_xx[:20]}, indent=2))


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def ship(lens_database, lens_binding):
    """One yacht for the whole module, so the last test can audit what all the fuzzing left."""
    if lens_database.verify_only:
        pytest.skip("verify-only DSN: fuzzing the API commits accepted requests; rerun with --lens-allow-writes")
    conn = await connect(lens_database.dsn)
    factory = Factory(conn, prefix="lens-fuzz", binding=lens_binding)
    built = await build_ship(factory, opening=OPENING)
    BEFORE.update({t: await conn.fetchval(f"SELECT count(*) FROM {t} WHERE yacht_id = $1", built.yacht.id)
                   for t in WRITES})
    yield built
    await purge_yachts(conn, factory.yacht_ids)
    await conn.close()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def internal_names(lens_database) -> frozenset[str]:
    """Names no error message may carry, read from the target's catalog: its functions,
    relations, constraints, triggers and policies (identifiers with an underscore)."""
    conn = await connect(lens_database.dsn)
    rows = await conn.fetch(
        "SELECT proname AS n FROM pg_proc p JOIN pg_namespace s ON s.oid = p.pronamespace "
        "  WHERE s.nspname IN ('public', 'storage') "
        "UNION SELECT relname FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace "
        "  WHERE s.nspname IN ('public', 'storage') "
        "UNION SELECT conname FROM pg_constraint UNION SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
        "UNION SELECT polname FROM pg_policy")
    await conn.close()
    return frozenset(r["n"] for r in rows if "_" in r["n"])


def _judge(tally, internal_names, endpoint, status, payload, request_repr, expect=None):
    """The oracles every answer meets; ``expect`` is a status or a predicate on it."""
    counts, five_xx = tally
    counts[endpoint] += 1
    if status >= 500:
        five_xx.append({"endpoint": endpoint, "status": status, "request": repr(request_repr)[:300]})
    assert status < 500, (endpoint, request_repr, status, payload)
    if status >= 400:
        assert isinstance(payload, dict) and isinstance(payload.get("error"), str) and payload["error"], payload
        leaked = h.leak(payload.get("message"), internal_names, sent=repr(request_repr))
        assert leaked is None, ("the message reveals an internal", leaked, payload)
    if expect is not None:
        ok = expect(status) if callable(expect) else status == expect
        assert ok, (endpoint, request_repr, "expected", expect if not callable(expect) else expect.__doc__,
                    "got", status, payload)


def refused(status: int) -> bool:
    """refused (4xx)"""
    return 400 <= status < 500


def _user(ship, action):
    return {Tier.CREW: ship.crew, Tier.HOD: ship.hod, Tier.MANAGER: ship.manager}[ACTIONS[action].tier]


def _base(action, ship, user, missing: str) -> dict:
    """A valid body for ``action`` aimed at a part (or transaction) that does not exist."""
    values = {"part_id": missing, "transaction_id": missing, "location_id": str(ship.here.id),
              "from_location_id": str(ship.here.id), "to_location_id": str(ship.there.id),
              "quantity": 1, "new_quantity": 5, "reason": "harness fuzz", "notes": "fuzz", "usage_reason": "fuzz",
              "idempotency_key": f"fuzz-{uuid.uuid4()}", "urgency": "normal", "signature": signature_for(user)}
    return {name: values[name] for name in BODIES[action] if name in values
            and (BODIES[action][name].required or BODIES[action][name].kind == "text")}


@st.composite
def mutated(draw, action, base: dict, user):
    """(body, expected status or None): one broken rule, or junk with no expectation."""
    spec = BODIES[action]
    fields = {kind: [n for n, f in spec.items() if f.kind in kinds]
              for kind, kinds in (("id", ("uuid",)), ("text", ("text", "key")), ("number", ("quantity", "count")),
                                  ("signature", ("signature",)))}
    family = draw(st.sampled_from(["key", "junk", *(k for k, v in fields.items() if v)]))
    if family == "key":
        key = draw(h.HOSTILE_TEXT.filter(lambda k: k not in spec))
        return {**base, key: draw(JSON)}, 400
    if family == "junk":
        return {**base, draw(st.sampled_from([*spec, "yacht_id"])): draw(JSON)}, None
    name = draw(st.sampled_from(fields[family]))
    if family == "id":
        value = draw(h.hostile_ids(base.get(name) or str(uuid.uuid4())))
        return {**base, name: value}, None if h.canonical_uuid(value) else 400
    if family == "text":
        return {**base, name: draw(h.INVISIBLE_TEXT)}, 400
    if family == "signature":
        return {**base, name: draw(h.bad_signatures(signature_for(user)))}, 400
    value = draw(h.NUMBERS | st.booleans() | h.INT_TEXT | st.sampled_from([[], {}, None]))
    low = 1 if spec[name].kind == "quantity" else 0
    fine = isinstance(value, int) and not isinstance(value, bool) and low <= value <= MAX_QUANTITY
    return {**base, name: value}, None if fine or (value is None and not spec[name].required) else 400


@pytest.mark.parametrize("action", sorted(ACTIONS))
@FUZZ
@given(data=st.data())
async def test_action_bodies_are_refused_by_rule(sut, ship, tally, internal_names, action, data):
    user = _user(ship, action)
    body, expect = data.draw(mutated(action, _base(action, ship, user, str(uuid.uuid4())), user), label="body")
    r = await sut.call(user, action, body)
    _judge(tally, internal_names, sut.label(action), r.status, r.json, body, expect)


OVERDRAW = {"consume_part": "crew", "transfer_part": "hod", "write_off_part": "hod"}


@pytest.mark.parametrize("action", sorted(OVERDRAW))
@FUZZ
@given(quantity=st.integers(OPENING + 1, MAX_QUANTITY))
async def test_refusals_of_the_stock_functions_state_the_rule(sut, ship, tally, internal_names, action, quantity):
    """Real ids, more than is there: 409 insufficient_stock with a message that states the rule."""
    user = getattr(ship, OVERDRAW[action])
    body = {**_base(action, ship, user, str(ship.part.id)), "quantity": quantity}
    r = await sut.call(user, action, body)
    _judge(tally, internal_names, f"{sut.label(action)} (overdraw)", r.status, r.json, body, 409)
    assert r.error == "insufficient_stock", r.json


@FUZZ
@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(str.encode) | st.just(b"{" * 3000)
       | st.just(b'{"a":' + b"9" * 5000 + b"}")
       | st.dictionaries(h.HOSTILE_TEXT, SCALAR, min_size=1, max_size=3).map(lambda d: json.dumps(d).encode()))
async def test_raw_bytes_never_answer_5xx(sut, ship, tally, internal_names, raw):
    """Raw bytes as the whole request (the profile's envelope included)."""
    r = await sut.send(ship.crew, "consume_part", raw)
    _judge(tally, internal_names, f"{sut.endpoint('consume_part')[0]} {sut.endpoint('consume_part')[1]} (raw)",
           r.status, r.json, raw, refused)


def _answer(sut, raw: h.Raw):
    """A raw answer in contract terms (the profile says where the error code is)."""
    try:
        payload = json.loads(raw.body)
    except ValueError:
        payload = None
    return sut.normalise(Response(raw.status, payload)).json


@FUZZ
@given(data=st.data())
async def test_storage_has_one_name_per_object(sut, ship, tally, internal_names, data):
    """A second spelling (percent-encoded dots, ``./``, empty segments, a trailing ``/.``, an
    invalid escape) is refused on write and read."""
    raw = data.draw(h.object_paths(f"{ship.yacht.id}/parts"), label="path")
    auth = [(b"authorization", f"Bearer {sut.token(ship.crew)}".encode())]
    canonical = h.one_name(raw)
    for method, endpoint in (("PUT", "PUT /v1/storage/{bucket}/{path}"), ("GET", "GET /v1/storage/{bucket}/{path}")):
        r = await h.raw_request(sut.base_url, method, sut.storage_path("documents", raw).encode(), auth,
                                b"x" if method == "PUT" else b"")
        _judge(tally, internal_names, endpoint, r.status, _answer(sut, r), raw, None if canonical else refused)


HEADER_VALUE = st.text(st.characters(min_codepoint=0x21, max_codepoint=0xFF).filter(lambda c: c != "\x7f"),
                       min_size=1, max_size=40)
#: Headers the HTTP client frames the request with: a second one is refused by the client itself
#: (h11: "multiple Host headers") before the API sees anything.
FRAMING = frozenset({"host", "content-length", "transfer-encoding", "connection"})
HEADER_NAME = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz-_.0123456789"), min_size=1,
                      max_size=20).filter(lambda name: name not in FRAMING)


@FUZZ
@given(data=st.data())
async def test_headers_never_answer_5xx(sut, ship, tally, internal_names, data):
    """Hostile Authorization, Content-Type and extra headers (Latin-1 bytes, percent-encodings)."""
    token = sut.token(ship.crew)
    auth = data.draw(st.sampled_from([f"Bearer {token}", f"bearer  {token}", f"Basic {token}", "Bearer", f"Bearer {token}x",
                                      f"Bearer {token[:-3]}", f"Bearer {token}%00"]) | HEADER_VALUE, label="authorization")
    ctype = data.draw(h.CONTENT_TYPES | HEADER_VALUE, label="content-type")
    extra = data.draw(st.lists(st.tuples(HEADER_NAME, HEADER_VALUE), max_size=3), label="headers")
    headers = [(b"authorization", auth.encode("latin-1")), (b"content-type", ctype.strip().encode("latin-1") or b"x"),
               *((k.encode(), v.encode("latin-1")) for k, v in extra)]
    body = json.dumps(sut.envelope(ship.crew, "consume_part", _base("consume_part", ship, ship.crew, str(uuid.uuid4()))))
    method, path = sut.endpoint("consume_part")
    r = await h.raw_request(sut.base_url, method, path.encode(), headers, body.encode())
    _judge(tally, internal_names, f"{sut.label('consume_part')} (headers)", r.status, _answer(sut, r), headers, refused)


@FUZZ
@given(data=st.data())
async def test_token_claims_are_typed(sut, ship, lens_settings, tally, internal_names, data):
    """Only ``sub`` = a canonical user id, role = aud = authenticated and a numeric future
    ``exp`` get in (to an action on a part that does not exist: 404); a string ``exp`` (PyJWT
    casts it) or another spelling of the id is 401. Each example breaks (at most) one claim and
    keeps the others valid, as the body fuzz does, so a rule that lets one kind of bad claim
    through meets it alone, not hidden behind another."""
    me = str(ship.crew.id)
    broken = data.draw(st.sampled_from(["none", "sub", "role", "exp"]), label="broken")
    sub = data.draw(st.sampled_from([me, me.upper()]) | h.uuid_spellings(me) if broken == "sub"
                    else st.sampled_from([me, me.upper()]), label="sub")
    role = data.draw(st.sampled_from(["anon", "service_role", "Authenticated"]) | h.HOSTILE_TEXT if broken == "role"
                     else st.just("authenticated"), label="role")
    kind, exp_value = data.draw(h.EXP_VALUES if broken == "exp" else h.EXP_VALUES.filter(lambda e: e[0] == "future_int"),
                                label="exp")
    now = int(time.time())
    exp = now + exp_value if kind in ("future_int", "past_int") else (str(now + int(exp_value)) if kind == "string" else exp_value)
    claims = {"sub": sub, "role": role, "aud": "authenticated", "iat": now, "exp": exp}
    token = jwt.encode(claims, lens_settings.jwt_secret, algorithm="HS256")
    r = await sut.call(ship.crew, "consume_part", _base("consume_part", ship, ship.crew, str(uuid.uuid4())), token=token)
    valid = h.canonical_uuid(sub) and role == "authenticated" and kind == "future_int"
    _judge(tally, internal_names, f"{sut.label('consume_part')} (token claims)", r.status, r.json, claims,
           404 if valid else 401)


async def test_after_fuzzing_nothing_moved(sut, ship, ledger, tally, record_property):
    """Runs last in the module (file order; not under xdist's load balancing, see the gate's
    --dist loadfile): every fuzzed request was refused or aimed at nothing, so the yacht the
    fuzzers hammered has no ledger, usage or audit row and its stock is untouched."""
    counts, five_xx = tally
    record_property("five_xx", str(len(five_xx)))
    record_property("fuzz_examples", str(sum(counts.values())))
    for endpoint, n in sorted(counts.items()):
        record_property(f"fuzz_examples[{endpoint}]", str(n))
    assert five_xx == []
    assert await ledger.drift(ship.yacht.id) == []
    assert {t: await ledger.count(t, ship.yacht.id) for t in WRITES} == BEFORE
    assert await ledger.quantity(ship.stock.id) == OPENING
