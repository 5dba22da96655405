"""The §11 oracles (harness/oracles) on synthetic observations: pure, no database.

Each oracle must stay silent on a clean observation and name the violation on a broken one,
so a suite that passes is a suite whose oracles could have failed.
"""
from __future__ import annotations

import json
import uuid

from harness.oracles import (
    all_or_nothing,
    attribution,
    authority,
    immutability,
    noninterference,
    references,
)
from harness.oracles.observation import Observation, Outcome, normalise
from harness.paths import claims
from harness.paths.catalog import Path
from harness.paths.values import COLLIDE, Pool, examples, phantom_id, role_strings

LEDGER, AUDIT = "pms_inventory_transactions", "pms_audit_log"
OWN, CALLER, COLLEAGUE = "00000000-0000-0000-0000-00000000000a", "00000000-0000-0000-0000-0000000000c1", \
    "00000000-0000-0000-0000-0000000000c2"
ROW = {"id": "r1", "yacht_id": OWN, "user_id": CALLER, "transaction_type": "received", "quantity_change": 1}


OK = Outcome(value=[{"success": True}])


def obs(outcome=OK, before=None, after=None) -> Observation:
    before = {(LEDGER, "r1"): ROW} if before is None else before
    return Observation("f(x)", ("a",), "deckhand", outcome, before, dict(before) if after is None else after)


def test_references_names_a_written_row_holding_another_yachts_row_id():
    foreign = "00000000-0000-0000-0000-00000000000b"
    location = {"id": "l9", "yacht_id": foreign}
    base = {(LEDGER, "r1"): ROW, ("pms_part_locations", "l9"): location}
    own_ref = obs(before=base, after={**base, ("pms_part_usage", "u1"): {"id": "u1", "yacht_id": OWN, "part_id": "r1"}})
    assert references.judge(own_ref, OWN) == []
    crossed = obs(before=base, after={**base, ("pms_shopping_list_items", "s1"): {
        "id": "s1", "yacht_id": OWN, "deliver_to_location_id": "l9"}})
    assert "pms_shopping_list_items.deliver_to_location_id = l9" in references.judge(crossed, OWN)[0]
    assert references.judge(obs(before=base, after={**base, ("pms_part_locations", "l9"): {**location, "id": "l9"}}),
                            OWN) == []
    mine = {"id": "o1", "bucket_id": "documents", "name": f"{OWN}/parts/a.pdf"}
    stored = {**base, ("storage.objects", "o1"): mine}
    assert references.judge(obs(before=base, after=stored), OWN) == []
    moved = obs(before=stored, after={**base, ("storage.objects", "o1"): {**mine, "name": f"{foreign}/parts/a.pdf"}})
    assert "under another yacht's prefix" in references.judge(moved, OWN)[0]


def test_immutability_names_a_changed_or_deleted_trail_row():
    assert immutability.judge(obs()) == []
    changed = obs(after={(LEDGER, "r1"): {**ROW, "reference_type": "edited"}})
    assert "reference_type" in immutability.judge(changed)[0]
    assert "deleted" in immutability.judge(obs(after={}))[0]


def test_all_or_nothing_refused_call_with_a_footprint_unpaired_legs_and_drift():
    refused = Outcome(value=[{"success": False, "error_code": "stock_not_found"}])
    assert all_or_nothing.judge(obs(refused)) == []
    wrote = obs(refused, after={(LEDGER, "r1"): ROW, (LEDGER, "r2"): {**ROW, "id": "r2"}})
    assert "was refused" in all_or_nothing.judge(wrote)[0]
    assert all_or_nothing.judge(obs(Outcome(sqlstate="23505", message="dup"), after={})) != []
    leg = {**ROW, "id": "r3", "transfer_group_id": "g", "transaction_type": "transferred_out", "quantity_change": -1}
    assert "transfer group g" in all_or_nothing.judge(obs(after={(LEDGER, "r1"): ROW, (LEDGER, "r3"): leg}))[0]
    pair = {(LEDGER, "r3"): leg, (LEDGER, "r4"): {**leg, "id": "r4", "transaction_type": "transferred_in",
                                                  "quantity_change": 1}}
    assert all_or_nothing.judge(obs(after={(LEDGER, "r1"): ROW, **pair})) == []
    drift = obs(after={(LEDGER, "r1"): ROW, ("check_inventory_drift()", "s"): {"stock_id": "s", "drift": 1}})
    assert "check_inventory_drift" in all_or_nothing.judge(drift)[0]


def test_attribution_written_columns_and_decisions():
    columns = {LEDGER: ("user_id",)}
    mine = obs(after={(LEDGER, "r1"): ROW, (LEDGER, "r2"): {**ROW, "id": "r2"}})
    assert attribution.judge(mine, columns, CALLER) == []
    theirs = obs(after={(LEDGER, "r1"): ROW, (LEDGER, "r2"): {**ROW, "id": "r2", "user_id": COLLEAGUE}})
    assert COLLEAGUE in attribution.judge(theirs, columns, CALLER)[0]
    assert attribution.judge_decision(obs(Outcome(value="1")), obs(Outcome(value="1"))) == []
    assert "decides on the row's author" in attribution.judge_decision(obs(Outcome(value="1")), obs(Outcome(value="0")))[0]


def test_noninterference_and_authority_compare_labelled_sequences():
    labels = {OWN: "own yacht"}
    same = [obs(Outcome(value=[{"yacht": OWN, "new": "11111111-1111-1111-1111-111111111111"}]))]
    other_new = [obs(Outcome(value=[{"yacht": OWN, "new": "22222222-2222-2222-2222-222222222222"}]))]
    assert noninterference.judge(same, other_new, labels, OWN) == []   # a new id is new#0 in each world
    leaked = [obs(Outcome(sqlstate="23505", message="duplicate key"))]
    assert "world B" in noninterference.judge(same, leaked, labels, OWN)[0]
    assert "user_metadata" in authority.judge(same, leaked, labels, OWN, ("plain", "user_metadata"))[0]


def test_normalise_labels_known_ids_and_numbers_new_ones_in_order():
    labels = {CALLER: "caller"}
    text = normalise({"a": CALLER, "b": f"x {OWN} y", "c": OWN}, labels)
    assert '"caller"' in text and text.count("new#0") == 2


def test_authority_accepts_the_plain_answer_or_a_refusal_that_left_nothing():
    labels = {OWN: "own yacht"}
    plain = [obs(Outcome(value={"status": 403, "body": {"error": "forbidden"}}))]
    door = [obs(Outcome(value={"status": 401, "body": {"error": "unauthorized"}}))]
    assert authority.judge_or_refused(plain, door, labels, OWN, ("plain", "expired")) == []
    assert authority.judge_or_refused(plain, plain, labels, OWN, ("plain", "expired")) == []
    granted = [obs(Outcome(value={"status": 200, "body": {"ok": True}}))]
    assert "expired" in authority.judge_or_refused(plain, granted, labels, OWN, ("plain", "expired"))[0]
    wrote = [obs(door[0].outcome, after={(LEDGER, "r1"): ROW, (LEDGER, "r2"): {**ROW, "id": "r2"}})]
    assert authority.judge_or_refused(plain, wrote, labels, OWN, ("plain", "expired")) != []


def test_normalise_sets_aside_times_and_the_order_of_rows():
    rows = [{"id": "11111111-1111-1111-1111-111111111111", "type": "out", "at": "2026-12-07T18:50:30.034691+00:00"},
            {"id": "22222222-2222-2222-2222-222222222222", "type": "in", "at": "2026-12-07 18:50:31Z"}]
    assert normalise(rows, {}) == normalise([{**r, "at": "2027-01-01T00:00:00+00:00"} for r in rows[::-1]], {})
    assert normalise(rows, {}) != normalise([{**rows[0], "type": "in"}, rows[1]], {})


def test_noninterference_compares_the_order_the_system_defines_known_rows_only():
    part_a, part_b = "00000000-0000-0000-0000-0000000000a1", "00000000-0000-0000-0000-0000000000a2"
    labels = {OWN: "own yacht", part_a: "own:pms_parts#0", part_b: "own:pms_parts#1"}
    ranked = [obs(Outcome(value=[{"id": part_a}, {"id": part_b}]))]
    reranked = [obs(Outcome(value=[{"id": part_b}, {"id": part_a}]))]
    assert noninterference.judge(ranked, reranked, labels, OWN) == []        # no ORDER BY: a set
    line = noninterference.judge(ranked, reranked, labels, OWN, lambda o: True)[0]
    assert "order" in line and "world B" in line
    fresh = [obs(Outcome(value=[{"id": "11111111-1111-1111-1111-111111111111"}, {"id": part_a},
                                {"id": "22222222-2222-2222-2222-222222222222"}]))]
    swapped = [obs(Outcome(value=[{"id": "33333333-3333-3333-3333-333333333333"}, {"id": part_a},
                                  {"id": "44444444-4444-4444-4444-444444444444"}][::-1]))]
    assert noninterference.judge(fresh, swapped, labels, OWN, lambda o: True) == []   # new rows: a set


def test_hostile_request_says_every_word_in_every_key_and_header_over_as_many_slots():
    words, colleague, yacht = list(claims.WORDS), uuid.uuid4(), uuid.uuid4()
    said = [claims.request_headers(claims.HEADERS, colleague, yacht, words, n) for n in range(len(words))]
    assert {h["X-Device"] for h in said} == {h["X-Client-Info"] for h in said} == set(words)
    assert {h["X-On-Behalf-Of"] for h in said} == {str(colleague)} and said[0]["X-Tenant-Id"] == str(yacht)
    keyed = [claims.keyed(words, n) for n in range(len(words))]
    assert {k["user_metadata"]["device"] for k in keyed} == {k["channel"] for k in keyed} == set(words)
    forged = claims.merged({"user_metadata": {"role": "captain"}, "sub": "x"}, keyed[0])
    assert forged["user_metadata"]["role"] == "captain" and forged["user_metadata"]["device"] and forged["sub"] == "x"
    assert claims.published_headers({"parameters": [{"in": "header", "name": "Idempotency-Key"}],
                                     "x": ["X-Kiosk-Badge", "not a header"]}) == ["Idempotency-Key", "X-Kiosk-Badge"]


def test_examples_vary_each_parameter_alone_within_the_budget():
    pool = Pool({"pms_inventory_stock": ["s1"]}, {"pms_inventory_stock": ["f1"]}, uuid.UUID(OWN), "fy", CALLER, COLLEAGUE,
                ["name"], ["consumed"])
    path = Path("function", "move", ("p_stock_id", "p_quantity"), ("uuid", "integer"))
    got = examples(path, pool, 5)
    assert got[0] == ("s1", "1") and len(got) == 5
    assert all(sum(a != b for a, b in zip(e, got[0])) == 1 for e in got[1:])
    assert COLLIDE in [e[0] for e in examples(Path("function", "f", ("p_name",), ("text",)), pool, 3)]


def test_pairs_set_a_branch_value_and_another_yachts_value_together_the_rest_at_the_best_guess():
    """A lookup reached only with one compared literal in a text parameter and another yacht's
    id in a jsonb key (keys only a callee reads left out of the best guess, the caller's §7
    signature kept), and an own object name with a path under another yacht's prefix."""
    pool = Pool({"pms_inventory_transactions": [uuid.uuid4()], "pms_parts": [uuid.uuid4()]},
                {"pms_inventory_transactions": [uuid.uuid4()]}, uuid.UUID(OWN), uuid.uuid4(), uuid.UUID(CALLER),
                uuid.UUID(COLLEAGUE), [], [], caller_role="captain", objects=[f"{OWN}/parts/a.pdf"])
    body = ("IF p_kind = 'undo' THEN SELECT 1 FROM t WHERE t.id = v_target; END IF; "
            "v_target := d ->> 'target_transaction_id'; v_sig := d -> 'signature'; v_note := d ->> 'note';")
    path = Path("function", "f", ("p_part_id", "p_kind", "d"), ("uuid", "text", "jsonb"), False,
                ("target_transaction_id", "signature", "note"), False, ((), ("keep", "undo"), ()), ((), (), ()), ("note",), body)
    got = examples(path, pool, 4)
    first = json.loads(got[0][2])
    assert set(first) == {"note", "signature"} and first["signature"]["user_id"] == CALLER
    phantom = str(phantom_id("pms_inventory_transactions", uuid.UUID(OWN)))
    paired = [e for e in got if e[1] == "undo" and phantom in (e[2] or "")]
    assert paired and paired[0][0] == got[0][0] and got.index(paired[0]) == 4
    storage = Path("function", "mv", ("p_from", "p_to"), ("text", "text"), body="UPDATE storage.objects SET name = p_to")
    assert (f"{OWN}/parts/a.pdf", f"{pool.foreign_yacht}/parts/{COLLIDE}-a.pdf") in examples(storage, pool, 3)


def test_role_strings_are_the_unlisted_literals_beside_a_contract_role():
    """The literals beside a §2 role, never one of §2's, plus two names no list holds (a deny-list
    helper passes every string it names) and names that only look like §2's (a member of each
    tier's family, another spelling): the same for one seed, others for another."""
    sources = [{"deckhand", "captain", "cook"}, {"consumed", "received"}]
    got = role_strings(sources, {"deckhand", "captain"}, "run-1")
    assert "cook" in got and not {"deckhand", "captain", "consumed", "received"} & set(got)
    family = [r for r in got if r.startswith(("deckhand_", "captain_"))]
    assert len(family) == 3, got   # crew, HOD and manager tiers: deckhand_x, then captain_x twice
    assert role_strings(sources, {"deckhand", "captain"}, "run-1") == got
    assert role_strings(sources, {"deckhand", "captain"}, "run-2") != got
