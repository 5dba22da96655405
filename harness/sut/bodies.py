"""Action request bodies: one declarative spec per action (ARCHITECTURE.md table).

The same spec drives the strict validator the handler runs before touching data
and the JSON Schema published in ``/openapi.json``, so the documented contract
and the enforced one cannot drift apart.  Every rejection is a ``ServiceError``
with status 400 and a specific code; nothing malformed reaches the database
(where it would surface as an opaque error or, worse, a 500).
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from harness.sut import ServiceError
from harness.sut.rules import SIGNATURE_KEYS, STRICT, InputRules, storable

MAX_QUANTITY = 1_000_000          # far below int4 overflow even after many receives
MAX_TEXT = 1000
MAX_KEY = 200
MAX_SIGNATURE_BYTES = 4096
URGENCIES = ("low", "normal", "high", "critical")


@dataclass(frozen=True)
class Field:
    """One body field. ``kind`` selects the parser, the error codes and the schema."""

    kind: str                      # uuid | quantity | count | text | key | enum | signature
    required: bool = True
    max_length: int = MAX_TEXT
    choices: tuple[str, ...] = ()


UUID, UUID_OPT = Field("uuid"), Field("uuid", required=False)
QTY = Field("quantity")
TEXT, TEXT_OPT = Field("text"), Field("text", required=False)
SIG, SIG_OPT = Field("signature"), Field("signature", required=False)

BODIES: dict[str, dict[str, Field]] = {
    "consume_part": {
        "part_id": UUID, "location_id": UUID, "quantity": QTY, "work_order_id": UUID_OPT,
        "usage_reason": TEXT_OPT, "notes": Field("text", False, 4000),
        "idempotency_key": Field("key", False, MAX_KEY),
    },
    "receive_part": {
        "part_id": UUID, "location_id": UUID, "quantity": QTY,
        "idempotency_key": Field("key", True, MAX_KEY), "reference_id": UUID_OPT,
    },
    "add_to_shopping_list": {
        "part_id": UUID, "quantity": QTY, "urgency": Field("enum", False, choices=URGENCIES),
    },
    "adjust_stock_quantity": {
        "part_id": UUID, "location_id": UUID, "new_quantity": Field("count"),
        "reason": TEXT_OPT, "signature": SIG_OPT,
    },
    "transfer_part": {
        "part_id": UUID, "from_location_id": UUID, "to_location_id": UUID, "quantity": QTY,
    },
    "write_off_part": {
        "part_id": UUID, "location_id": UUID, "quantity": QTY, "reason": TEXT, "signature": SIG,
    },
    "deactivate_part": {"part_id": UUID, "reason": TEXT, "signature": SIG},
    "reactivate_part": {"part_id": UUID, "signature": SIG},
    "reverse_transaction": {"transaction_id": UUID, "reason": TEXT, "signature": SIG},
}

_MISSING_CODE = {"quantity": "invalid_quantity", "count": "invalid_quantity",
                 "signature": "signature_required", "key": "idempotency_key_required"}
_INVALID_CODE = {"uuid": "invalid_uuid", "quantity": "invalid_quantity",
                 "count": "invalid_quantity", "signature": "signature_invalid",
                 "key": "invalid_idempotency_key"}


def _bad(code: str, message: str, name: str | None = None) -> ServiceError:
    return ServiceError(400, code, message, {"field": name} if name else None)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _clean_text(value: Any, max_length: int, rules: InputRules) -> str | None:
    """A storable str of at most ``max_length`` characters that shows something, else None."""
    if not isinstance(value, str) or len(value) > max_length or not storable(value):
        return None
    return None if rules.blank(value) else value


def _json_safe(value: Any, depth: int = 0) -> bool:
    """True when ``value`` round-trips into jsonb (no NUL, no surrogates, shallow)."""
    if depth > 8:
        return False
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return all(_json_safe(k, depth + 1) and _json_safe(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return all(_json_safe(v, depth + 1) for v in value)
    return value is None or isinstance(value, (bool, int, float))


def _signature(value: Any, caller_id: uuid.UUID, caller_roles: Iterable[str], rules: InputRules) -> dict:
    """A signature object whose signer is the caller, signing in a role they hold, now."""
    def bad(rule: str) -> ServiceError:
        return _bad("signature_invalid", f"signature {rule}", "signature")

    if not isinstance(value, dict) or not _json_safe(value) or len(json.dumps(value)) > MAX_SIGNATURE_BYTES:
        raise bad(f"must be a JSON object of at most {MAX_SIGNATURE_BYTES} bytes")
    if not rules.signature_keys(value):
        raise bad(f"must have exactly the keys {', '.join(SIGNATURE_KEYS)}")
    for key in SIGNATURE_KEYS:
        if _clean_text(value.get(key), MAX_TEXT, rules) is None:
            raise bad(f"{key} must be visible text of at most {MAX_TEXT} characters")
    if rules.uuid(value["user_id"]) != caller_id:
        raise bad("user_id must be the caller's user id")
    if value["role_at_signing"] not in set(caller_roles):
        raise bad("role_at_signing must be one of the caller's active roles")
    if not rules.signed_at(value["signed_at"]):
        raise bad("signed_at must be an ISO 8601 time with a UTC offset, "
                  "at most 5 minutes ahead and 24 hours old")
    return {**value, "user_id": str(caller_id)}


_RULE = {
    "uuid": "must be a UUID (8-4-4-4-12 hex digits)",
    "quantity": f"must be an integer from 1 to {MAX_QUANTITY}",
    "count": f"must be an integer from 0 to {MAX_QUANTITY}",
    "text": "must be visible text without NUL, at most {max} characters",
    "key": "must be visible text without NUL, at most {max} characters",
    "enum": "must be one of {choices}",
}


def _parse(name: str, spec: Field, value: Any, caller_id, caller_roles, rules: InputRules) -> Any:
    kind = spec.kind
    if kind == "uuid":
        parsed = rules.uuid(value)
        ok = parsed is not None
    elif kind in ("quantity", "count"):
        parsed, low = value, 1 if kind == "quantity" else 0
        ok = _is_int(value) and low <= value <= MAX_QUANTITY
    elif kind in ("text", "key"):
        parsed = _clean_text(value, spec.max_length, rules)
        ok = parsed is not None
    elif kind == "enum":
        parsed, ok = value, isinstance(value, str) and value in spec.choices
    else:
        return _signature(value, caller_id, caller_roles, rules)
    if not ok:
        rule = _RULE[kind].format(max=spec.max_length, choices=", ".join(spec.choices))
        raise _bad(_INVALID_CODE.get(kind, "invalid_field"), f"{name} {rule}", name)
    return parsed


def validate(action: str, body: Any, caller_id: uuid.UUID, caller_roles: Iterable[str],
             rules: InputRules = STRICT) -> dict:
    """Strictly parse an action body; returns every spec field (None when absent)."""
    spec = BODIES[action]
    if not isinstance(body, dict):
        raise _bad("invalid_body", "the body must be a JSON object")
    if not all(rules.key_ok(k) for k in body):
        raise _bad("invalid_body", "field names must be printable text of at most 64 characters")
    unknown = sorted(set(body) - set(spec))
    if unknown:
        raise _bad("unknown_field", f"unknown field(s): {', '.join(unknown)}; "
                   f"{action} takes {', '.join(spec)}", unknown[0])
    out: dict[str, Any] = {}
    for name, field in spec.items():
        value = body.get(name)
        if value is None or (field.kind == "signature" and value == {}):
            if field.required:
                raise _bad(_MISSING_CODE.get(field.kind, "missing_field"), f"{name} is required", name)
            out[name] = None
            continue
        out[name] = _parse(name, field, value, caller_id, caller_roles, rules)
    if action == "transfer_part" and out["from_location_id"] == out["to_location_id"]:
        raise _bad("invalid_transfer", "from_location_id and to_location_id must differ")
    return out


# --- JSON Schema (OpenAPI 3.1) -------------------------------------------------------------

_TEXT_PATTERN = "^[^\\u0000]*\\S[^\\u0000]*$"
SIGNATURE_SCHEMA = {
    "type": "object",
    "description": "Signer must be the caller, signing in one of their active roles.",
    "required": list(SIGNATURE_KEYS),
    "additionalProperties": False,
    "properties": {
        "user_id": {"type": "string", "format": "uuid"},
        "role_at_signing": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT},
        "signature_type": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT},
        "reason": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT},
        "signed_at": {"type": "string", "format": "date-time"},
    },
}


def field_schema(field: Field) -> dict:
    if field.kind == "uuid":
        return {"type": "string", "format": "uuid"}
    if field.kind in ("quantity", "count"):
        return {"type": "integer", "minimum": 1 if field.kind == "quantity" else 0,
                "maximum": MAX_QUANTITY}
    if field.kind == "enum":
        return {"type": "string", "enum": list(field.choices)}
    if field.kind == "signature":
        return {"$ref": "#/components/schemas/Signature"}
    return {"type": "string", "minLength": 1, "maxLength": field.max_length,
            "pattern": _TEXT_PATTERN}


def body_schema(action: str) -> dict:
    spec = BODIES[action]
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [name for name, f in spec.items() if f.required],
        "properties": {name: field_schema(f) for name, f in spec.items()},
    }
