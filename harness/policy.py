"""A project's surface policy: the design choices CONTRACT §11 leaves open, declared by the team.

The inventory (harness/surface.py) judges every cell the contract decides; the rest (may a role
of no tier read its yacht's rows, which catalogue columns a HOD edits, who writes the audit
log ...) used to be listed as *observed*: recorded, never verified.  A policy file beside the
migrations (``lens-policy.yaml``, docs/POLICY.md) declares those choices, so the gate can verify
them too.  A declaration only fills what the contract leaves open: one that contradicts a rule
of §1–§11 is refused before the run, naming the rule, and a cell the contract decides keeps the
contract's answer whatever the file says.

Every declaration is a *lowest tier*: ``guest`` (any role, also one §2 does not list),
``crew``, ``hod``, ``manager`` or ``nobody``; a tier admits every tier above it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from harness import roles
from harness.errors import HarnessError

FILE_NAME = "lens-policy.yaml"
TIERS = {"guest": roles.Tier.NONE, "crew": roles.Tier.CREW, "hod": roles.Tier.HOD,
         "manager": roles.Tier.MANAGER, "nobody": None}
SECTIONS = ("version", "tables", "columns", "storage", "functions")
COMMANDS = ("select", "insert", "update", "delete")
#: What a direct call of a stock function may get booked, beyond what §6/§7 decide.
FUNCTION_CHOICES = {
    "details": "a dangling id in an extra parameter (§10) is booked",
    "colleague_author": "details naming a colleague as user_id: booked in the caller's name",
    "colleague_signer": "details naming a colleague as signer: booked with the caller as signer",
}
#: The tables whose rows are the trail (§11.2) and the user-naming columns (§11.5).
TRAIL = (roles.LEDGER_TABLE, "pms_audit_log")
#: Words that would declare something about another yacht's rows: the policy has no such scope.
FOREIGN_WORDS = ("foreign", "another_yacht", "other_yacht", "other_yachts", "all_yachts", "cross_yacht")

RULE_TENANCY = "§11.1 tenants cannot observe each other: another yacht's rows are never read or written"
RULE_TRAIL = "§11.2 the trail is immutable"
RULE_ALL_OR_NOTHING = "§11.3 every call is all or nothing: a transfer group holds both legs"
RULE_AUTHOR = "§11.5 every row names its real author"
RULE_ACTIONS = "§11.6 state changes only through the actions"
RULE_LEDGER_INSERT = "§5 direct ledger inserts are gated by transaction type, not by the policy"
OBSERVED_MEANING = "the contract is silent and your policy does not declare this; declare it in {file}"


class PolicyError(HarnessError):
    """A policy file that cannot be used: the message names the file and what is wrong."""


def default_path(sql_dir: Path) -> Path | None:
    """``lens-policy.yaml`` in the migrations folder, or beside it (a Supabase project keeps it
    in ``supabase/``, beside ``supabase/migrations``)."""
    for folder in (sql_dir, sql_dir.parent):
        if (folder / FILE_NAME).is_file():
            return folder / FILE_NAME
    return None


def resolve(given: str | Path | None, sql_dir: Path) -> Path | None:
    """``--policy`` / ``LENS_POLICY`` when given (it must exist), else the default lookup."""
    if not given:
        return default_path(sql_dir)
    path = Path(given).expanduser().resolve()
    if not path.is_file():
        raise PolicyError(f"policy file {path} does not exist: give a lens-policy.yaml (docs/POLICY.md)")
    return path


@dataclass
class Policy:
    """The parsed file: section -> target ("*" for every other) -> key -> lowest tier (or, for
    ``columns``, tier -> columns)."""

    path: Path | None = None
    tables: dict = field(default_factory=dict)
    columns: dict = field(default_factory=dict)
    storage: dict = field(default_factory=dict)
    functions: dict = field(default_factory=dict)

    def names(self) -> dict[str, set[str]]:
        """Tables (with their columns) and buckets the file names, for the catalog check."""
        tables = {t: set() for t in (*self.tables, *self.columns) if t != "*"}
        for t, by_tier in self.columns.items():
            if t != "*":
                tables[t] |= {c for cols in by_tier.values() for c in cols if c != "*"}
        return {"tables": tables, "buckets": {b for b in self.storage if b != "*"}}


def _fail(path: Path, what: str) -> PolicyError:
    return PolicyError(f"policy {path}: {what}", fix=f"edit {path} (docs/POLICY.md), or point --policy elsewhere")


def _tier(path: Path, where: str, value) -> str:
    if value not in TIERS:
        raise _fail(path, f"{where}: {value!r} is not a tier (one of {', '.join(TIERS)})")
    return value


def _mapping(path: Path, where: str, value) -> dict:
    if not isinstance(value, dict):
        raise _fail(path, f"{where} must be a mapping, not {type(value).__name__}")
    for key in value:
        if str(key).lower() in FOREIGN_WORDS:
            raise _fail(path, f"{where}.{key} refused: {RULE_TENANCY}")
    return value


def _section(path: Path, data: dict, name: str, keys: tuple[str, ...], what: str, targets=None) -> dict:
    """``name``: target -> key -> tier, every key one of ``keys`` (and every target one of
    ``targets`` when given)."""
    out: dict = {}
    for target, entries in _mapping(path, name, data.get(name) or {}).items():
        if targets is not None and target not in targets:
            raise _fail(path, f"{name}.{target}: unknown target (one of {', '.join(targets)})")
        for key, tier in _mapping(path, f"{name}.{target}", entries or {}).items():
            if key not in keys:
                raise _fail(path, f"{name}.{target}.{key}: unknown {what} (one of {', '.join(keys)})")
            out.setdefault(str(target), {})[key] = _tier(path, f"{name}.{target}.{key}", tier)
    return out


def load(path: Path | None) -> Policy:
    """Parse and check ``path`` (None: no policy, every open cell is observed)."""
    if path is None:
        return Policy()
    try:
        data = yaml.safe_load(Path(path).read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise _fail(path, f"cannot be read as YAML ({' '.join(str(exc).split())[:120]})") from None
    data = _mapping(path, "the file", data)
    unknown = set(data) - set(SECTIONS)
    if unknown:
        raise _fail(path, f"unknown section {', '.join(sorted(map(str, unknown)))} (sections: {', '.join(SECTIONS)})")
    if data.get("version", 1) != 1:
        raise _fail(path, f"version {data['version']!r} is not supported (1)")
    for fn, choices in (data.get("functions") or {}).items():
        if isinstance(choices, dict) and "one_leg" in choices:
            raise _fail(path, f"functions.{fn}.one_leg refused: {RULE_ALL_OR_NOTHING}")
    policy = Policy(path=Path(path), tables=_section(path, data, "tables", COMMANDS, "command"),
                    storage=_section(path, data, "storage", COMMANDS, "operation"),
                    functions=_section(path, data, "functions", tuple(FUNCTION_CHOICES), "choice",
                                       targets=("*", *roles.STOCK_FUNCTIONS)))
    for table, by_tier in _mapping(path, "columns", data.get("columns") or {}).items():
        cols = policy.columns.setdefault(str(table), {})
        for tier, names in _mapping(path, f"columns.{table}", by_tier or {}).items():
            if _tier(path, f"columns.{table}", tier) == "nobody" or not isinstance(names, list):
                raise _fail(path, f"columns.{table}.{tier} must list the columns a tier may update")
            cols[tier] = [str(n) for n in names]
    _check_contract(policy)
    return policy


def undeclarable(table: str, column: str) -> str | None:
    """The rule of §11 that decides an UPDATE of ``column`` by an API role, if one does."""
    if table in TRAIL:
        return RULE_TRAIL
    if column in ("id", "yacht_id"):
        return RULE_TENANCY
    if (table, column) in roles.ACTION_COLUMNS:
        return RULE_ACTIONS
    if table not in roles.IDENTITY_TABLES and (column == "user_id" or column.endswith("_by")):
        return RULE_AUTHOR
    return None


def _check_contract(policy: Policy) -> None:
    """Refuse a declaration that decides what §1–§11 already decide otherwise (named tables
    only: a ``*`` entry fills what is open and never reaches a decided cell)."""
    path = policy.path
    for table in TRAIL:
        for command in ("update", "delete"):
            if policy.tables.get(table, {}).get(command, "nobody") != "nobody":
                raise _fail(path, f"tables.{table}.{command} refused: {RULE_TRAIL}")
    if roles.LEDGER_TABLE in policy.tables and "insert" in policy.tables[roles.LEDGER_TABLE]:
        raise _fail(path, f"tables.{roles.LEDGER_TABLE}.insert refused: {RULE_LEDGER_INSERT}")
    for table, by_tier in policy.columns.items():
        for tier, names in by_tier.items():
            for name in names:
                rule = undeclarable(table, name) if table != "*" else None
                if rule:
                    raise _fail(path, f"columns.{table}.{tier}: {name} refused: {rule}")


def _admits(tier: str, role: str) -> bool:
    floor = TIERS[tier]
    return floor is not None and roles.tier_of(role) >= floor


def _entry(section: dict, target: str) -> dict:
    return {**section.get("*", {}), **section.get(target, {})}


def _table_tier(policy: Policy, cell) -> str | None:
    if cell.scope not in ("own", "dual_own", "self"):
        return None
    command = "insert" if cell.surface == "attribution" else cell.operation
    return _entry(policy.tables, cell.target).get(command)


def settled(cell) -> str | None:
    """The §11 rule that decides a cell harness/roles.py still lists as open: a policy may not
    declare it, and the rule refuses it (the reference to another yacht's row, the direct update
    of a trail, author or action column, the transfer leg left unpaired at commit)."""
    if cell.surface == "tenant_column":
        return RULE_TENANCY
    if cell.surface == "function_movement" and cell.operation.startswith("transferred"):
        return RULE_ALL_OR_NOTHING   # one leg booked alone by a direct call
    return undeclarable(*cell.target.split(".", 1)) if cell.surface == "column_update" else None


def _column_tier(policy: Policy, cell) -> str | None:
    table, column = cell.target.split(".", 1)
    by_tier = policy.columns.get(table, policy.columns.get("*"))
    if by_tier is None:
        return None
    admitting = [t for t, cols in by_tier.items() if column in cols or "*" in cols]
    return min(admitting, key=lambda t: TIERS[t]) if admitting else "nobody"


def _storage_tier(policy: Policy, cell) -> str | None:
    tier = _entry(policy.storage, cell.target).get(cell.operation)
    if tier is not None and cell.scope in ("foreign", "escaping", "dual_foreign"):
        return "nobody"
    return tier


def _function_tier(policy: Policy, cell) -> str | None:
    name, op = cell.target.split("(")[0], cell.operation
    choice = ("details" if op.startswith("details:") else "colleague_author" if op.endswith("+details:user_id")
              else "colleague_signer" if op.endswith("+details:signed_by") else None)
    return _entry(policy.functions, name).get(choice) if choice else None


#: surface (or, for an identity cell, the kind of surface it repeats) -> what decides it.
DECIDERS = {"table": _table_tier, "view": _table_tier, "registry": _table_tier, "attribution": _table_tier,
            "column_update": _column_tier, "storage": _storage_tier, "function": _function_tier,
            "function_movement": _function_tier}


def declare(policy: Policy, cells) -> None:
    """Give every cell the contract leaves open the policy's expectation, if it declares one;
    the rest stay ``unspecified`` (observed) with what that means."""
    where = policy.path.name if policy.path else FILE_NAME
    for cell in cells:
        if cell.expected != roles.UNSPECIFIED:
            continue
        rule = settled(cell)
        if rule is not None:
            cell.expected, cell.rule = roles.DENIED, f"{cell.rule} — {rule}: the contract decides, not a policy"
            continue
        kind = cell.extra.get("kind", "table") if cell.surface == "identity" else cell.surface
        tier = DECIDERS[kind](policy, cell) if kind in DECIDERS else None
        if tier is None:
            cell.rule = f"{cell.rule} — {OBSERVED_MEANING.format(file=where)}"
            continue
        cell.expected = roles.ALLOWED if _admits(tier, cell.role) else roles.DENIED
        cell.rule = f"policy {where}: lowest tier {tier}" + (f" ({cell.rule})" if cell.rule else "")
        cell.extra["declared"] = True


def check_catalog(policy: Policy, dsn: str) -> None:
    """After the migrations: every table, column and bucket the file names exists (a typo would
    otherwise declare nothing and leave the cells observed without a word)."""
    import psycopg

    names = policy.names()
    with psycopg.connect(dsn) as conn:
        tables = dict(conn.execute(
            "SELECT c.relname, array_agg(a.attname::text) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') GROUP BY 1").fetchall())
        buckets = {r[0] for r in conn.execute("SELECT id FROM storage.buckets").fetchall()} if names["buckets"] else set()
    for table, columns in sorted(names["tables"].items()):
        if table not in tables:
            raise _fail(policy.path, f"names table {table}, which the migrated schema does not have")
        missing = sorted(columns - set(tables[table]))
        if missing:
            raise _fail(policy.path, f"columns.{table} names {', '.join(missing)}, which {table} does not have")
    for bucket in sorted(names["buckets"] - buckets):
        raise _fail(policy.path, f"storage.{bucket}: no such bucket in storage.buckets")
