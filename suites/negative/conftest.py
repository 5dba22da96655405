"""The negative suite reuses the API suite's committed ships and owner-side `Ledger` reads: a
refusal is only proven by the state not moving, read from outside the API."""

from ..api.conftest import Ledger, Ship, ledger, other_ship, ship  # noqa: F401  (fixtures)
