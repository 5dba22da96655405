"""The API side of the inventory reuses the API suite's owner-side reads (`ledger`)."""

from ..api.conftest import ledger  # noqa: F401  (fixture)
