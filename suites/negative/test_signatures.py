"""CONTRACT §7's signature rules on every action that takes a signature, through HTTP.

Which actions carry one, and when, is the role model's (``harness.roles.ACTIONS``: always, or
when the change is large); the fields are §7's (``suites/edges/variations.py``).  Each action
runs as the lowest tier it admits with a body valid but for its signature, and for each
variation — the signature absent or empty, each field omitted, changed to the nearest wrong
value or given another type, the whole signature another user's (a colleague in the signer's
own role, any other user of the yacht, the signer's role on the other yacht), a role the signer
holds only on another yacht, signed_at just outside either bound of its window — the answer is
400 with §7's code and nothing moves.  The last request of each action is accepted (200), so the
state admitted the action and only the signature made the difference: with the unchanged
signature, or signed just inside a bound of the window.  Actions run in the role model's order
(deactivate before reactivate) on one ship; the whole-row checks of a refusal are the §11
oracles' (suites/properties).
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harness import roles
from harness.sut.adapter import signature_for

from ..edges.variations import SIGNATURE_FIELDS, field_variations, window_variations
from ..surface.test_api_surface import _body, _lowest

pytestmark = pytest.mark.negative

#: The signature fields of a request body (signed_by is the ledger column the handler fills in).
BODY_SIGNATURE_FIELDS = tuple(f for f in SIGNATURE_FIELDS if f != "signed_by")
ABSENT = object()


async def _signed_actions(sut, ship, ledger, threshold: int, cases, accepted) -> list[str]:
    """Run every signed action through ``cases(action, signer, valid) -> {name: (signature, a
    function making one, or ABSENT; code)}`` (each refused, nothing moved) and then ``accepted(index, signer)`` (200);
    one line per answer that differs."""
    lines, world = [], {"part": ship.part, "here": ship.here, "there": ship.there}
    opening = (await ledger.rows(ship.stock.id))[0]["id"]
    for index, (action, rule) in enumerate((a, r) for a, r in roles.ACTIONS.items() if r.signature != "never"):
        signer = _lowest(action, ship.users)
        body = {k: v for k, v in _body(action, world, signer, opening).items() if k != "signature"}
        if rule.signature == "when_large":
            body["new_quantity"] = await ledger.quantity(ship.stock.id) + threshold
        before = await ledger.snapshot(ship.yacht.id)
        for name, (sig, code) in cases(action, signer, signature_for(signer)).items():
            sig = sig() if callable(sig) else sig   # a time is taken as the request leaves
            r = await sut.call(signer, action, body if sig is ABSENT else {**body, "signature": sig})
            if (r.status, r.error) != (400, code):
                lines.append(f"{action}, {name}: {r.status} {r.json} (expected 400 {code})")
        if await ledger.snapshot(ship.yacht.id) != before:
            lines.append(f"{action}: refused signatures moved rows")
        r = await sut.call(signer, action, {**body, "signature": accepted(index, signer)})
        if r.status != 200:
            lines.append(f"{action}, accepted signature: {r.status} {r.json}")
    return lines


async def test_signature_each_field_on_its_own(sut, ship, other_ship, ledger, committed_factory, lens_settings):
    """§7: a signature missing where required is signature_required; one that omits or changes
    any field, gives one another type (smoke: the signer and the time; full: each), or names anyone but the caller (a colleague in the same
    role included: no countersigning), or a role the caller holds only on another yacht, is
    signature_invalid — on every signed action; the unchanged signature is accepted."""
    f, typed = committed_factory, BODY_SIGNATURE_FIELDS if lens_settings.profile == "full" else ("user_id", "signed_at")
    peers = {role: await f.user(ship.yacht, role) for role in {u.role for u in ship.users.values()}}
    elsewhere = next(r for r in sorted(roles.MANAGER) if r not in ship.users)   # the top tier, held on no ship here
    for user in ship.users.values():
        await f.conn.execute("INSERT INTO auth_users_roles (user_id, yacht_id, role, is_active) VALUES ($1, $2, $3, true)",
                             user.id, other_ship.yacht.id, elsewhere)

    def cases(action, signer, valid) -> dict:
        by = {**{f"the {u.role}": u for u in ship.users.values() if u != signer},
              "the signer's role on the other yacht": other_ship.users.get(signer.role, other_ship.manager)}
        out = {"absent": (ABSENT, "signature_required"), "an empty object": ({}, "signature_required"),
               "not an object": ("signed by me", "signature_invalid"),
               f"role_at_signing held only on another yacht ({elsewhere})": (
                   {**valid, "role_at_signing": elsewhere}, "signature_invalid")}
        out |= {f"signed as {who}": ({**valid, "user_id": str(u.id), "role_at_signing": u.role}, "signature_invalid")
                for who, u in by.items()}
        out |= {f"{field} a number": ({**valid, field: 1}, "signature_invalid") for field in typed}
        for name, change in field_variations(peers[signer.role], signer, BODY_SIGNATURE_FIELDS).items():
            out[name] = ({k: v for k, v in {**valid, **change}.items() if v is not None}, "signature_invalid")
        return out
    lines = await _signed_actions(sut, ship, ledger, lens_settings.large_adjust_threshold, cases,
                                  lambda index, signer: signature_for(signer))
    assert not lines, "\n".join(lines)


async def test_signed_at_window_over_http(sut, ship, ledger, lens_settings):
    """§7: signed_at at most 5 minutes ahead and 24 hours old, on every signed action — just
    outside either bound is 400 signature_invalid and moves nothing; just inside is accepted
    (each action takes one bound, in turn)."""
    window = window_variations()
    inside = [name for name, (_, ok) in window.items() if ok]

    def signed(signer, offset) -> dict:
        return {**signature_for(signer), "signed_at": (datetime.now(UTC) + offset).isoformat()}

    def cases(action, signer, valid) -> dict:
        return {name: (lambda offset=offset: signed(signer, offset), "signature_invalid")
                for name, (offset, ok) in window.items() if not ok}
    lines = await _signed_actions(sut, ship, ledger, lens_settings.large_adjust_threshold, cases,
                                  lambda index, signer: signed(signer, window[inside[index % len(inside)]][0]))
    assert not lines, "\n".join(lines)
