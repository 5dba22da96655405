"""Variations of a contract rule derived from its definition, shared by the SQL edges, the
reference's function checks and the HTTP error table: each signature field omitted or changed on
its own, and signed_at just inside and just outside both bounds of its window (CONTRACT §7)."""
from __future__ import annotations

import json
from datetime import timedelta

from ..lens_sql import signature

#: CONTRACT §7: the fields a signature is made of (signed_by is the ledger column naming the signer).
SIGNATURE_FIELDS = ("user_id", "signed_by", "role_at_signing", "signature_type", "reason", "signed_at")
#: §7's window for signed_at, and what "just inside / just outside" means for it.
WINDOW = {"ahead": timedelta(minutes=5), "behind": timedelta(hours=24)}
EDGE = timedelta(seconds=1)


def signed_columns(user, now, **change) -> dict:
    """A valid signature by ``user`` signed at ``now``, with ``change`` applied field by field: a
    value replaces the field, ``None`` omits it."""
    sig = {**signature(user), "signed_at": now.isoformat(), "signed_by": user.id}
    for field, value in change.items():
        if value is None:
            sig.pop(field, None)
        else:
            sig[field] = value
    signed_by = sig.pop("signed_by", None)
    return {"signature": json.dumps(sig), "signed_by": signed_by}


def field_variations(colleague, signer, fields=SIGNATURE_FIELDS) -> dict[str, dict]:
    """Each of ``fields`` omitted (None), and changed to the nearest wrong value: the colleague's
    id, a role the signer does not hold, blank text, a time that is no time."""
    wrong = {"user_id": str(colleague.id), "signed_by": colleague.id, "role_at_signing": "deckhand",
             "signature_type": " ", "reason": " ", "signed_at": "yesterday"}
    assert signer.role != wrong["role_at_signing"] and signer.id != colleague.id
    return {**{f"{f} omitted": {f: None} for f in fields},
            **{f"{f} changed": {f: wrong[f]} for f in fields}}


def window_variations() -> dict[str, tuple[timedelta, bool]]:
    """signed_at relative to the database's now(): (offset, accepted) just inside and just outside
    both bounds (§7: at most 5 minutes ahead, at most 24 hours old)."""
    return {"ahead, just inside": (WINDOW["ahead"] - EDGE, True),
            "ahead, just outside": (WINDOW["ahead"] + EDGE, False),
            "behind, just inside": (-WINDOW["behind"] + timedelta(minutes=1), True),
            "behind, just outside": (-WINDOW["behind"] - timedelta(minutes=1), False)}
