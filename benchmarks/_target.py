"""Target selection shared by the benchmark scripts: embedded by default, or an existing
migrated database with --dsn (written to under the benchmark's own yachts: --allow-writes)."""

from __future__ import annotations

import argparse

from harness.config import Settings


def add_target_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dsn", default=None, help="existing migrated database (needs --allow-writes)")
    p.add_argument("--allow-writes", action="store_true", default=None)


def target_settings(p: argparse.ArgumentParser, args) -> Settings:
    settings = Settings.from_env(target="dsn" if args.dsn else None, dsn=args.dsn, allow_writes=args.allow_writes)
    if settings.verify_only:
        p.error("a DSN target is written to (own yachts, purged after): pass --allow-writes")
    return settings
