"""`lens-harness` command line. Every command turns `HarnessError` into one line and exit 2.

Commands: up, migrate, seed, evidence, serve, token, load, run, purge, selftest.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from harness import __version__
from harness import cli_env
from harness.cli_env import positive_int
from harness.config import TARGETS, Settings
from harness.errors import EXIT_INTERRUPTED, HarnessError
from harness.redact import redact_dsn


# -- shared plumbing --------------------------------------------------------------------------

def _target_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--target", choices=TARGETS, default=None, help="embedded (default), docker or dsn")
    p.add_argument("--dsn", default=None, help="existing server (implies --target dsn)")
    p.add_argument("--sql-dir", default=None, help="migrations to apply: a directory, or a Supabase project (its "
                   "supabase/migrations); default: the project's sql/")
    p.add_argument("--base-schema", default=None, help="pg_dump --schema-only file applied before the migrations")
    p.add_argument("--pg-bin", default=None, help="directory holding initdb, postgres, pg_ctl")
    p.add_argument("--pg-version", default=None, help="PostgreSQL major version for the embedded target: 15 (system) or 18 (pip extra pg18)")
    p.add_argument("--docker-image", default=None, help="image for --target docker (default postgres:15-alpine)")
    p.add_argument("--allow-migrate", action="store_true", default=None, help="dsn target: apply migrations (DDL)")
    p.add_argument("--allow-writes", action="store_true", default=None, help="dsn target: commit test data under own yacht ids, purged after")


def settings_from(args) -> Settings:
    from harness.provision.embedded import bin_for

    from harness.binding import AUTO

    target = args.target or ("dsn" if getattr(args, "dsn", None) else None)
    binding = getattr(args, "binding", None) or os.environ.get("LENS_BINDING") or AUTO  # the gate reads it from the catalog
    return Settings.from_env(
        target=target, dsn=getattr(args, "dsn", None), sql_dir=getattr(args, "sql_dir", None),
        base_schema=getattr(args, "base_schema", None), base_data=getattr(args, "base_data", None),
        policy=getattr(args, "policy", None),
        strict=getattr(args, "strict", None),
        pg_bin=bin_for(getattr(args, "pg_bin", None), getattr(args, "pg_version", None)), docker_image=getattr(args, "docker_image", None),
        allow_migrate=getattr(args, "allow_migrate", None), allow_writes=getattr(args, "allow_writes", None),
        sut=getattr(args, "sut", None), api_url=getattr(args, "api_url", None),
        api_profile=getattr(args, "api_profile", None), binding=binding,
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


@contextmanager
def purged_on_interrupt(settings: Settings):
    """SIGINT/SIGTERM on a DSN: the run's own cleanup ran while unwinding; purge by run tag
    whatever is still there and say so before exiting."""
    from harness.factories import run_id
    from harness.provision import leftovers

    try:
        yield
    except KeyboardInterrupt:
        purged = leftovers.purge_run(settings.with_(run_id=run_id()))
        if purged:
            print(f"lens-harness: interrupted: {purged[1]}", file=sys.stderr)
        raise


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

    settings = settings_from(args)
    if settings.target == "dsn":
        if settings.allow_migrate:
            migrations = migrate.apply(settings.dsn, settings.sql_dir, settings.base_schema)
        else:
            print("verify-only: showing status (add --allow-migrate to apply)")
            migrations = migrate.status(settings.dsn, settings.sql_dir, settings.base_schema)
        _print_migrations(migrations)
        pending = [m.path.name for m in migrations if m.state == "pending"]
        if pending:
            raise HarnessError(f"{len(pending)} migration(s) pending on the target: {', '.join(pending)} "
                               "(rerun with --allow-migrate to apply them)")
        return 0
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
    from harness.sut.server import check_bind, run

    settings = settings_from(args)
    check_bind(args.host, settings.jwt_secret)
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


RUN_DEFAULTS = {"profile": "smoke", "force": False, "quiet": False, "require_writes": False}


def cmd_run(args) -> int:
    """Every flag from the command line or its LENS_* variable (harness/cli_env.py); a value
    refused before the run starts still writes a report with the fix (exit 2)."""
    from harness import policy
    from harness.gate import SUITES, GateOptions, execute, refuse
    from harness.report.baseline import folder_of

    options = GateOptions(report_dir=Path(args.report_dir) if args.report_dir else None, force=bool(args.force))
    try:
        cli_env.apply(args.parser, args, RUN_DEFAULTS)
        suites = tuple(x.strip() for x in args.suites.split(",") if x.strip()) if args.suites else SUITES
        options = GateOptions(suites=suites, profile=args.profile,
                              report_dir=Path(args.report_dir) if args.report_dir else None,
                              workers=args.workers, max_connections=args.max_connections, load=args.load if args.load is not None else args.profile == "full",
                              mutant=args.mutant, pytest_args=args.pytest_args or [], quiet=args.quiet,
                              force=args.force, require_writes=args.require_writes,
                              baseline=folder_of(args.baseline) if args.baseline else None)
        unknown = set(suites) - set(SUITES)
        if unknown:
            raise HarnessError(f"unknown suite(s) {', '.join(sorted(unknown))}: choose from {', '.join(SUITES)}",
                               fix=f"--suites (or LENS_SUITES) takes a comma-separated subset of {', '.join(SUITES)}")
        settings = settings_from(args)
        policy.load(settings.policy)  # a malformed or contradicting policy is refused before anything runs
        if settings.api_url and settings.target != "dsn":
            raise HarnessError(f"--api-url needs --dsn: the {settings.target} server is private to this run, so your "
                               "API cannot see the rows the checks make; pass the DSN of the database your API uses")
        if options.mutant:
            from harness import mutants

            mutants.find(options.mutant)
    except HarnessError as exc:
        return refuse(options, exc)
    return execute(settings, options)


def cmd_load(args) -> int:
    from harness.binding import profile_for, resolve
    from harness.load.api_process import api_process
    from harness.load.distributed import MASTER_PORT, Distribution, run_worker
    from harness.provision.embedded import free_port
    from harness.load.runner import run_load

    settings = settings_from(args)
    if args.worker:
        if not args.master_host:
            raise HarnessError("--worker needs --master-host (the machine running lens-harness load --master)")
        run_worker(settings, args.master_host, args.master_port or MASTER_PORT)
        return 0
    spread = (Distribution(args.expect_workers, local=False, bind_host=args.master_bind_host,
                           port=args.master_port or MASTER_PORT) if args.master else
              Distribution(args.processes, port=args.master_port or free_port()) if args.processes > 1 else None)
    out = Path(args.out or "reports/load")

    def bounds(dsn: str) -> dict:  # the binding (and so the API profile) read from the target's catalog
        bound = settings.with_(binding=resolve(settings.binding, dsn))
        return dict(users=args.users, spawn_rate=args.spawn_rate, run_time=args.run_time, iterations=args.iterations,
                    out_dir=out, jwt_secret=settings.jwt_secret, spread=spread, binding=bound.binding,
                    api_profile=profile_for(bound), rate=args.rate,
                    **({"max_users": args.max_users} if args.max_users else {}))

    if settings.target == "dsn":
        if not settings.allow_writes:
            raise HarnessError("load against a DSN commits data (under its own yacht ids, purged after): add --allow-writes")
        with purged_on_interrupt(settings):
            summary = run_load("api" if args.api_url else "dsn", settings.dsn, args.api_url, **bounds(settings.dsn))
    else:
        with provisioned(settings) as (_, database):
            given = bounds(database.dsn)
            if args.via == "dsn":
                summary = run_load("dsn", database.dsn, None, **given)
            else:
                with api_process(database.dsn, settings.jwt_secret, settings.sut, given["binding"]) as url:
                    summary = run_load("api", database.dsn, url, **given)
    print(f"{summary['target']}: {summary['requests']} requests, {summary['failures']} failures, "
          f"{summary['rps']} req/s, p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms, p99 {summary['p99_ms']} ms")
    if "rate" in summary:
        print(f"rate: {summary['rate']['held']} req/s held of {summary['rate']['target']} asked, "
              f"{summary['rate']['users_needed']} users needed")
    print(f"checker: {summary['checker']['valid']} — stats in {out}/")
    return 0 if summary["ok"] else 1


def _duration(text: str) -> dt.timedelta:
    units = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
    try:
        return dt.timedelta(**{units[text[-1]]: float(text[:-1])})
    except (KeyError, ValueError, IndexError):
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration: write e.g. 90s, 30m, 1h or 2d") from None


def cmd_purge(args) -> int:
    from harness.factories import purge_tagged

    settings = settings_from(args)
    if settings.target != "dsn":
        raise HarnessError("purge removes what interrupted runs left on an existing server: give --dsn (or LENS_DSN)")
    done = asyncio.run(purge_tagged(settings.dsn, run=args.run, older_than=args.older_than))
    runs = ", ".join(done["runs"]) or "none"
    print(f"purged {done['rows']} rows under {done['yachts']} harness yachts (runs: {runs})")
    return 0


def cmd_selftest(args) -> int:
    import datetime as dt

    from harness import implementations, mutants
    from harness.selftest import SelfTest, exit_code, write_matrix

    impl = implementations.find(args.implementation)
    dirs = None if impl.name == "reference" else [impl.mutants_dir]
    catalogue = mutants.catalogue(dirs)
    if args.list:
        for m in catalogue:
            print(f"{m.name:42} {', '.join(m.expect_killed_by):24} {m.description}")
        return 0
    selected = [mutants.find(n, dirs) for n in args.mutants] if args.mutants else catalogue
    settings = settings_from(args)
    settings = settings.with_(binding=impl.binding)
    if impl.name != "reference":
        settings = settings.with_(sql_dir=impl.sql_dir)
    if settings.target != "embedded":
        raise HarnessError("selftest provisions its own embedded server (mutants need DDL): drop --target/--dsn")
    out = Path(args.report_dir or f"reports/selftest-{dt.datetime.now():%Y%m%d-%H%M%S}")
    out.mkdir(parents=True, exist_ok=True)
    print(f"selftest: {impl.name} + {len(selected)} mutants -> {out}", flush=True)
    outcomes = SelfTest(settings, out, workers=args.workers, all_suites=args.all_suites).run(
        selected, progress=lambda line: print(line, flush=True))
    md, page = write_matrix(outcomes, out)
    print(md.read_text())
    print(f"kill matrix: {md} and {page}")
    return exit_code(outcomes)


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
    p.add_argument("--sut", default=None, help="handler variant: reference (default), naive, ... (see docs/MUTANTS.md)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("run", help="the gate: provision, migrate, evidence, suites, report; exit 0 PASS, "
                       "1 defect, 2 could not run/verify")
    _target_args(p)
    p.add_argument("--sut", default=None, help="handler variant under test (default reference)")
    p.add_argument("--api-url", default=None, help="test your own API at this URL instead of the reference")
    p.add_argument("--api-profile", default=None, help="how to speak to that API: reference, envelope or a YAML "
                   "file (harness/binding/profiles); default: the binding's own")
    p.add_argument("--binding", default=None, help="the implementation's binding: reference, second, contract or "
                   "module:Class (CONTRACT §10); default: chosen from the target's catalog")
    p.add_argument("--suites", default=None, help="comma-separated subset of rls,ledger,negative,api,concurrency")
    p.add_argument("--profile", choices=("smoke", "full"), default=None, help="smoke: quick, not a sign-off; full: the sign-off (full stress + load)")
    p.add_argument("--report-dir", default=None, help="an empty or new folder (default reports/<run-id>)")
    p.add_argument("--force", action="store_true", default=None, help="empty a non-empty --report-dir first")
    p.add_argument("--workers", type=positive_int, default=None, help="pytest-xdist workers (1 = no xdist; default: "
                   "2, more when the measured RTT to the server is high, docs/REMOTE.md)")
    p.add_argument("--max-connections", type=positive_int, default=None, help="cap on the connections the suites "
                   "hold at once (default: what the server has free)")
    p.add_argument("--load", dest="load", action="store_true", default=None, help="add a locust load step (default with --profile full)")
    p.add_argument("--no-load", dest="load", action="store_false", default=None)
    p.add_argument("--mutant", default=None, help="run against a catalogued mutant (for selftest and demos)")
    p.add_argument("--require-writes", action="store_true", default=None, help="a CI gate that wants the full verdict: a "
                   "verify-only DSN run whose write-needing checks could not run exits 2, not VERIFY-ONLY PASS")
    p.add_argument("--baseline", default=None, help="an earlier run's report folder or run.json: list every "
                   "inventory cell and criterion whose outcome changed since, widened access first")
    p.add_argument("--base-data", default=None, help="pre-lens rows (pg_dump --data-only --inserts of staging) the "
                   "migrations-on-data check applies before the lens migrations (default: a shipped 3-yacht fleet)")
    p.add_argument("--policy", default=None, help="surface policy file (default: lens-policy.yaml in or beside the "
                   "migrations; docs/POLICY.md)")
    p.add_argument("--strict", action="store_true", default=None, help="an inventory cell neither the contract nor "
                   "the policy decides makes the run NOT VERIFIED (exit 2)")
    p.add_argument("--quiet", action="store_true", default=None, help="no live progress")
    p.add_argument("pytest_args", nargs="*", help="extra pytest arguments after --")
    p.set_defaults(func=cmd_run, parser=p)
    p.error = _usage_error  # only reached by `run`'s own flags: main() turns it into a report

    p = sub.add_parser("load", help="headless locust load with the checker's invariants verified afterwards")
    _target_args(p)
    p.add_argument("--sut", default=None)
    p.add_argument("--via", choices=("api", "dsn"), default="api", help="embedded target: drive the reference API or the SQL functions")
    p.add_argument("--api-url", default=None, help="dsn target: drive this API instead of the SQL functions")
    p.add_argument("--api-profile", default=None, help="how to speak to the API: reference, envelope or a YAML "
                   "file (needs auth.kind hs256); default: the binding's own")
    p.add_argument("--binding", default=None, help="the implementation whose API to start (embedded --via api): "
                   "reference, second or module:Class; default: chosen from the target's catalog")
    p.add_argument("--users", type=int, default=10)
    p.add_argument("--rate", type=float, default=None, help="hold this many requests/s (open model, needs "
                   "--run-time): users are added as the latency requires, up to --max-users; --users is ignored")
    p.add_argument("--max-users", type=int, default=None, help="with --rate: most users to add (default 200)")
    p.add_argument("--spawn-rate", type=float, default=10)
    p.add_argument("--run-time", type=float, default=None, help="seconds")
    p.add_argument("--iterations", type=int, default=None, help="stop after this many requests")
    p.add_argument("--out", default=None, help="directory for CSV stats (default reports/load)")
    p.add_argument("--processes", type=int, default=1, help="locust distributed mode here: one master and N worker "
                   "processes (histories merged for the checker)")
    p.add_argument("--master", action="store_true", help="be the master of workers on other machines (--expect-workers)")
    p.add_argument("--expect-workers", type=int, default=1, help="with --master: workers to wait for")
    p.add_argument("--master-bind-host", default="127.0.0.1", help="with --master: interface workers connect to")
    p.add_argument("--worker", action="store_true", help="be a worker of the master at --master-host")
    p.add_argument("--master-host", default=None, help="with --worker: the master's host")
    p.add_argument("--master-port", type=int, default=None, help="the master's port (default 5557; --processes: a free one)")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("purge", help="remove the rows harness runs left on a DSN (e.g. after a SIGKILL), found by run tag")
    _target_args(p)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--run", default=None, help="one run id (the yachts named lens-<run-id>-...)")
    which.add_argument("--older-than", type=_duration, default=None, help="every run whose yachts are older, e.g. 1h")
    which.add_argument("--all", action="store_true", help="every harness yacht, including those of runs still going")
    p.set_defaults(func=cmd_purge, target="dsn")  # only an existing server keeps rows to purge

    p = sub.add_parser("selftest", help="mutation kill matrix: the reference must pass, every mutant must be caught")
    _target_args(p)
    p.add_argument("mutants", nargs="*", help="mutant names or YAML files (default: the whole catalogue + LENS_MUTANTS_DIR)")
    p.add_argument("--list", action="store_true", help="list the catalogue and exit")
    p.add_argument("--implementation", default="reference", help="reference (default) or second "
                   "(examples/second_lens with its own catalogue of seeded defects)")
    p.add_argument("--all-suites", action="store_true", help="run every suite against every mutant (complete matrix, slower)")
    p.add_argument("--workers", type=positive_int, default=os.cpu_count() or 2,
                   help="pytest runs at a time (default: the machine's cores)")
    p.add_argument("--report-dir", default=None)
    p.set_defaults(func=cmd_selftest)

    p = sub.add_parser("token", help="mint a JWT for a seeded user (e.g. deckhand@a) or a user id")
    p.add_argument("--user", required=True)
    p.add_argument("--ttl", type=int, default=3600, help="seconds")
    p.set_defaults(func=cmd_token)
    return parser


def _usage_error(message: str):
    raise HarnessError(f"lens-harness run: {message}", fix="lens-harness run --help lists the flags and their values")


def _flag(argv: list[str], name: str) -> str | None:
    """The value of ``name`` in ``argv`` (``--x v`` or ``--x=v``) without parsing the rest."""
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def _refuse_arguments(argv: list[str], exc: HarnessError) -> int:
    """`run` with a flag argparse refuses: the same report as any refusal, in the folder the
    command line (or LENS_REPORT_DIR) named."""
    from harness.gate import GateOptions, refuse

    report = _flag(argv, "--report-dir") or os.environ.get("LENS_REPORT_DIR") or None
    force = "--force" in argv or os.environ.get("LENS_FORCE", "").strip().lower() in cli_env.TRUE
    return refuse(GateOptions(report_dir=Path(report) if report else None, force=force), exc)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    if argv[:1] == ["run"]:  # every exit of the gate writes a report, an argument error's too
        parser.error = _usage_error
    try:
        args = parser.parse_args(argv)
    except HarnessError as exc:
        return _refuse_arguments(argv, exc)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # SIGTERM unwinds (and cleans up) like Ctrl-C
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
