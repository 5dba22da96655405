"""The settings the gate hands its children: read once per file version, never stale."""

from __future__ import annotations

import os

import pytest

from harness.config import SETTINGS_FILE_ENV, Settings
from harness.errors import HarnessError


def test_handed_settings_are_parsed_once_and_reread_when_the_file_changes(tmp_path, monkeypatch):
    path = Settings(run_id="first", allow_writes=True).dump(tmp_path / "settings.json")
    monkeypatch.setenv(SETTINGS_FILE_ENV, str(path))
    first = Settings.from_settings_file()
    assert first.run_id == "first" and first.allow_writes and oct(path.stat().st_mode & 0o777) == "0o600"
    assert Settings.from_settings_file() is first  # every factory and hook shares one parse
    Settings(run_id="second-run").dump(path)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert Settings.from_settings_file().run_id == "second-run"


def test_a_missing_settings_file_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.setenv(SETTINGS_FILE_ENV, str(tmp_path / "gone.json"))
    with pytest.raises(HarnessError, match="cannot read the settings file"):
        Settings.from_settings_file()
    monkeypatch.delenv(SETTINGS_FILE_ENV)
    assert Settings.from_settings_file() is None
