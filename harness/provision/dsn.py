"""An existing server (e.g. the staging tenant): never started or stopped by the harness."""

from __future__ import annotations

import os
import time
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict

from harness.errors import HarnessError
from harness.redact import redact_dsn, remember_dsn


# A server that answered FATAL has refused for good (password, user, database), unless it said
# it is not ready yet; no answer at all (refused, no route, unknown host) is worth waiting for.
_NOT_READY = ("the database system is starting up", "the database system is shutting down",
              "the database system is in recovery mode", "too many clients")


def _final(exc: Exception) -> bool:
    text = str(exc)
    return not isinstance(exc, psycopg.OperationalError) or ("FATAL:" in text and not any(t in text for t in _NOT_READY))


def check_reachable(dsn: str, timeout: float | None = None) -> None:
    """Connect once, retrying while the server is not up yet (a compose service that just
    started, a restarting staging server) until `timeout` seconds (LENS_CONNECT_TIMEOUT, default
    10); then fail with one line naming the DSN (redacted) and the server's own reason."""
    if timeout is None:
        timeout = float(os.environ.get("LENS_CONNECT_TIMEOUT", "10"))
    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(dsn, connect_timeout=10) as conn:
                conn.execute("SELECT 1")
            return
        except (psycopg.Error, ValueError) as exc:
            if _final(exc) or time.monotonic() >= deadline:
                reason = " ".join(str(exc).split())[:200]
                raise HarnessError(f"cannot connect to {redact_dsn(dsn)}: {redact_dsn(reason)}", fix=_connect_fix(reason)) from None
            time.sleep(0.5)


def _connect_fix(reason: str) -> str:
    """What to change, from the server's or the network's own words."""
    if "password" in reason or "authentication" in reason:
        return ("check the user and password in --dsn / LENS_DSN (URL-encode @ / : % in a password) "
                "and that the role may log in")
    if "does not exist" in reason:
        return "check the database name (the path of the URL) and that the role may connect to it"
    return "check that the server is up and that host and port in --dsn / LENS_DSN reach it from this machine"


def as_url(dsn: str) -> str:
    """A libpq key=value DSN (`host=… user=… password='…' dbname=…`) as the URL every part of
    the harness takes (asyncpg reads URLs only), its password URL-encoded; a URL as it is."""
    if "://" in dsn or "=" not in dsn:
        return dsn
    try:
        params = conninfo_to_dict(dsn)
    except psycopg.Error:
        raise HarnessError("the DSN is neither a postgresql:// URL nor valid key=value pairs (libpq rules)") from None
    user, password = quote(params.pop("user", ""), safe=""), params.pop("password", None)
    auth = f"{user}:{quote(password, safe='')}@" if password is not None else (f"{user}@" if user else "")
    host = params.pop("host", "")
    if host.startswith("/"):  # a socket directory travels as a query parameter
        params["host"], host = host, ""
    port = params.pop("port", None)
    netloc = auth + (f"[{host}]" if ":" in host else host) + (f":{port}" if port else "")
    return urlunsplit(("postgresql", netloc, "/" + quote(params.pop("dbname", ""), safe=""), urlencode(params), ""))


class ExistingServer:
    kind = "dsn"

    def __init__(self, dsn: str):
        self.dsn = dsn
        remember_dsn(dsn)

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
