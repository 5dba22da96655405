"""The API side of the identity-change scope (harness/surface_tenancy.py ``api_identity_cells``):
each role of the own yacht also holds an active captain row on the other yacht (a moved captain
whose old row nobody deactivated, relief crew) and calls, through the API profile, every action
its role may not run with its own yacht's ids (403: the caller's roles are those of its own yacht,
CONTRACT §1/§7), and every action and declared read with the other yacht's ids (404 or 403, as
for a plain user).  Neither yacht's rows move.  These commit (the API runs in its own process):
the rows hang off the run's own yachts and are purged."""
from __future__ import annotations

from harness import roles, surface_tenancy

from .test_api_surface import _api_cell, _reads, _ship


async def test_api_identity(sut, committed_factory, ledger, record_cells):
    own, foreign = await _ship(committed_factory), await _ship(committed_factory)
    for user in own["users"].values():
        await committed_factory.conn.execute(
            "INSERT INTO auth_users_roles (user_id, yacht_id, role, is_active) VALUES ($1, $2, $3, true)",
            user.id, foreign["yacht"].id, roles.SECOND_YACHT_ROLE)
    tx = {side: await ledger.pool.fetchval("SELECT id FROM pms_inventory_transactions WHERE stock_id = $1 LIMIT 1",
                                           ship["stock"].id) for side, ship in (("own", own), ("foreign", foreign))}
    reads, objects = await _reads(sut, foreign, committed_factory.conn)
    cells = surface_tenancy.api_identity_cells(reads)
    snapshots = [await ledger.snapshot(own["yacht"].id), await ledger.snapshot(foreign["yacht"].id)]
    for cell in cells:
        side = "own" if cell.scope == "dual_own" else "foreign"
        await _api_cell(cell, sut, own["users"][cell.role], own if side == "own" else foreign, tx[side], objects)
    if [await ledger.snapshot(own["yacht"].id), await ledger.snapshot(foreign["yacht"].id)] != snapshots:
        for cell in cells:
            cell.actual, cell.detail = "allowed", cell.detail + "; rows moved on a yacht"
    record_cells(cells, "api_identity")
