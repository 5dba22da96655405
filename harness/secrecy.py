"""Secrets out of the test reports, at the source: pytest's failure text and captured output
are redacted before JUnit and Allure read them, and Allure's own result objects (whose message
comes from the exception itself) are redacted before its file writer runs.

A failing test's traceback shows fixture values and assertion operands; a DSN among them would
otherwise be written to junit.xml and the Allure results.
"""

from __future__ import annotations

import pytest

from harness.redact import redact_dsn


class ReportRedaction:
    """pytest plugin object (registered by harness.plugin)."""

    @pytest.hookimpl(hookwrapper=True, trylast=True)
    def pytest_runtest_makereport(self, item, call):
        """Innermost wrapper: runs on the report before every other plugin sees it."""
        report = (yield).get_result()
        longrepr = report.longrepr
        if isinstance(longrepr, tuple):  # a skip: (path, line, reason)
            report.longrepr = (*longrepr[:2], redact_dsn(str(longrepr[2])))
        elif longrepr is not None and redact_dsn(str(longrepr)) != str(longrepr):
            report.longrepr = redact_dsn(str(longrepr))
        report.sections = [(title, redact_dsn(content)) for title, content in report.sections]


def _redact_attrs(obj) -> None:
    """Redact, in place, every string held by an Allure model object (messages, traces, params)."""
    import attr

    for a in attr.fields(type(obj)):
        value = getattr(obj, a.name)
        if isinstance(value, str):
            setattr(obj, a.name, redact_dsn(value))
        for item in value if isinstance(value, list) else [value]:
            if attr.has(type(item)):
                _redact_attrs(item)


def register(config) -> None:
    config.pluginmanager.register(ReportRedaction(), "lens-report-redaction")
    if not getattr(config.option, "allure_report_dir", None):
        return
    import allure_commons

    class AllureRedaction:
        @allure_commons.hookimpl(tryfirst=True)
        def report_result(self, result):
            _redact_attrs(result)

        @allure_commons.hookimpl(tryfirst=True)
        def report_container(self, container):
            _redact_attrs(container)

    allure_commons.plugin_manager.register(AllureRedaction())
