"""Conformance: does the target expose what CONTRACT §10's left column says tests may rely on?

Read from the catalog only (no call, no write), before the suites: every missing table, column,
helper, function signature or return column is one `Finding` naming its contract section. A test
that then trips over a missing object is reported *blocked* with that finding (see
`blocking_finding`), instead of hundreds of setup errors hiding every result. Policy behaviour
(§5) is not conformance — the suites judge it.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import asyncpg

# §1 tenancy tables and §3 tables, with the columns the contract names.
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "yacht_registry": ("§1", ("id", "name")),
    "auth_users_profiles": ("§1", ("id", "yacht_id", "is_active")),
    "auth_users_roles": ("§1", ("user_id", "yacht_id", "role", "is_active")),
    "pms_parts": ("§3", ("id", "yacht_id", "name", "part_number", "manufacturer", "category", "unit",
                         "minimum_quantity", "desired_quantity", "quantity_on_hand", "primary_location_id",
                         "deleted_at", "deleted_by", "deletion_reason", "created_at", "updated_at")),
    "pms_part_locations": ("§3", ("id", "yacht_id", "name", "path", "description", "created_at", "created_by")),
    "pms_inventory_stock": ("§3", ("id", "yacht_id", "part_id", "location", "location_id", "quantity",
                                   "deleted_at", "deleted_by", "created_at", "updated_at")),
    "pms_inventory_transactions": ("§3", (
        "id", "yacht_id", "stock_id", "part_id", "transaction_type", "quantity_change", "quantity_before",
        "quantity_after", "from_location_id", "to_location_id", "reference_type", "reference_id",
        "transfer_group_id", "reverses_transaction_id", "idempotency_key", "usage_id", "signature",
        "signed_by", "user_id", "created_at")),
    "pms_part_usage": ("§3", ("id", "yacht_id", "part_id", "work_order_id", "equipment_id", "quantity",
                              "usage_reason", "notes", "used_at", "used_by")),
    "pms_shopping_list_items": ("§3", ("id", "yacht_id", "part_id", "part_name", "quantity_requested", "urgency",
                                       "status", "source_type", "created_by", "created_at")),
    "pms_audit_log": ("§3", ("id", "yacht_id", "entity_type", "entity_id", "action", "user_id", "old_values",
                             "new_values", "signature", "created_at")),
    "pms_part_stock": ("§3", ()),
    "v_stock_from_transactions": ("§3", ("reconciliation_status",)),
}
# Helpers (§2) and other functions with the number of arguments the contract calls them with.
ROUTINES: dict[str, tuple[str, int]] = {
    "get_user_yacht_id": ("§2", 0),
    "is_operational_crew": ("§2", 2),
    "is_hod": ("§2", 2),
    "is_manager": ("§2", 2),
    "check_inventory_drift": ("§3", 0),
}
STOCK_FUNCTIONS = ("deduct_stock_inventory", "add_stock_inventory")
STOCK_PARAMS = ("p_stock_id", "p_quantity", "p_yacht_id")
STOCK_RETURNS = ("success", "quantity_before", "quantity_after", "error_code")


@dataclass(frozen=True)
class Finding:
    section: str
    object: str  # "table", "table.column" or "function"
    problem: str

    def __str__(self) -> str:
        return f"CONTRACT {self.section}: {self.object} {self.problem}"

    @property
    def names(self) -> tuple[str, ...]:
        """The identifiers an error message about this object would quote."""
        return tuple(self.object.split("."))


async def columns(conn) -> dict[str, set[str]]:
    rows = await conn.fetch(
        "SELECT c.relname, a.attname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND c.relname = ANY($1)", list(TABLES))
    found: dict[str, set[str]] = {}
    for r in rows:
        found.setdefault(r["relname"], set()).add(r["attname"])
    return found


async def routines(conn, names) -> dict[str, list[asyncpg.Record]]:
    rows = await conn.fetch(
        "SELECT p.proname, p.pronargs, p.pronargdefaults, p.proargnames, p.proargmodes::text[] AS proargmodes, "
        "       (SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_type t "
        "          JOIN pg_attribute a ON a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped "
        "         WHERE t.oid = p.prorettype) AS composite_columns "
        "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = 'public' AND p.proname = ANY($1)", list(names))
    found: dict[str, list[asyncpg.Record]] = {}
    for r in rows:
        found.setdefault(r["proname"], []).append(r)
    return found


def parameters(overload: asyncpg.Record) -> tuple[list[str], list[str]]:
    """(input parameter names, returned column names) of one overload read by `routines`."""
    names, modes = list(overload["proargnames"] or []), list(overload["proargmodes"] or [])
    modes = modes or ["i"] * len(names)
    inputs = [n for n, m in zip(names, modes) if m in ("i", "b", "v")]
    outputs = [n for n, m in zip(names, modes) if m in ("o", "b", "t")] or list(overload["composite_columns"] or [])
    return inputs, outputs


def signature_problem(overloads: list[asyncpg.Record]) -> str | None:
    """None when one overload is callable with §6's three parameters and returns its four columns."""
    problems = []
    for p in overloads:
        inputs, outputs = parameters(p)
        if tuple(inputs[:3]) != STOCK_PARAMS:
            problems.append(f"parameters are ({', '.join(inputs)}), not ({', '.join(STOCK_PARAMS)}, ...)")
        elif p["pronargs"] - p["pronargdefaults"] > 2:
            problems.append("has parameters without defaults beyond p_stock_id, p_quantity")
        elif missing := [c for c in STOCK_RETURNS if c not in outputs]:
            problems.append(f"does not return {', '.join(missing)}")
        else:
            return None
    return "; ".join(problems)


async def check(conn: asyncpg.Connection) -> list[Finding]:
    """Every way the target falls short of §10's left column, one finding per missing object."""
    findings = []
    found_columns = await columns(conn)
    for table, (section, wanted) in TABLES.items():
        if table not in found_columns:
            findings.append(Finding(section, table, "is missing"))
            continue
        findings += [Finding(section, f"{table}.{c}", "is missing") for c in wanted if c not in found_columns[table]]
    found = await routines(conn, [*ROUTINES, *STOCK_FUNCTIONS])
    for name, (section, arity) in ROUTINES.items():
        if not any(r["pronargs"] - r["pronargdefaults"] <= arity <= r["pronargs"] for r in found.get(name, [])):
            findings.append(Finding(section, name, f"with {arity} argument(s) is missing"))
    for name in STOCK_FUNCTIONS:
        if name not in found:
            findings.append(Finding("§6", name, "is missing"))
        elif problem := signature_problem(found[name]):
            findings.append(Finding("§6", name, problem))
    return findings


def save(findings: list[Finding], path: Path) -> None:
    path.write_text(json.dumps([asdict(f) | {"text": str(f)} for f in findings], indent=2))


UNDEFINED = {"42P01", "42703", "42883"}  # undefined table, column, function


def blocking_finding(findings: list[Finding], exc: BaseException) -> Finding | None:
    """The finding an "undefined table/column/function" error is about: its object's last name
    is quoted in the message, and its table too when the message names a relation."""
    if getattr(exc, "sqlstate", None) not in UNDEFINED:
        return None
    message = str(exc)
    words = set(re.findall(r"\w+", message))
    for finding in findings:
        *table, leaf = finding.names
        if leaf in words and (not table or table[0] in words or "relation" not in message):
            return finding
    return None
