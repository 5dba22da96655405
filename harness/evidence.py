"""Post-migration evidence bundle: what a reviewer needs to see that the schema is what the
contract says, queried from the catalogue (not from our own SQL files, so it also describes a
user's database). Written as one JSON file per topic, plus summary.json and summary.md."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
from psycopg.rows import dict_row

from harness.redact import redact_dsn

LENS_TABLES = [
    "yacht_registry", "auth_users_profiles", "auth_users_roles", "pms_parts", "pms_part_locations",
    "pms_inventory_stock", "pms_inventory_transactions", "pms_part_usage", "pms_shopping_list_items",
    "pms_audit_log",
]
HELPERS = ["get_user_yacht_id", "is_operational_crew", "is_hod", "is_manager"]
ROLE_HELPERS = HELPERS[1:]

QUERIES = {
    "rls": """
        SELECT c.relname AS table, c.relrowsecurity AS rls_enabled, c.relforcerowsecurity AS rls_forced,
               (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname = ANY(%(tables)s)
        ORDER BY c.relname""",
    "helpers": """
        SELECT p.proname AS name, p.pronargs AS arity, pg_get_function_identity_arguments(p.oid) AS arguments,
               pg_get_function_result(p.oid) AS returns, p.prosecdef AS security_definer,
               coalesce(array_to_string(p.proconfig, ', '), '') AS config
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND p.proname = ANY(%(helpers)s) ORDER BY p.proname, p.pronargs""",
    "policies": """
        SELECT schemaname AS schema, tablename AS table, policyname AS policy, cmd, roles::text AS roles,
               qual AS using_expression, with_check AS check_expression
        FROM pg_policies WHERE schemaname IN ('public', 'storage') ORDER BY schemaname, tablename, policyname""",
    "security_definer": """
        SELECT n.nspname AS schema, p.proname AS name, pg_get_function_identity_arguments(p.oid) AS arguments,
               coalesce(array_to_string(p.proconfig, ', '), '') AS config,
               -- pinned, with pg_temp named and last: a temp schema searched first can shadow what
               -- the function resolves, and PostgreSQL searches pg_temp FIRST when the path does not
               -- name it (docs, "Writing SECURITY DEFINER Functions Safely"). An empty path (Supabase's
               -- fix for function_search_path_mutable) also pins it: a function that works with it
               -- names every schema, so nothing unqualified is left for a temp table to shadow.
               EXISTS (SELECT 1 FROM unnest(p.proconfig) c
                       WHERE c ~ '^search_path=(""|(.*,)?[[:space:]]*"?pg_temp"?[[:space:]]*)$') AS search_path_pinned
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE p.prosecdef AND n.nspname IN ('public', 'auth', 'storage') ORDER BY n.nspname, p.proname""",
    "storage_policies": """
        SELECT policyname AS policy, cmd, roles::text AS roles, qual AS using_expression, with_check AS check_expression
        FROM pg_policies WHERE schemaname = 'storage' ORDER BY policyname""",
    "indexes": """
        SELECT tablename AS table, indexname AS index, indexdef AS definition
        FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(%(tables)s) ORDER BY tablename, indexname""",
    "triggers": """
        SELECT c.relname AS table, t.tgname AS trigger, t.tgenabled <> 'D' AS enabled, pg_get_triggerdef(t.oid) AS definition
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT t.tgisinternal AND n.nspname = 'public' ORDER BY c.relname, t.tgname""",
    "migrations": """
        SELECT version, name, sha256, applied_at::text AS applied_at, duration_ms
        FROM lens_harness.schema_migrations ORDER BY applied_at, version""",
    "drift": "SELECT * FROM check_inventory_drift()",
}


def _query(conn, name: str) -> list[dict]:
    try:
        with conn.transaction():
            rows = conn.execute(QUERIES[name], {"tables": LENS_TABLES, "helpers": HELPERS}).fetchall()
    except psycopg.errors.UndefinedTable:
        return []  # e.g. migrations applied by another tool: no ledger of ours
    return [{k: (str(v) if not isinstance(v, (int, bool, float, type(None), list)) else v) for k, v in r.items()} for r in rows]


def collect(dsn: str) -> dict[str, list[dict]]:
    with psycopg.connect(dsn, autocommit=True, row_factory=dict_row) as conn:
        return {name: _query(conn, name) for name in QUERIES}


def summarize(bundle: dict[str, list[dict]]) -> dict:
    """The findings a reviewer signs off on, each with the rows that prove it."""
    present = {r["table"] for r in bundle["rls"]}
    zero_arg = [h for h in bundle["helpers"] if h["name"] in ROLE_HELPERS and h["arity"] == 0]
    unpinned = [f"{f['schema']}.{f['name']}({f['arguments']})" for f in bundle["security_definer"] if not f["search_path_pinned"]]
    checks = {
        "all_tables_present": sorted(set(LENS_TABLES) - present) == [],
        "rls_on_every_table": all(r["rls_enabled"] for r in bundle["rls"]) and bool(bundle["rls"]),
        "helpers_present": {h["name"] for h in bundle["helpers"]} >= set(HELPERS),
        "no_zero_arg_helper_overload": not zero_arg,
        "security_definer_search_path_pinned": not unpinned,
        "zero_drift": not bundle["drift"],
    }
    return {
        "passed": all(checks.values()),
        "checks": checks,
        "missing_tables": sorted(set(LENS_TABLES) - present),
        "tables_without_rls": [r["table"] for r in bundle["rls"] if not r["rls_enabled"]],
        "zero_arg_helpers": zero_arg,
        "unpinned_security_definer": unpinned,
        "rls": [{"table": r["table"], "rls_enabled": r["rls_enabled"]} for r in bundle["rls"]],
        "helpers": bundle["helpers"],
        "policies": [{"table": p["table"], "policy": p["policy"], "cmd": p["cmd"]} for p in bundle["policies"]],
        "security_definer": [{"name": f"{f['schema']}.{f['name']}", "search_path_pinned": f["search_path_pinned"]} for f in bundle["security_definer"]],
        "migrations": [{"version": m["version"], "name": m["name"], "sha256": m["sha256"]} for m in bundle["migrations"]],
        "drift_rows": len(bundle["drift"]),
    }


def _markdown(summary: dict, dsn: str) -> str:
    lines = [f"# Post-migration evidence — {'PASS' if summary['passed'] else 'FAIL'}", "", f"Database: `{redact_dsn(dsn)}`", "",
             "| check | result |", "|---|---|"]
    lines += [f"| {name} | {'pass' if ok else '**FAIL**'} |" for name, ok in summary["checks"].items()]
    lines += ["", "| table | RLS |", "|---|---|"] + [f"| {r['table']} | {r['rls_enabled']} |" for r in summary["rls"]]
    lines += ["", "| migration | sha256 |", "|---|---|"] + [f"| {m['version']}_{m['name']} | `{m['sha256'][:16]}` |" for m in summary["migrations"]]
    return "\n".join(lines) + "\n"


def write_bundle(dsn: str, out_dir: Path) -> dict:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    bundle = collect(dsn)
    for name, rows in bundle.items():
        (out_dir / f"{name}.json").write_text(json.dumps(rows, indent=2, default=str))
    summary = summarize(bundle)
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    (out_dir / "summary.md").write_text(_markdown(summary, dsn))
    return summary
