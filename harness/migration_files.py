"""Which files are migrations, in which order, and where in a file a statement starts.

The rules are the Supabase CLI's (`pkg/migration`), because a team's `supabase/migrations` is
what the gate must judge exactly as `supabase db push` would apply it:

* a migration is a file named `^([0-9]+)_(.*)\\.sql$`; its version is the leading digits and
  must be unique; files are applied in name order (byte order, not numeric: `100_c`, `10_b`, `9_a`);
* a `.sql` file whose name does not match is skipped with a warning (other files such as a
  README are ignored quietly); a first file named `<14 digits>_init.sql` is skipped too.

`--sql-dir` may name the migrations directory itself, a Supabase project's `supabase/`
directory, or the project root holding `supabase/migrations`.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from harness.errors import HarnessError

log = logging.getLogger("harness.migrate")

PATTERN = re.compile(r"^([0-9]+)_(.*)\.sql$")
INIT_PATTERN = re.compile(r"^[0-9]{14}_init\.sql$")


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    path: Path
    sha256: str
    state: str = "pending"  # pending | applied | new (applied by this run)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["path"] = self.path.name
        return d

    def with_state(self, state: str) -> "Migration":
        return Migration(self.version, self.name, self.path, self.sha256, state)


def migrations_dir(path: Path) -> Path:
    """The directory holding the migration files, given it, `supabase/` or the project root."""
    path = Path(path)
    for candidate in (path / "supabase" / "migrations", path / "migrations"):
        if candidate.is_dir() and not list(path.glob("*.sql")):
            return candidate
    return path


def file_migration(path: Path, version: str, name: str) -> Migration:
    return Migration(version, name, path, hashlib.sha256(path.read_bytes()).hexdigest())


def _renamed(version: str, index: int, name: str) -> str:
    """A 14-digit UTC-timestamp-shaped version close to `version`, as `supabase migration new` writes."""
    stamp = (version + "0" * 14)[:14] if len(version) < 14 else version
    return f"{int(stamp) + index:014d}_{name}.sql"


def discover(sql_dir: Path) -> list[Migration]:
    directory = migrations_dir(sql_dir)
    files = sorted((p for p in directory.iterdir() if p.is_file()), key=lambda p: p.name)
    migrations: list[Migration] = []
    seen: dict[str, str] = {}
    for i, path in enumerate(files):
        if i == 0 and INIT_PATTERN.match(path.name):
            log.warning("Skipping migration %s... (the Supabase CLI skips a first <timestamp>_init.sql too; "
                        "rename it to apply it)", path.name)
            continue
        match = PATTERN.match(path.name)
        if not match:
            if path.suffix == ".sql":
                log.warning("Skipping migration %s... (file name must match pattern \"<timestamp>_name.sql\")", path.name)
            continue
        version, name = match.groups()
        if version in seen:
            raise HarnessError(
                f"two migrations share version {version}: {seen[version]} and {path.name}. The Supabase CLI refuses "
                f"this too (the version is the leading digits of the file name and must be unique). Rename one to a "
                f"14-digit UTC timestamp as `supabase migration new` writes, e.g. {path.name} -> "
                f"{_renamed(version, 1, name)} (keep name order = apply order; never rename a migration a database "
                f"already applied)")
        seen[version] = path.name
        migrations.append(file_migration(path, version, name))
    if not migrations:
        raise HarnessError(f"no migrations (<digits>_name.sql) in {directory}: point --sql-dir at your migrations "
                           f"or your Supabase project")
    return migrations


# -- statements -------------------------------------------------------------------------------

_TOKEN = re.compile(r"--[^\n]*|/\*|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\$([A-Za-z_][A-Za-z_0-9]*)?\$|;|\bbegin\s+atomic\b|\bend\b",
                    re.IGNORECASE)


def _skip_block_comment(text: str, i: int) -> int:
    depth = 0
    while i < len(text):
        if text.startswith("/*", i):
            depth, i = depth + 1, i + 2
        elif text.startswith("*/", i):
            depth, i = depth - 1, i + 2
            if depth == 0:
                return i
        else:
            i += 1
    return i


def statements(text: str) -> list[tuple[int, str]]:
    """(offset, statement) of each top-level statement: quotes, dollar quotes, nested comments
    and SQL-standard `BEGIN ATOMIC ... END` bodies do not end a statement."""
    result, start, i, atomic = [], 0, 0, 0
    while (m := _TOKEN.search(text, i)) is not None:
        token, i = m.group(0), m.end()
        if token == "/*":
            i = _skip_block_comment(text, m.start())
        elif token.startswith("$"):
            close = text.find(token, i)
            i = len(text) if close < 0 else close + len(token)
        elif token.lower().startswith("begin"):
            atomic += 1
        elif token.lower() == "end" and atomic:
            atomic -= 1
        elif token == ";" and not atomic:
            if text[start:m.start()].strip():
                result.append((start, text[start:i]))
            start = i
    if text[start:].strip() and _TOKEN.sub("", text[start:]).strip():
        result.append((start, text[start:]))
    return result


_LEADING_COMMENTS = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/)*", re.DOTALL)


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def statement_at(text: str, offset: int) -> tuple[int, str]:
    """The statement holding character `offset` (its first non-blank line and its text)."""
    chosen = (0, text)
    for start, stmt in statements(text):
        if start <= offset:
            chosen = (start, stmt)
    start, stmt = chosen
    lead = _LEADING_COMMENTS.match(stmt).end()
    return line_of(text, start + lead), stmt[lead:].strip()
