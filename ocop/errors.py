"""Errors and warnings, with the wording that district staff read."""

from __future__ import annotations

from dataclasses import dataclass


class SiteError(Exception):
    """A problem that stops the build; `str()` is the message to show."""


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about a file: `path:line: error|warning: field: message`."""

    path: str
    line: int
    field: str
    message: str
    level: str = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where}: {self.level}: {what}"

    @property
    def is_error(self) -> bool:
        return self.level == "error"


class ContentErrors(SiteError):
    """Every content problem found in one run, sorted by file and line."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ConfigError(SiteError):
    """The site settings file is wrong."""


class TemplateError(SiteError):
    """A template failed to compile or render: `templates/x.html:12: message`."""


class UsageError(SiteError):
    """The command line is wrong (exit code 2)."""


def astuple_key(problem: Problem) -> tuple:
    """The order of Problem (its fields in turn), as a plain tuple: sorting thousands compares in C."""
    return (problem.path, problem.line, problem.field, problem.message, problem.level)
