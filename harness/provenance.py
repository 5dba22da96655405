"""What a piece of evidence ran against: the SUT and the migrations (file + sha256).

Every checker result, the nemesis run and the load summary carry this stamp, so a
``valid=True`` line can be traced to the schema and handler it describes — not to
whatever another process happened to migrate.
"""

from __future__ import annotations

from harness.config import Settings


def stamp(settings: Settings, migrations=None, dsn: str | None = None) -> dict:
    """The stamp for ``migrations`` (as applied), or for the migration status of ``dsn``."""
    if migrations is None:
        from harness import migrate

        migrations = migrate.status(dsn, settings.sql_dir, settings.base_schema)
    return {
        "run_id": settings.run_id, "sut": settings.sut, "mutant": settings.mutant,
        "sql_dir": str(settings.sql_dir),
        "migrations": [{"file": m.path.name, "sha256": m.sha256, "state": m.state} for m in migrations],
    }
