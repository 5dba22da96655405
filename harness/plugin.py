"""pytest plugin (`pytest11` entry point `lens`): options, the provisioned database, fixtures.

Installed with the harness, it is loaded into every pytest run on the machine, so it stays
inert until a test asks for one of its fixtures: nothing is provisioned, validated or labelled
before that. The first test of a process that needs a database provisions it: under the gate
(`--lens-attach`) by cloning the gate's migrated template, otherwise by starting a private
server for this process (one per xdist worker) and migrating it.
"""

from __future__ import annotations

import ast
import functools
import os
import re
import tempfile
import warnings
from pathlib import Path

import pytest
import pytest_asyncio

from harness import secrecy
from harness.config import SETTINGS_FILE_ENV, SUITES_DIR, TARGETS, Settings
from harness.criteria import NEEDS_WRITES_PREFIX
from harness.errors import HarnessError
from harness.provision import lifecycle

RUNTIME = pytest.StashKey["LensRuntime"]()
ID_MARKERS = {"acceptance": "acceptance_id", "negative": "negative_id"}
MARKERS = [
    "acceptance(id): one of the 21 acceptance tests A01-A21 (CONTRACT section 8)",
    "negative(id): one of the negative controls N1-N8",
    "concurrency: concurrent-consume stress, checker and model-based tests",
    "api: tests of the reference HTTP API",
    "matrix: the role x action matrix",
    "atomic: a behavioural proof that handlers change stock atomically (criterion atomic_functions)",
    "fuzz: a no-5xx fuzz test (criterion zero_5xx)",
    "detector: proves a detector fires on an injected violation (criterion detectors, a harness self-check)",
    "writes: the test commits data (skipped on a verify-only DSN)",
    "spread: the module's tests are independent and each is long on a remote server: pytest-xdist "
    "may run them on different workers (every other module stays on one worker, its fixtures shared)",
    "early: the module's fixture is the longest work unit on a remote server: pytest-xdist hands it "
    "out before every other",
]


def pytest_addoption(parser):
    group = parser.getgroup("lens", "Inventory Lens harness")
    group.addoption("--lens-target", choices=TARGETS, default=None, help="embedded (default), docker or dsn")
    group.addoption("--lens-dsn", default=None, help="existing server for --lens-target dsn")
    group.addoption("--lens-sql-dir", default=None, help="migration directory or Supabase project (default: the project's sql/)")
    group.addoption("--lens-base-schema", default=None, help="pg_dump --schema-only file applied before the migrations")
    group.addoption("--lens-base-data", default=None, help="pre-lens rows (pg_dump --data-only --inserts) the "
                    "migrations-on-data check migrates over")
    group.addoption("--lens-policy", default=None, help="surface policy file (default: lens-policy.yaml in or beside the migrations)")
    group.addoption("--lens-pg-bin", default=None, help="directory of initdb/postgres/pg_ctl")
    group.addoption("--lens-pg-version", default=None, help="PostgreSQL major version to run (15: system, 18: the pg18 extra's wheel)")
    group.addoption("--lens-allow-migrate", action="store_true", default=None, help="dsn target: apply migrations")
    group.addoption("--lens-allow-writes", action="store_true", default=None, help="dsn target: let suites commit (own yachts, purged after)")
    group.addoption("--lens-sut", default=None, help="reference (default) or naive (deliberate race defect)")
    group.addoption("--lens-api-url", default=None, help="test your own API instead of the in-process reference")
    group.addoption("--lens-api-profile", default=None, help="how to speak to the API: reference, envelope or a YAML file")
    group.addoption("--lens-binding", default=None, help="how the suites reach the implementation (default: chosen "
                    "from the target's catalog)")
    group.addoption("--lens-attach", default=None, help="admin DSN of a harness-owned server whose template to clone (set by the gate and xdist)")
    group.addoption("--lens-template", default=None, help="with --lens-attach: the migrated template database to clone (default lens_template)")
    group.addoption("--lens-profile", choices=("smoke", "full"), default=None, help="stress sizes (default smoke)")
    group.addoption("--lens-artifacts", default=None, help="directory for histories and other evidence of this run")
    group.addoption("--lens-mutant", default=None, help="run against a deliberately broken variant (name or YAML path)")


SETTINGS = pytest.StashKey[Settings]()
FINDINGS = pytest.StashKey[list]()


def _in_pytest_terms(exc: HarnessError) -> str:
    """Harness errors name CLI flags (`--sql-dir`); here the same option is `--lens-sql-dir`."""
    return re.sub(r"(?<![\w-])--(?!lens-)(?=[a-z])", "--lens-", str(exc))


def _exit(exc: HarnessError):
    pytest.exit(_in_pytest_terms(exc), returncode=2)


def _settings(config) -> Settings:
    """Settings of this run, computed once; a mutant swaps in its SQL copy and handler variant."""
    if SETTINGS in config.stash:
        return config.stash[SETTINGS]
    handed = Settings.from_settings_file()  # the gate decided everything already
    if handed is not None:
        config.stash[SETTINGS] = handed
        return handed
    from harness.binding import AUTO
    from harness.provision.embedded import bin_for

    opt = config.getoption
    settings = Settings.from_env(
        target=opt("--lens-target"), dsn=opt("--lens-dsn"), sql_dir=opt("--lens-sql-dir"),
        base_schema=opt("--lens-base-schema"), base_data=opt("--lens-base-data"), policy=opt("--lens-policy"),
        pg_bin=bin_for(opt("--lens-pg-bin"), opt("--lens-pg-version")), allow_migrate=opt("--lens-allow-migrate"),
        allow_writes=opt("--lens-allow-writes"), sut=opt("--lens-sut"), api_url=opt("--lens-api-url"),
        binding=opt("--lens-binding") or os.environ.get("LENS_BINDING") or AUTO, api_profile=opt("--lens-api-profile"),
    )
    if opt("--lens-mutant"):
        from harness import mutants

        mutant = mutants.find(opt("--lens-mutant"))
        sql_dir = settings.sql_dir
        if mutant.touches_sql:
            sql_dir = mutants.materialize(mutant, settings.sql_dir, Path(tempfile.mkdtemp(prefix=f"lens-mutant-{mutant.name}-")))
        settings = settings.with_(sql_dir=sql_dir, sut=mutant.sut)
    config.stash[SETTINGS] = settings
    return settings


class LensRuntime:
    """The server and database of this pytest process, created on first use."""

    def __init__(self, config):
        self.config = config
        self.settings: Settings | None = None
        self.server = None
        self.owned = False
        self.template = None
        self.database = None
        self.worker_id = getattr(config, "workerinput", {}).get("workerid", "main")
        handed = Settings.from_settings_file()
        self.attach = config.getoption("--lens-attach") or (handed and handed.attach)

    def _start_server(self) -> None:
        from harness.provision import Database, prepare, provisioner_for
        from harness.provision.dsn import ExistingServer

        self.settings = _settings(self.config)
        if self.attach:
            self.server = ExistingServer(self.attach)
            template = self.config.getoption("--lens-template") or self.settings.template or "lens_template"
            self.template = Database(self.attach, "attached", template=template)
            return
        self.server = provisioner_for(self.settings).start()
        self.owned = self.settings.target != "dsn"
        self.template = prepare(self.server, self.settings)

    def get_database(self):
        from harness.provision import clone_for

        if self.database is None:
            if self.server is None:
                self._start_server()
            name = f"lens_{self.worker_id}_{os.getpid()}"
            self.database = clone_for(self.server, self.template, name)
            if self.attach:
                self.database.target = self.settings.target
        return self.database

    def close(self) -> None:
        if self.database is not None and self.database is not self.template and self.server is not None:
            from harness.provision import janitor

            try:
                janitor.drop_database(self.server.admin_dsn, self.database.dsn.rsplit("/", 1)[-1])
            except Exception:  # noqa: BLE001 - the server may already be gone
                pass
        if self.owned and self.server is not None:
            self.server.stop()
        self.server = None


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    config.stash[RUNTIME] = LensRuntime(config)
    secrecy.register(config)
    if config.getini("asyncio_default_fixture_loop_scope") is None:
        # pytest-asyncio arrives with the harness; its nag about an option a project that never
        # configured asyncio did not choose would be the harness's noise in that project.
        warnings.filterwarnings("ignore", message='The configuration option "asyncio_default_fixture_loop_scope" is unset')
    if hasattr(config, "workerinput") and os.environ.get(SETTINGS_FILE_ENV):  # a gate's worker dies with it
        lifecycle.die_with_parent()


def pytest_unconfigure(config):
    runtime = config.stash.get(RUNTIME, None)
    if runtime is not None:
        runtime.close()


def pytest_xdist_make_scheduler(config, log):
    """``--dist loadgroup`` as the gate means it: a module's tests on one worker (its module
    fixtures made once), a ``spread`` module's tests each on its own.  xdist's own loadgroup reads
    a group from a suffix it appends to ``item._nodeid``, which pytest 9.2 no longer reads (node
    ids became structured): the groups silently vanished and a module fixture ran on every worker
    that drew one of its tests (the §11 observations four times over at 50 ms)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleGroups(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return nodeid if "spread" in _marks(config.rootpath / module) else module

        def _assign_work_unit(self, node) -> None:
            """The ``early`` modules first (one long fixture each: the §11 observations, 66 s
            at 50 ms, drawn after the spread tests they ended the run 40 s after every other
            worker), then the spread tests (each long on a remote server: last, they would be
            the run's tail), then the modules, most tests first."""
            early = [s for s in self.workqueue if "early" in _marks(config.rootpath / s.split("::", 1)[0])]
            for scope in [*early, *(s for s in self.workqueue if "::" in s)][::-1]:
                self.workqueue.move_to_end(scope, last=False)
            super()._assign_work_unit(node)

    return ModuleGroups(config, log)


@functools.cache
def _marks(module: Path) -> frozenset[str]:
    """The marks a test module's ``pytestmark`` names (``pytest.mark.spread``, ``[...]``): read
    from its source, as the controller collects nothing."""
    try:
        tree = ast.parse(module.read_text())
    except (OSError, SyntaxError):
        return frozenset()
    return frozenset(n.attr for node in tree.body if isinstance(node, ast.Assign)
                     and any(getattr(t, "id", None) == "pytestmark" for t in node.targets)
                     for n in ast.walk(node.value) if isinstance(n, ast.Attribute) and n.attr != "mark")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """IDs, suite and criterion (harness/criteria.py) become JUnit properties, so the report can
    build its matrices and judge every test under exactly one criterion. A module is one xdist
    group (the gate runs --dist loadgroup: ``pytest_xdist_make_scheduler``) unless it is marked ``spread``."""
    from harness.criteria import Unmapped, criterion_for

    for item in items:
        try:
            markers = {m.name for m in item.iter_markers() if m.name not in ID_MARKERS or m.args}
            item.user_properties.append(("criterion", criterion_for(item.fspath, markers).key))
        except Unmapped as exc:
            item.user_properties.append(("unmapped", str(exc)))
        for marker, prop in ID_MARKERS.items():
            m = item.get_closest_marker(marker)
            if m and m.args:
                item.user_properties.append((prop, m.args[0]))
        if item.path.is_relative_to(SUITES_DIR) and len(item.path.relative_to(SUITES_DIR).parts) > 1:
            item.user_properties.append(("suite", item.path.relative_to(SUITES_DIR).parts[0]))


OTHER_LOOP = ("this test ran on its own event loop, but the harness's fixtures (connections, pools) live on the "
              "session loop: use loop_scope=session — mark the test @pytest.mark.asyncio(loop_scope=\"session\"), "
              "or set asyncio_default_test_loop_scope = session in your pytest configuration")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A test that trips over an object the conformance step found missing is BLOCKED by that
    finding (INTERFACES item 2), not an error: one reason, reported once, not one per test.
    Otherwise record who is to blame for an error outside the test body (docs/VERDICT.md): an
    assertion in a fixture is a finding about the target; any other setup/teardown exception
    (missing database, missing function, connection refused) means the test could not run, and
    so does an import error anywhere (the harness could not load what drives the target)."""
    report = (yield).get_result()
    findings = item.config.stash.get(FINDINGS, None)
    if findings and report.failed and call.excinfo is not None:
        from harness.conformance import blocking_finding

        finding = blocking_finding(findings, call.excinfo.value)
        if finding is not None:
            report.outcome = "skipped"
            report.longrepr = (str(item.path), item.location[1] or 0, f"Skipped: blocked: {finding}")
    if report.failed and call.excinfo is not None and "attached to a different loop" in str(call.excinfo.value):
        report.sections.append(("lens-harness", OTHER_LOOP))
    harness_broke = call.excinfo is not None and call.excinfo.errisinstance(ImportError)  # the harness's own code
    if report.failed and call.excinfo is not None and (report.when != "call" or harness_broke):
        kind = "defect" if call.excinfo.errisinstance(AssertionError) else "could_not_run"
        prop = ("lens_error", f"{report.when}:{kind}:{call.excinfo.typename}")
        item.user_properties.append(prop)  # copied into the teardown report, which JUnit reads
        if report.when == "teardown":
            report.user_properties.append(prop)


def pytest_runtest_setup(item):
    """Readable allure parameters for every test; allure labels for the harness's own suites
    only: another project's report stays its own."""
    try:
        from harness.report.allure import label_item, readable_parameters
    except ImportError:
        return
    readable_parameters(item)
    if item.path.is_relative_to(SUITES_DIR):
        label_item(item)


# -- fixtures -------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def lens_settings(pytestconfig) -> Settings:
    try:
        return _settings(pytestconfig)
    except HarnessError as exc:
        _exit(exc)


@pytest.fixture(scope="session")
def lens_policy(lens_settings):
    """The project's surface policy (harness/policy.py): what it declares of what §11 leaves open."""
    from harness import policy

    try:
        return policy.load(lens_settings.policy)
    except HarnessError as exc:
        _exit(exc)


@pytest.fixture(scope="session")
def lens_database(pytestconfig):
    """The migrated database of this process (a private clone unless the target is a DSN)."""
    try:
        return pytestconfig.stash[RUNTIME].get_database()
    except HarnessError as exc:
        _exit(exc)


@pytest.fixture(scope="session")
def lens_profile(pytestconfig) -> str:
    return (pytestconfig.getoption("--lens-profile") or os.environ.get("LENS_PROFILE")
            or _settings(pytestconfig).profile)


@pytest.fixture(scope="session")
def lens_artifacts(pytestconfig) -> Path:
    """Where histories and other per-run evidence go (the gate points it into the report)."""
    chosen = (pytestconfig.getoption("--lens-artifacts") or os.environ.get("LENS_ARTIFACTS")
              or _settings(pytestconfig).artifacts)
    path = Path(chosen) if chosen else Path(tempfile.mkdtemp(prefix="lens-artifacts-"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def lens_pool(lens_database):
    from harness import db as dbmod

    pool = await dbmod.create_pool(lens_database.dsn, max_size=20)
    yield pool
    await pool.close()


@pytest_asyncio.fixture(loop_scope="session")
async def lens_tx(lens_pool):
    """An owner connection inside a transaction that is always rolled back: nothing commits."""
    async with lens_pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        try:
            yield conn
        finally:
            await tx.rollback()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def lens_conformance(pytestconfig, lens_pool, lens_artifacts) -> list:
    """The target's CONTRACT §10 findings (harness/conformance.py), also saved as
    conformance.json; from now on a test hitting a missing object is reported blocked."""
    from harness import conformance

    async with lens_pool.acquire() as conn:
        findings = await conformance.check(conn)
    conformance.save(findings, lens_artifacts / "conformance.json")
    pytestconfig.stash[FINDINGS] = findings
    return findings


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def lens_binding(lens_settings, lens_conformance, lens_pool):
    """The implementation's binding (harness/binding): the only way suites call its functions;
    what it reads from the target's catalog is read once here."""
    from harness.binding import AUTO, choose_on, load

    async with lens_pool.acquire() as conn:
        try:
            binding = load(await choose_on(conn) if lens_settings.binding == AUTO else lens_settings.binding)
        except HarnessError as exc:
            _exit(exc)
        await binding.discover(conn)
    return binding


@pytest.fixture
def factory(lens_tx, lens_binding):
    """Factories writing inside `lens_tx` (rolled back): safe even on a verify-only DSN."""
    from harness.factories import Factory

    return Factory(lens_tx, binding=lens_binding)


@pytest.fixture
def as_user(lens_tx):
    """`async with as_user(user) as conn:` — a savepoint on `lens_tx` running as `authenticated`."""
    from harness import db as dbmod

    return functools.partial(dbmod.as_user, lens_tx)


@pytest.fixture
def writes_allowed(lens_database):
    if lens_database.verify_only:
        pytest.skip(f"{NEEDS_WRITES_PREFIX}this check must commit data; rerun with --lens-allow-writes to run it")


@pytest_asyncio.fixture(loop_scope="session")
async def lens_connect(lens_database):
    """Open separate connections (one per concurrent actor); all closed after the test."""
    from harness import db as dbmod

    opened = []

    async def open_connection():
        conn = await dbmod.connect(lens_database.dsn)
        opened.append(conn)
        return conn

    yield open_connection
    for conn in opened:
        if not conn.is_closed():
            await conn.close(timeout=5)


@pytest_asyncio.fixture(loop_scope="session")
async def committed_factory(writes_allowed, lens_pool, lens_binding):
    """Factories that commit (for concurrency and HTTP tests); their yachts are purged after.
    A pooled owner connection: no connection set-up per test (concurrent actors still get their
    own connections from `lens_connect`)."""
    from harness.factories import Factory, purge_yachts

    async with lens_pool.acquire() as conn:
        factory = Factory(conn, binding=lens_binding)
        yield factory
        await purge_yachts(conn, factory.yacht_ids)


@pytest.fixture(scope="session")
def sut(lens_settings, lens_database, lens_binding):
    """The system under test over HTTP, spoken to through the API profile (--lens-api-profile,
    default the binding's own): the implementation's API in-process unless --lens-api-url."""
    from harness.binding.api import load_profile
    from harness.binding.tokens import minter

    try:
        profile = load_profile(lens_settings.api_profile or lens_binding.api_profile)
        tokens = minter(profile.auth, lens_settings.jwt_secret)
    except HarnessError as exc:
        pytest.exit(str(exc), returncode=2)
    if lens_settings.api_url:
        yield lens_binding.api(lens_settings.api_url, tokens, profile.source)
        return
    try:
        base_url, stop = lens_binding.serve(lens_database.dsn, lens_settings)
    except HarnessError as exc:
        pytest.skip(f"blocked: {exc}")
    try:
        yield lens_binding.api(base_url, tokens, profile.source)
    finally:
        stop()
