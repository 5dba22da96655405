"""Reference-only HTTP checks reuse the API suite's committed ships (the API must see them) and
owner-side `Ledger` reads, the concurrency suite's sizes and evidence writer, and the fuzz's
catalog of internal names no message may carry."""

from ...api.conftest import ledger, other_ship, ship  # noqa: F401  (fixtures)
from ...concurrency.conftest import provenance, record_run, sizes  # noqa: F401  (fixtures)
from ...negative.test_fuzz import internal_names  # noqa: F401  (fixture)
