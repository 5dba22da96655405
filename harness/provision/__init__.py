"""Provisioning: one interface over three ways of getting a PostgreSQL server, plus the
template-database preparation every target shares.

A provisioner exposes `start()`, `stop()`, `admin_dsn` and `dsn_for(dbname)`; `prepare()`
turns a started server into a migrated database ready for the suites.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.config import Settings
from harness.errors import HarnessError
from harness.redact import redact_dsn, remember_dsn


@dataclass
class Database:
    """A database the suites run against, and what they may do to it.

    Its repr shows the DSN redacted: pytest prints fixture values in failure reports, and those
    end up in junit.xml and the Allure results."""

    dsn: str = field(repr=False)
    target: str
    verify_only: bool = False
    migrations: list = field(default_factory=list, repr=False)
    template: str | None = None

    def __post_init__(self):
        remember_dsn(self.dsn)

    def __repr__(self) -> str:
        return (f"Database(dsn={self.redacted_dsn!r}, target={self.target!r}, verify_only={self.verify_only!r}, "
                f"template={self.template!r})")

    @property
    def redacted_dsn(self) -> str:
        return redact_dsn(self.dsn)


def provisioner_for(settings: Settings):
    """The server for a target; not yet started."""
    if settings.target == "embedded":
        from harness.provision.embedded import EmbeddedServer

        return EmbeddedServer(settings.pg_bin)
    if settings.target == "docker":
        from harness.provision.docker import DockerServer

        return DockerServer(settings.docker_image)
    if settings.target == "dsn":
        from harness.provision.dsn import ExistingServer

        return ExistingServer(settings.dsn)
    raise HarnessError(f"unknown target {settings.target!r}")


def prepare(server, settings: Settings) -> Database:
    """Migrate: into a template database for harness-owned servers, in place for a DSN (only with
    --allow-migrate; otherwise just report what is applied and what is pending)."""
    from harness import migrate
    from harness.provision import janitor

    if settings.target == "dsn":
        if settings.allow_migrate:
            applied = migrate.apply(server.admin_dsn, settings.sql_dir, settings.base_schema)
        else:
            applied = migrate.status(server.admin_dsn, settings.sql_dir, settings.base_schema)
        return Database(server.admin_dsn, "dsn", verify_only=settings.verify_only, migrations=applied)
    janitor.create_database(server.admin_dsn, janitor.TEMPLATE_DB)
    applied = migrate.apply(server.dsn_for(janitor.TEMPLATE_DB), settings.sql_dir, settings.base_schema)
    janitor.mark_template(server.admin_dsn, janitor.TEMPLATE_DB)
    return Database(server.admin_dsn, settings.target, migrations=applied, template=janitor.TEMPLATE_DB)


def clone_for(server, database: Database, name: str) -> Database:
    """A private copy of the migrated template (per xdist worker / CLI command)."""
    from harness.provision import janitor

    if database.template is None:
        return database
    janitor.clone_database(server.admin_dsn, database.template, name)
    return Database(server.dsn_for(name), database.target, migrations=database.migrations, template=database.template)
