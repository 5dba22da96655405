"""Reference-only HTTP checks reuse the API suite's committed ships (the API must see them) and
owner-side `Ledger` reads."""

from ...api.conftest import ledger, other_ship, ship  # noqa: F401  (fixtures)
