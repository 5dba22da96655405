"""JUnit/Allure collection and the QA sign-off report (md + html + plots).

Public entry points::

    write_signoff(report_dir) -> Verdict      # writes signoff.md, signoff.html, plots/*.png
    evaluate(report_dir) -> Verdict           # judge only, write nothing
    parse_junit(path) -> JUnitReport | None
"""

from .criteria import BLOCKED, FAIL, NOT_RUN, PASS, REQUIRED, Criterion, IdRow, Verdict, evaluate
from .inputs import RunInputs, load_inputs, redact
from .junit import JUnitReport, TestResult, parse_junit
from .signoff import write_signoff

__all__ = [
    "BLOCKED", "FAIL", "NOT_RUN", "PASS", "REQUIRED", "Criterion", "IdRow", "JUnitReport", "RunInputs",
    "TestResult", "Verdict", "evaluate", "load_inputs", "parse_junit", "redact", "write_signoff",
]
