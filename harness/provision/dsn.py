"""An existing server (e.g. the staging tenant): never started or stopped by the harness."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import psycopg

from harness.errors import HarnessError
from harness.redact import redact_dsn


def check_reachable(dsn: str) -> None:
    """Fail early with one line that names the DSN (redacted) and the server's own reason."""
    try:
        with psycopg.connect(dsn, connect_timeout=10) as conn:
            conn.execute("SELECT 1")
    except (psycopg.Error, ValueError) as exc:
        reason = " ".join(str(exc).split())[:200]
        raise HarnessError(f"cannot connect to {redact_dsn(dsn)}: {redact_dsn(reason)}") from None


class ExistingServer:
    kind = "dsn"

    def __init__(self, dsn: str):
        self.dsn = dsn

    def start(self) -> "ExistingServer":
        check_reachable(self.dsn)
        return self

    def stop(self) -> None:
        """Nothing to stop: the server belongs to the user."""

    def dsn_for(self, dbname: str) -> str:
        parts = urlsplit(self.dsn)
        return urlunsplit(parts._replace(path=f"/{dbname}"))

    @property
    def admin_dsn(self) -> str:
        return self.dsn

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
