"""User-facing errors and exit codes.

A user mistake (bad DSN, missing binaries, no Docker, wrong flag) must end in one line that
names the fix and a non-zero exit, never a traceback; the CLI catches `HarnessError` only.
"""

EXIT_OK = 0
EXIT_GATE_FAILED = 1   # the system under test failed a check: do not deploy
EXIT_CANNOT_RUN = 2    # the harness could not run (bad input, environment): fix and retry
EXIT_INTERRUPTED = 130


class HarnessError(Exception):
    """An error whose message is a complete one-line explanation for the user; ``fix`` (optional)
    is what to do about it, repeated in the exit-2 report."""

    exit_code = EXIT_CANNOT_RUN

    def __init__(self, message: str, fix: str | None = None):
        super().__init__(message)
        self.fix = fix
