"""The reference system under test: the inventory lens handler as an HTTP API.

``service`` runs the nine actions of CONTRACT §7 over asyncpg, ``naive`` is the
deliberately racy variant, ``api``/``auth``/``server`` put it on HTTP and
``adapter`` is the one seam through which suites reach *any* SUT.

``ServiceError`` lives here because every layer raises or translates it: the
body validator, the service and the HTTP app all speak the contract's
``(status, error code)`` pairs and nothing else.
"""
from __future__ import annotations


class ServiceError(Exception):
    """A contract error: HTTP ``status``, stable ``code``, human ``message``.

    ``extra`` is merged into the JSON error body (e.g. the original
    ``transaction_id`` of a ``duplicate_request``).
    """

    def __init__(self, status: int, code: str, message: str = "", extra: dict | None = None):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message or code.replace("_", " ")
        self.extra = dict(extra or {})

    def body(self) -> dict:
        return {"error": self.code, "message": self.message, **self.extra}


__all__ = ["ServiceError"]
