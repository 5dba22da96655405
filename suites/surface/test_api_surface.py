"""The API side of the attack-surface inventory (harness/surface.py: ``api_cells``), through the
binding's HTTP client: every action and every read the API profile declares (its part reads and
object reads) x role with another yacht's ids (404 for
a role the action admits, 403 otherwise, and neither yacht's rows move), and every action's
effects on its own yacht (§7: its ledger rows, exactly one audit row).  These commit, so they
need a database that allows writes; the rows hang off the run's own yachts and are purged."""
from __future__ import annotations

import collections
import re
import uuid

import pytest

from harness import roles, surface
from harness.roles import Tier
from harness.sut.adapter import signature_for

from ..api.conftest import Ledger


async def _ship(f):
    yacht, users = await f.crew(tuple(roles.SURFACE_ROLES.values()))
    part = await f.part(yacht)
    here, there = await f.location(yacht), await f.location(yacht)
    stock = await f.stock(part, here, quantity=20)
    return {"yacht": yacht, "users": users, "part": part, "here": here, "there": there, "stock": stock}


def _body(action: str, ship: dict, user, transaction_id) -> dict:
    """A valid body for ``action`` on ``ship``'s ids, signed by ``user`` where §7 asks."""
    ids = {"part_id": str(ship["part"].id), "location_id": str(ship["here"].id)}
    sig = {"signature": signature_for(user)}
    return {
        "consume_part": {**ids, "quantity": 1},
        "receive_part": {**ids, "quantity": 1, "idempotency_key": f"surface-{uuid.uuid4()}"},
        "add_to_shopping_list": {"part_id": ids["part_id"], "quantity": 1},
        "adjust_stock_quantity": {**ids, "new_quantity": 19, "reason": "stocktake"},
        "transfer_part": {"part_id": ids["part_id"], "from_location_id": ids["location_id"],
                          "to_location_id": str(ship["there"].id), "quantity": 1},
        "write_off_part": {**ids, "quantity": 1, "reason": "damaged", **sig},
        "deactivate_part": {"part_id": ids["part_id"], "reason": "obsolete", **sig},
        "reactivate_part": {"part_id": ids["part_id"], **sig},
        "reverse_transaction": {"transaction_id": str(transaction_id), "reason": "entered twice", **sig},
    }[action]


def _lowest(action: str, users: dict):
    tier = roles.ACTIONS[action].tier
    return users[{Tier.CREW: "deckhand", Tier.HOD: "chief_engineer", Tier.MANAGER: "captain"}[tier]]


async def _ledger_types(reads: Ledger, yacht_id) -> collections.Counter:
    rows = await reads.pool.fetch("SELECT transaction_type FROM pms_inventory_transactions WHERE yacht_id = $1", yacht_id)
    return collections.Counter(r["transaction_type"] for r in rows)


async def _attributed_rows(reads: Ledger, yacht_id) -> dict:
    """id -> user_id of every ledger and audit row of the yacht (who each row names)."""
    return {r["id"]: r["user_id"] for table in roles.ATTRIBUTED for r in await reads.pool.fetch(
        f"SELECT id, user_id FROM public.{table} WHERE yacht_id = $1", yacht_id)}


async def _reads(sut, ship: dict, conn) -> tuple[tuple[str, ...], dict[str, tuple[str, str]]]:
    """(every read the API profile declares and an object read per bucket of the catalog, the
    object reads -> (bucket, path) of an object of ``ship`` put there to read).  Every bucket, not
    one: a handler may serve one bucket another way (red team round 4, 45: label PDFs read on the
    pool's own login)."""
    part_reads = tuple(f"GET {route}" for route in sut.profile.reads.values() if "{part_id}" in route)
    objects = {f"GET {sut.storage_path(bucket, '{path}')}": (bucket, await _put_somewhere(sut, ship, conn, bucket))
               for bucket in await surface.buckets(conn)}
    return (*part_reads, *objects), objects


async def _put_somewhere(sut, ship: dict, conn, bucket: str) -> str:
    """The path of an object of ``ship`` in ``bucket``: put through the API by the first of its
    users the storage policies admit under a folder they name (``parts`` or a literal of the
    bucket's policies), else planted by the owner (the read must still be refused)."""
    literals = {m for r in await conn.fetch(
        "SELECT coalesce(qual, '') || ' ' || coalesce(with_check, '') AS t FROM pg_policies "
        "WHERE schemaname = 'storage'") for m in re.findall(r"'([a-z][a-z0-9_-]{1,30})'", r["t"])}
    for folder in ("parts", *sorted(literals - {bucket})):
        path = f"{ship['yacht'].id}/{folder}/surface.pdf"
        for user in ship["users"].values():
            if (await sut.put_object(user, bucket, path, b"%PDF")).status == 201:
                return path
    path = f"{ship['yacht'].id}/parts/surface.pdf"
    await conn.execute("INSERT INTO storage.objects (bucket_id, name) VALUES ($1, $2)", bucket, path)
    return path


async def test_api_surface(sut, committed_factory, ledger, record_cells):
    own, foreign = await _ship(committed_factory), await _ship(committed_factory)
    foreign_tx = await ledger.pool.fetchval("SELECT id FROM pms_inventory_transactions WHERE stock_id = $1 LIMIT 1",
                                            foreign["stock"].id)
    reads, objects = await _reads(sut, foreign, committed_factory.conn)
    cells = surface.api_cells(reads)
    snapshots = [await ledger.snapshot(own["yacht"].id), await ledger.snapshot(foreign["yacht"].id)]
    for cell in (c for c in cells if c.surface == "api"):
        await _api_cell(cell, sut, own["users"][cell.role], foreign, foreign_tx, objects)
    moved = [await ledger.snapshot(own["yacht"].id), await ledger.snapshot(foreign["yacht"].id)] != snapshots
    for cell in (c for c in cells if c.surface == "api" and moved):
        cell.actual, cell.detail = "allowed", cell.detail + "; rows moved on a yacht"
    consumed = None
    for cell in (c for c in cells if c.surface == "api_effects"):
        r = await _effects_cell(cell, sut, ledger, own, consumed)
        if cell.extra["action"] == "consume_part" and r.status == 200:
            consumed = r.json.get("transaction_id")
    record_cells(cells, "api")


async def _api_cell(cell, sut, user, ship: dict, transaction_id, objects: dict[str, tuple[str, str]]) -> None:
    """``user`` runs the cell's action (or read) with ``ship``'s ids: denied means it got the
    cell's expected status."""
    if cell.target.startswith("POST "):
        r = await sut.call(user, cell.extra["action"], _body(cell.extra["action"], ship, user, transaction_id))
    elif cell.target in objects:
        r = await sut.get_object(user, *objects[cell.target])
    else:
        r = sut.normalise(await sut.get(user, cell.target.split()[1].replace("{part_id}", str(ship["part"].id))))
    cell.detail = f"{r.status} {r.error}"
    cell.actual = "denied" if r.status == cell.extra["status"] else ("allowed" if r.status < 300 else f"answered {r.status}")


async def _effects_cell(cell, sut, ledger, own: dict, transaction_id, inject=None):
    """Run ``cell``'s action as the lowest tier it admits and judge what it left on the yacht:
    §7's ledger rows and exactly one audit row.  ``inject`` (the detector proof) runs between
    the action and the count."""
    action = cell.extra["action"]
    user = _lowest(action, own["users"])
    types, audit = await _ledger_types(ledger, own["yacht"].id), await ledger.count("pms_audit_log", own["yacht"].id)
    authors = await _attributed_rows(ledger, own["yacht"].id)
    r = await sut.call(user, action, _body(action, own, user, transaction_id))
    if inject:
        await inject()
    new_types = await _ledger_types(ledger, own["yacht"].id) - types
    new_audit = await ledger.count("pms_audit_log", own["yacht"].id) - audit
    named = {str(u) for i, u in (await _attributed_rows(ledger, own["yacht"].id)).items() if i not in authors}
    got = {"status": r.status, "types": sorted(new_types.elements()), "audit": new_audit,
           "named": "the caller" if named == {str(user.id)} else sorted(named)}
    want = {"status": 200, "types": cell.extra["types"], "audit": 1, "named": "the caller"}
    cell.actual = "allowed" if got == want else f"wrong effects {got}"
    cell.detail = str(got)
    return r


@pytest.mark.detector
async def test_audit_detector_reports_a_missing_audit_row(sut, committed_factory, ledger):
    """The effects cells' audit count (one audit row per action, §7) reports an action whose
    audit row is missing: the row the action wrote is deleted (as the owner) before the count."""
    own = await _ship(committed_factory)
    cell = next(c for c in surface.api_cells() if c.surface == "api_effects" and c.extra["action"] == "consume_part")
    await _effects_cell(cell, sut, ledger, own, None)
    assert cell.verdict == "verified", cell

    async def drop_audit_row():
        await ledger.pool.execute("DELETE FROM pms_audit_log WHERE id = (SELECT id FROM pms_audit_log "
                                  "WHERE yacht_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1)", own["yacht"].id)
    await _effects_cell(cell, sut, ledger, own, None, inject=drop_audit_row)
    assert cell.verdict == "failed" and "'audit': 0" in cell.detail, cell
