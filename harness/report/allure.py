"""Allure helpers for the pytest plugin: labels and attachments.

Every function is a no-op (returns ``False``) when allure-pytest is not installed or not
active (no ``--alluredir``), so the plugin can call them unconditionally.

Labels: epic = "Inventory Lens", feature = the suite, story = "<ID> <title>".
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

EPIC = "Inventory Lens"

try:  # allure is a dependency, but the report must not require it
    import allure as _allure
    import allure_commons as _allure_commons
    from allure_commons.types import AttachmentType as _AttachmentType
except Exception:  # pragma: no cover - exercised only without allure installed
    _allure = None
    _allure_commons = None
    _AttachmentType = None


def allure_active() -> bool:
    """True when allure-pytest is recording results (``--alluredir`` was given)."""
    if _allure_commons is None:
        return False
    try:
        plugins = _allure_commons.plugin_manager.get_plugins()
    except Exception:
        return False
    return any(type(p).__name__ == "AllureListener" for p in plugins)


def _story(test_id: str | None, title: str | None) -> str | None:
    parts = [p for p in (test_id, title) if p]
    return " ".join(parts) if parts else None


def _item_property(item, key: str) -> str | None:
    for name, value in reversed(getattr(item, "user_properties", None) or []):
        if name == key and value not in (None, ""):
            return str(value)
    return None


def _item_marker_arg(item, marker: str) -> str | None:
    try:
        m = item.get_closest_marker(marker)
    except Exception:
        return None
    return str(m.args[0]) if m is not None and m.args else None


def describe_item(item) -> tuple[str | None, str | None, str | None]:
    """(suite, ID, title) of a pytest item, from its user_properties / markers / path / docstring."""
    from .catalogue import ACCEPTANCE, NEGATIVE

    test_id = (_item_property(item, "acceptance_id") or _item_marker_arg(item, "acceptance")
               or _item_property(item, "negative_id") or _item_marker_arg(item, "negative"))
    suite = _item_property(item, "suite")
    if suite is None:
        parts = Path(str(getattr(item, "fspath", "") or "")).parts
        if "suites" in parts and parts.index("suites") + 1 < len(parts) - 1:
            suite = parts[parts.index("suites") + 1]
    title = _item_property(item, "title")
    if title is None and test_id:
        if test_id in ACCEPTANCE:
            title = ACCEPTANCE[test_id][1]
        elif test_id in NEGATIVE:
            title = NEGATIVE[test_id][0]
    if title is None:
        doc = getattr(getattr(item, "function", None), "__doc__", None) or ""
        title = next((ln.strip() for ln in doc.splitlines() if ln.strip()), None)
    return suite, test_id, title


def label_item(item, suite: str | None = None, test_id: str | None = None,
               title: str | None = None) -> bool:
    """Label a pytest item (collection or setup time) as epic/feature/story allure markers.

    Suite, ID and title default to what the item carries (``describe_item``). A no-op
    without active allure; labelling the same item twice adds nothing.
    """
    if not allure_active() or getattr(item, "_lens_allure_labelled", False):
        return False
    import pytest

    d_suite, d_id, d_title = describe_item(item)
    suite, test_id, title = suite or d_suite, test_id or d_id, title or d_title
    mark = pytest.mark.allure_label
    item.add_marker(mark(EPIC, label_type="epic"))
    if suite:
        item.add_marker(mark(suite, label_type="feature"))
    story = _story(test_id, title)
    if story:
        item.add_marker(mark(story, label_type="story"))
    if test_id:
        item.add_marker(mark(test_id, label_type="tag"))
    try:
        item._lens_allure_labelled = True
    except Exception:
        pass
    return True


def readable_parameters(item) -> bool:
    """Show bytes parameters as their text: allure-pytest renders every bytes value as
    ``<class 'bytes'>``, so a test parametrised over raw bodies showed N identical rows and the
    report folded them into retries of one (302 of 314 tests shown)."""
    if not allure_active() or not hasattr(item, "callspec"):
        return False
    for name, value in item.callspec.params.items():
        if isinstance(value, (bytes, bytearray)):
            _allure.dynamic.parameter(name, bytes(value).decode("utf-8", "backslashreplace"))
    return True


def label_test(suite: str | None, test_id: str | None = None, title: str | None = None) -> bool:
    """Inside a running test: label it (epic, feature = suite, story = ID + title)."""
    if not allure_active():
        return False
    try:
        _allure.dynamic.epic(EPIC)
        if suite:
            _allure.dynamic.feature(suite)
        story = _story(test_id, title)
        if story:
            _allure.dynamic.story(story)
        if test_id:
            _allure.dynamic.tag(test_id)
    except Exception:
        return False
    return True


def _attachment_type(path: Path):
    if _AttachmentType is None:
        return None
    name = path.name.lower()
    by_suffix = {
        ".json": _AttachmentType.JSON, ".csv": _AttachmentType.CSV, ".png": _AttachmentType.PNG,
        ".xml": _AttachmentType.XML, ".html": _AttachmentType.HTML, ".txt": _AttachmentType.TEXT,
        ".log": _AttachmentType.TEXT, ".sql": _AttachmentType.TEXT, ".md": _AttachmentType.TEXT,
        ".yaml": _AttachmentType.YAML, ".yml": _AttachmentType.YAML,
    }
    if name.endswith(".jsonl"):
        return _AttachmentType.TEXT
    return by_suffix.get(path.suffix.lower())


def attach_file(path: str | Path, name: str | None = None) -> bool:
    """Attach one file to the current test (or fixture step). False when skipped."""
    if not allure_active():
        return False
    path = Path(path)
    if not path.is_file():
        return False
    kind = _attachment_type(path)
    extension = None
    if kind is None:
        guessed = mimetypes.guess_type(path.name)[0]
        extension = path.suffix.lstrip(".") or ("txt" if guessed is None else None)
    try:
        _allure.attach.file(str(path), name=name or path.name, attachment_type=kind, extension=extension)
    except Exception:
        return False
    return True


# What gets attached from a report directory.
ATTACH_GLOBS = (
    "evidence/*",
    "concurrency/*.json",
    "concurrency/*.history.jsonl",
    "load/*.csv",
    "load/summary.json",
    "matrix/*.json",
)


def attach_report_files(report_dir: str | Path, patterns: tuple[str, ...] = ATTACH_GLOBS) -> int:
    """Attach the evidence files, checker histories and load CSVs of a report directory.

    Returns how many files were attached (0 when allure is not active).
    """
    if not allure_active():
        return 0
    report_dir = Path(report_dir)
    count = 0
    for pattern in patterns:
        for path in sorted(report_dir.glob(pattern)):
            if path.is_file() and attach_file(path, name=path.relative_to(report_dir).as_posix()):
                count += 1
    return count


def write_environment(results_dir: str | Path, values: dict) -> Path | None:
    """``environment.properties`` of an Allure results folder (shown on the report's overview)."""
    results_dir = Path(results_dir)
    if not results_dir.is_dir():
        return None
    lines = [f"{key.replace(' ', '.')}={value}" for key, value in values.items() if value not in (None, "")]
    path = results_dir / "environment.properties"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
