"""Every `lens-harness run` flag has a `LENS_*` variable, read and checked like the flag itself.

A CI job configured by environment must get what it asked for or a refusal: a variable that is
silently ignored (``LENS_PROFILE=full`` giving a smoke run and exit 0) is worse than none. So
the run parser's own actions are the table: a flag ``--report-dir`` is ``LENS_REPORT_DIR``, its
value goes through the flag's type and choices (a switch takes 1/0, true/false, yes/no, on/off),
and an unknown value is a one-line refusal naming the variable. A flag given on the command
line wins over its variable; the arguments after ``--`` have no variable.
"""

from __future__ import annotations

import argparse
import os

from harness.errors import HarnessError

NO_VARIABLE = frozenset({"help", "pytest_args", "version"})
TRUE, FALSE = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off"})


def variable(dest: str) -> str:
    return "LENS_" + dest.upper()


def switch(name: str, raw: str) -> bool:
    """A boolean variable, strictly: anything else than the eight words is refused."""
    word = raw.strip().lower()
    if word in TRUE or word in FALSE:
        return word in TRUE
    raise HarnessError(f"{name}={raw!r} is not a switch: write 1 or 0 (true/false, yes/no, on/off)",
                       fix=f"set {name} to 1 or 0, or unset it")


def positive_int(text: str) -> int:
    """argparse type of counts such as --workers."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return value


def _from_variable(action: argparse.Action, name: str, raw: str):
    if isinstance(action, argparse._StoreConstAction):  # store_true / store_false
        return action.const if switch(name, raw) else not action.const
    try:
        value = action.type(raw) if action.type else raw
    except (argparse.ArgumentTypeError, ValueError) as exc:
        raise HarnessError(f"{name}={raw!r}: {exc}", fix=f"correct or unset {name}") from None
    if action.choices is not None and value not in action.choices:
        raise HarnessError(f"{name}={raw!r} is not one of {', '.join(map(str, action.choices))}",
                           fix=f"set {name} to one of {', '.join(map(str, action.choices))}, or unset it")
    return value


def apply(parser: argparse.ArgumentParser, args: argparse.Namespace, defaults: dict) -> argparse.Namespace:
    """Fill every flag the command line left out (None) from its variable, else from
    ``defaults``; raises HarnessError (with a fix) for a value the flag itself would refuse."""
    seen: set[str] = set()
    for action in parser._actions:  # argparse keeps no public list; this one is stable since 3.2
        dest = action.dest
        if dest in NO_VARIABLE or dest in seen or not action.option_strings:
            continue
        seen.add(dest)
        if getattr(args, dest, None) is not None:
            continue
        raw = os.environ.get(variable(dest), "")
        value = _from_variable(action, variable(dest), raw) if raw.strip() else defaults.get(dest)
        setattr(args, dest, value)
    return args
