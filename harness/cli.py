"""`lens-harness` command line. Every command turns `HarnessError` into one line and exit 2.

Commands: up, migrate, seed, evidence, serve, token, load, run, selftest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from harness import __version__
from harness.config import SUTS, TARGETS, Settings
from harness.errors import EXIT_CANNOT_RUN, EXIT_INTERRUPTED, HarnessError
from harness.redact import redact_dsn


# -- shared plumbing --------------------------------------------------------------------------

def _target_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--target", choices=TARGETS, default=None, help="embedded (default), docker or dsn")
    p.add_argument("--dsn", default=None, help="existing server (implies --target dsn)")
    p.add_argument("--sql-dir", default=None, help="migrations to apply (default: the project's sql/)")
    p.add_argument("--pg-bin", default=None, help="directory holding initdb, postgres, pg_ctl")
    p.add_argument("--docker-image", default=None, help="image for --target docker (default postgres:15-alpine)")
    p.add_argument("--allow-migrate", action="store_true", default=None, help="dsn target: apply migrations (DDL)")
    p.add_argument("--allow-writes", action="store_true", default=None, help="dsn target: commit test data under own yacht ids, purged after")


def settings_from(args) -> Settings:
    target = args.target or ("dsn" if getattr(args, "dsn", None) else None)
    return Settings.from_env(
        target=target, dsn=getattr(args, "dsn", None), sql_dir=getattr(args, "sql_dir", None),
        pg_bin=getattr(args, "pg_bin", None), docker_image=getattr(args, "docker_image", None),
        allow_migrate=getattr(args, "allow_migrate", None), allow_writes=getattr(args, "allow_writes", None),
        sut=getattr(args, "sut", None), api_url=getattr(args, "api_url", None),
    )


@contextmanager
def provisioned(settings: Settings, dbname: str = "lens"):
    """Server started, migrations applied; yields (server, database); always stopped."""
    from harness.provision import clone_for, prepare, provisioner_for

    server = provisioner_for(settings).start()
    try:
        template = prepare(server, settings)
        yield server, clone_for(server, template, dbname)
    finally:
        server.stop()


def _wait_for_interrupt() -> None:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()


def _print_migrations(migrations) -> None:
    for m in migrations:
        print(f"  {m.state:8} {m.path.name:45} sha256 {m.sha256[:16]}")


# -- commands -----------------------------------------------------------------------------------

def cmd_up(args) -> int:
    settings = settings_from(args)
    with provisioned(settings) as (server, database):
        if not args.no_seed:
            asyncio.run(_seed(database.dsn))
        print(f"PostgreSQL ready ({settings.target}); migrations:")
        _print_migrations(database.migrations)
        print(f"DSN: {database.dsn}")
        print(f"pytest against it: pytest --lens-attach {server.admin_dsn}")
        print("Ctrl-C stops and removes it.", flush=True)
        _wait_for_interrupt()
    return 0


async def _seed(dsn: str) -> dict:
    from harness import db, seed

    conn = await db.connect(dsn)
    try:
        return await seed.seed(conn)
    finally:
        await conn.close()


def cmd_migrate(args) -> int:
    from harness import migrate
    from harness.provision import provisioner_for

    settings = settings_from(args)
    if settings.target == "dsn":
        if settings.allow_migrate:
            migrations = migrate.apply(settings.dsn, settings.sql_dir)
        else:
            print("verify-only: showing status (add --allow-migrate to apply)")
            migrations = migrate.status(settings.dsn, settings.sql_dir)
        _print_migrations(migrations)
        return 0 if all(m.state != "pending" for m in migrations) or not settings.allow_migrate else 1
    with provisioned(settings) as (_, database):
        print(f"all migrations apply cleanly on a fresh {settings.target} server:")
        _print_migrations(database.migrations)
    return 0


def cmd_seed(args) -> int:
    settings = settings_from(args)
    if settings.verify_only:
        raise HarnessError("seeding writes data: add --allow-writes (the DSN is verify-only by default)")
    summary = asyncio.run(_seed(settings.dsn))
    print(json.dumps(summary, indent=2))
    return 0


def cmd_evidence(args) -> int:
    from harness import evidence

    settings = settings_from(args)
    out = Path(args.out or "reports/evidence")
    if settings.target == "dsn":
        summary = evidence.write_bundle(settings.dsn, out)
    else:
        with provisioned(settings) as (_, database):
            summary = evidence.write_bundle(database.dsn, out)
    verdict = "PASS" if summary["passed"] else "FAIL"
    print(f"evidence {verdict}: {out}/summary.md")
    for name, ok in summary["checks"].items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    return 0 if summary["passed"] else 1


def cmd_serve(args) -> int:
    from harness.sut.server import run

    settings = settings_from(args)
    if settings.target == "dsn":
        run(settings.dsn, host=args.host, port=args.port, jwt_secret=settings.jwt_secret, variant=settings.sut)
        return 0
    with provisioned(settings) as (_, database):
        asyncio.run(_seed(database.dsn))
        print(f"database: {redact_dsn(database.dsn)} (seeded; tokens: lens-harness token --user deckhand@a)", flush=True)
        run(database.dsn, host=args.host, port=args.port, jwt_secret=settings.jwt_secret, variant=settings.sut)
    return 0


def cmd_token(args) -> int:
    import uuid

    from harness.seed import user_id
    from harness.sut.auth import mint

    settings = Settings.from_env()
    try:
        uid = uuid.UUID(args.user)
    except ValueError:
        uid = user_id(args.user)
    print(mint(uid, secret=settings.jwt_secret, ttl=args.ttl))
    return 0


# -- entry point --------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lens-harness", description="Inventory Lens verification harness")
    parser.add_argument("--version", action="version", version=f"lens-harness {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("up", help="start a migrated, seeded database and keep it until Ctrl-C")
    _target_args(p)
    p.add_argument("--no-seed", action="store_true", help="leave the database empty")
    p.set_defaults(func=cmd_up)

    p = sub.add_parser("migrate", help="apply the migrations (dsn: status only unless --allow-migrate)")
    _target_args(p)
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("seed", help="insert the demo data set into --dsn (needs --allow-writes)")
    _target_args(p)
    p.set_defaults(func=cmd_seed)

    p = sub.add_parser("evidence", help="write the post-migration evidence bundle")
    _target_args(p)
    p.add_argument("--out", default=None, help="directory (default reports/evidence)")
    p.set_defaults(func=cmd_evidence)

    p = sub.add_parser("serve", help="run the reference API (on a seeded embedded database unless --dsn)")
    _target_args(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8787)
    p.add_argument("--sut", choices=SUTS, default=None, help="reference (default) or naive")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("token", help="mint a JWT for a seeded user (e.g. deckhand@a) or a user id")
    p.add_argument("--user", required=True)
    p.add_argument("--ttl", type=int, default=3600, help="seconds")
    p.set_defaults(func=cmd_token)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except HarnessError as exc:
        print(f"lens-harness: {redact_dsn(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("lens-harness: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
