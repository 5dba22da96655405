"""Settings: one frozen dataclass shared by the CLI, the pytest plugin and every child process.

Every setting is a CLI flag, a pytest option (`--lens-*`) and an environment variable
(`LENS_*`), so the gate, a developer's `pytest` and CI all read the same thing. The gate
then serialises the one object it decided on (`dump`) to a 0600 JSON file and hands its
path to each child (pytest and its workers, the nemesis server, the API child, the load
process) in `LENS_SETTINGS_FILE`; children `load` it instead of re-deriving anything, so a
flag such as `--sql-dir` cannot be lost on the way, and the DSN and the JWT secret never
travel on a command line.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def shipped(name: str) -> Path:
    """`suites/`, `sql/` or `examples/`: inside the package in an installed wheel (setup.py ships them as
    harness/<name>), beside it in a source checkout or editable install."""
    installed = _PACKAGE_DIR / name
    return installed if installed.is_dir() else _PACKAGE_DIR.parent / name


PROJECT_SQL_DIR = shipped("sql")
SUITES_DIR = shipped("suites")
# pytest settings of the gate's suites run; passed with -c so a config file that happens to sit
# above the installed package (or the caller's own project) cannot change how the suites run.
SUITES_PYTEST_INI = _PACKAGE_DIR / "suites-pytest.ini"
TARGETS = ("embedded", "docker", "dsn")
SETTINGS_FILE_ENV = "LENS_SETTINGS_FILE"


def _env_bool(name: str) -> bool:
    """A switch variable; an unknown word is refused, never read as "no"."""
    from harness.cli_env import switch

    raw = os.environ.get(name, "")
    return switch(name, raw) if raw.strip() else False


@dataclass(frozen=True)
class Settings:
    target: str = "embedded"
    dsn: str | None = field(default=None, repr=False)  # secrets stay out of reprs (failure reports)
    sql_dir: Path = PROJECT_SQL_DIR
    base_schema: Path | None = None
    base_data: Path | None = None  # pre-lens rows the migrations-on-data check migrates over (harness/populated.py)
    policy: Path | None = None  # surface policy file (harness/policy.py); resolved by from_env
    strict: bool = False  # an observed inventory cell (not declared) makes the run NOT VERIFIED
    pg_bin: str | None = None
    docker_image: str = "postgres:15-alpine"
    allow_migrate: bool = False
    allow_writes: bool = False
    sut: str = "reference"
    api_url: str | None = None
    binding: str = "reference"  # harness.binding.BINDINGS key or module:Class (CONTRACT §10)
    api_profile: str | None = None  # API profile name or YAML file (default: the binding's own)
    jwt_secret: str = field(default="lens-harness-test-secret-change-me-0123456789", repr=False)
    large_adjust_threshold: int = 10
    # Set by the gate for its children (None / defaults in a developer's own pytest run):
    run_id: str | None = None
    profile: str = "smoke"
    mutant: str | None = None  # informational: sql_dir and sut already hold the mutant
    attach: str | None = field(default=None, repr=False)  # admin DSN of the harness-owned server to clone from
    template: str | None = None
    database: str | None = field(default=None, repr=False)  # DSN of the migrated database a child uses as is
    artifacts: Path | None = None  # where this run's evidence goes (the report directory)
    load_seconds: float | None = None  # overrides the profile's load duration (tests, demos)
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def verify_only(self) -> bool:
        """An existing server is read, never written, unless the user said otherwise."""
        return self.target == "dsn" and not self.allow_writes

    @property
    def may_migrate(self) -> bool:
        return self.target != "dsn" or self.allow_migrate

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

    def dump(self, path: str | Path) -> Path:
        """Write every setting to ``path`` as JSON readable by its owner only (it holds the
        DSN and the JWT secret)."""
        path = Path(path)
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(data, out, default=str)
        return path

    @classmethod
    def load(cls, path: str | Path) -> "Settings":
        from harness.errors import HarnessError

        try:
            data = json.loads(Path(path).read_text())
        except (OSError, ValueError) as exc:
            raise HarnessError(f"cannot read the settings file {path}: {exc}") from None
        for key in ("sql_dir", "base_schema", "base_data", "policy", "artifacts"):
            if data.get(key) is not None:
                data[key] = Path(data[key])
        return cls(**data)

    @classmethod
    def from_settings_file(cls) -> "Settings | None":
        """The settings the gate handed to this process (``LENS_SETTINGS_FILE``), if any. Read
        and parsed once per file version: every factory, binding lookup and plugin hook asks."""
        path = os.environ.get(SETTINGS_FILE_ENV)
        if not path:
            return None
        try:
            stat = os.stat(path)
        except OSError:
            return cls.load(path)  # says in one line why it cannot be read
        return _handed(cls, path, stat.st_mtime_ns, stat.st_size)

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """Defaults < LENS_* environment < explicit overrides (flags); None means not given."""
        env = {
            "target": os.environ.get("LENS_TARGET"),
            "dsn": os.environ.get("LENS_DSN"),
            "sql_dir": os.environ.get("LENS_SQL_DIR"),
            "base_schema": os.environ.get("LENS_BASE_SCHEMA"),
            "base_data": os.environ.get("LENS_BASE_DATA"),
            "policy": os.environ.get("LENS_POLICY"),
            "pg_bin": os.environ.get("LENS_PG_BIN"),
            "docker_image": os.environ.get("LENS_DOCKER_IMAGE"),
            "sut": os.environ.get("LENS_SUT"),
            "api_url": os.environ.get("LENS_API_URL"),
            "binding": os.environ.get("LENS_BINDING"),
            "api_profile": os.environ.get("LENS_API_PROFILE"),
            "jwt_secret": os.environ.get("LENS_JWT_SECRET"),
            "load_seconds": os.environ.get("LENS_LOAD_SECONDS"),
            "allow_migrate": _env_bool("LENS_ALLOW_MIGRATE") or None,
            "allow_writes": _env_bool("LENS_ALLOW_WRITES") or None,
        }
        values = {k: v for k, v in env.items() if v not in (None, "")}
        values.update({k: v for k, v in overrides.items() if v is not None})
        if values.get("dsn") and not values.get("target"):
            values["target"] = "dsn"  # LENS_DSN, like --dsn, names the server to check: never a silent embedded run
        if values.get("dsn"):
            from harness.provision.dsn import as_url
            from harness.redact import remember_dsn

            remember_dsn(values["dsn"])  # as given: its spelling may differ from the URL's
            values["dsn"] = as_url(values["dsn"])
        for path_setting in ("sql_dir", "base_schema", "base_data"):
            if path_setting in values:
                values[path_setting] = Path(values[path_setting]).expanduser().resolve()
        from harness import policy

        values["policy"] = policy.resolve(values.get("policy"), values.get("sql_dir", PROJECT_SQL_DIR))
        if "load_seconds" in values:
            values["load_seconds"] = float(values["load_seconds"])
        if "large_adjust_threshold" in values:
            values["large_adjust_threshold"] = int(values["large_adjust_threshold"])
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        from harness.errors import HarnessError
        from harness.redact import redact_dsn, remember, remember_dsn, url_password

        remember_dsn(self.dsn)
        remember(self.jwt_secret)

        if self.target not in TARGETS:
            raise HarnessError(f"unknown target {self.target!r}: choose one of {', '.join(TARGETS)}")
        from harness.sut.variants import VARIANTS

        if self.sut not in VARIANTS:
            raise HarnessError(f"unknown SUT {self.sut!r}: choose one of {', '.join(VARIANTS)}")
        if self.target == "dsn" and not self.dsn:
            raise HarnessError("--target dsn needs --dsn postgresql://user@host:port/dbname (or LENS_DSN)")
        if self.dsn and any(c in (url_password(self.dsn) or "") for c in "@/"):
            raise HarnessError(f"the password in {redact_dsn(self.dsn)} is not URL-encoded: libpq would read part of it "
                               "as host, port or database; write @ as %40, / as %2F, : as %3A and % as %25")
        if not self.sql_dir.is_dir():
            raise HarnessError(f"SQL directory {self.sql_dir} does not exist: point --sql-dir at your migrations")
        if self.base_schema is not None and not self.base_schema.is_file():
            raise HarnessError(f"base schema {self.base_schema} is not a file: give a `pg_dump --schema-only` output")
        if self.base_data is not None and not self.base_data.is_file():
            raise HarnessError(f"base data {self.base_data} is not a file: give a `pg_dump --data-only --inserts` output")


@lru_cache(maxsize=8)
def _handed(cls: type, path: str, mtime_ns: int, size: int) -> "Settings":
    """One parse per settings file version (the key changes if the file is rewritten); the
    object is frozen, so every caller may share it."""
    return cls.load(path)
