"""What the gate checks, by ID (CONTRACT §8): titles for the matrix and expected codes.

The report uses these tables when a test did not record its own ``title`` /
``expected_status`` / ``expected_error`` property.
"""

from __future__ import annotations

# ID -> (theme, what it proves)
ACCEPTANCE: dict[str, tuple[str, str]] = {
    "A01": ("RLS isolation", "authenticated sees only its own yacht's parts"),
    "A02": ("RLS isolation", "authenticated sees only its own yacht's stock rows"),
    "A03": ("RLS isolation", "authenticated sees only its own yacht's ledger rows"),
    "A04": ("RLS isolation", "authenticated sees only its own yacht's part locations"),
    "A05": ("RLS isolation", "cross-yacht deduct refused, even with a forged yacht id (stock_not_found, nothing changes)"),
    "A06": ("Concurrency", "two concurrent consumes of the last 5 units: exactly one wins, the other gets insufficient_stock, final 0"),
    "A07": ("Concurrency", "two concurrent receives of 10: final quantity 20"),
    "A08": ("Idempotency", "a duplicate idempotency key is rejected"),
    "A09": ("Idempotency", "the same idempotency key on two yachts is accepted"),
    "A10": ("Soft delete", "deduct on deactivated stock is refused"),
    "A11": ("Soft delete", "the trigger refuses a direct ledger insert on deactivated stock"),
    "A12": ("Soft delete", "reactivation restores mutations"),
    "A13": ("Reversal", "a second reversal of the same row is refused"),
    "A14": ("Reversal", "reversing a reversal is refused"),
    "A15": ("Type gating", "operational crew may insert exactly its transaction types (consumed)"),
    "A16": ("Type gating", "HOD may insert exactly its transaction types (received, transferred_out/in, adjusted)"),
    "A17": ("Type gating", "manager may insert exactly its transaction types (write_off, reversed)"),
    "A18": ("Helper parity", "every role against every helper gives the contract's answer; no zero-argument overloads"),
    "A19": ("Helper parity", "the SQL helpers agree with the handler's role model"),
    "A20": ("Dual ledger", "zero drift after a mixed workload; consumed rows carry usage_id"),
    "A21": ("Transfer validation", "a transfer with from == to is refused"),
}

# ID -> (what, expected status, expected error code or SQLSTATE)
NEGATIVE: dict[str, tuple[str, str, str]] = {
    "N1": ("crew direct ledger insert of type adjusted", "403", "42501"),
    "N2": ("crew direct ledger insert of type received", "403", "42501"),
    "N3": ("duplicate idempotency key", "409", "duplicate_request"),
    "N4": ("transfer with from == to", "400", "invalid_transfer"),
    "N5": ("large adjust without signature", "400", "signature_required"),
    "N6": ("second reversal of the same transaction", "409", "already_reversed"),
    "N7": ("mutation on deactivated stock", "409", "part_deactivated"),
    "N8": ("storage write under another yacht's prefix", "403", ""),
}

SUITES = ("rls", "ledger", "concurrency", "negative", "api")

# Tables that must have RLS enabled (CONTRACT §3 / §5).
LENS_TABLES = (
    "pms_parts",
    "pms_part_locations",
    "pms_inventory_stock",
    "pms_inventory_transactions",
    "pms_part_usage",
    "pms_shopping_list_items",
    "pms_audit_log",
)

# Helpers that must exist only with explicit arity (CONTRACT §2). get_user_yacht_id() is
# zero-argument by definition and is not in this list.
EXPLICIT_ARITY_HELPERS = ("is_operational_crew", "is_hod", "is_manager")

