"""The API side of the inventory reuses the API suite's owner-side reads (`ledger`); every
surface test records its cells through `record_cells` (matrix.py)."""

from ..api.conftest import ledger  # noqa: F401  (fixture)
from .matrix import record_cells  # noqa: F401  (fixture)
