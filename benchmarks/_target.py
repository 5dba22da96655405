"""Target selection shared by the benchmark scripts: embedded by default, or an existing
migrated database with --dsn (written to under the benchmark's own yachts: --allow-writes)."""

from __future__ import annotations

import argparse

from harness.config import Settings


def add_target_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dsn", default=None, help="existing migrated database (needs --allow-writes)")
    p.add_argument("--allow-writes", action="store_true", default=None)


def leg_args(doc: str, argv: list[str] | None, *, users: int, out: str):
    """(args, settings) of a benchmark whose legs share one concurrency (--users) and duration
    (--seconds): the target flags, and --out for its results."""
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    p.add_argument("--users", type=int, default=users, help="concurrency of every leg")
    p.add_argument("--seconds", type=int, default=20, help="duration of every leg")
    add_target_args(p)
    p.add_argument("--out", default=out)
    args = p.parse_args(argv)
    return args, target_settings(p, args)


def target_settings(p: argparse.ArgumentParser, args) -> Settings:
    settings = Settings.from_env(target="dsn" if args.dsn else None, dsn=args.dsn, allow_writes=args.allow_writes)
    if settings.verify_only:
        p.error("a DSN target is written to (own yachts, purged after): pass --allow-writes")
    return settings
