"""User-facing errors.

Every mistake a planner or data officer can make is raised as an :class:`EvalkitError` whose
message names the file, the place (dotted key or row/column), the offending value and what is
allowed. The CLI prints the message without a traceback and exits with ``exit_code``.
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in one input file.

    ``where`` is a dotted params key (``target.coverage_pct``) or a data location
    (``row 12, column 'workforce'``); ``line`` is the 1-based line in the file when known.
    """

    file: str
    where: str
    value: str
    allowed: str
    line: int | None = None

    def message(self) -> str:
        loc = self.file if self.line is None else f"{self.file}, line {self.line}"
        value = "" if self.value == "" else f": value {self.value} is not allowed"
        return f"{loc}, {self.where}{value} — {self.allowed}"


class EvalkitError(Exception):
    """Base class of errors caused by user input (never by a bug in evalkit)."""

    exit_code = 1
    kind = "error"

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            self.problems: list[Problem] = []
            text = problems
        else:
            self.problems = list(problems)
            text = "\n".join(p.message() for p in self.problems)
        super().__init__(text)


class ParamsError(EvalkitError):
    """A params file is missing, unreadable, or breaks the schema."""

    exit_code = 2
    kind = "params"


class DataError(EvalkitError):
    """An input data file breaks its documented schema."""

    exit_code = 2
    kind = "data"


class OutputsError(EvalkitError):
    """The outputs folder cannot take a run (read-only, full, a folder where a link should be …)."""

    exit_code = 2
    kind = "outputs"


def short_repr(value: object, limit: int = 40) -> str:
    """Quote a value for an error message: a short prefix only (at most ``limit`` characters), computed
    without building the text of a large value (a whole list, another file's content) first."""
    short = reprlib.Repr()
    short.maxlevel, short.maxlist, short.maxdict, short.maxstring, short.maxother = 2, 4, 4, limit, limit
    text = short.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
