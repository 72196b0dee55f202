"""The exceptions asylon raises, each carrying the library's diagnostic records."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence


class Error(Exception):
    """Anything asylon refuses: every problem it found, as data.

    ``diagnostics`` is a list of dicts, one per problem, the records the command line
    prints with ``--format json``: ``code`` (stable, for programs to match on),
    ``severity``, ``message``, ``help`` (what to do, or ``None``), ``location`` (for a
    fact ``{"in": "fact", "path": "person.age", ...}``, for a policy ``{"in":
    "policy", "file": ..., "line": ..., "column": ...}``, or ``None``) and ``related``.
    ``code``, ``help`` and ``path`` are the first diagnostic's. From ``evaluate_many``,
    ``index`` is the failing case's position.
    """

    def __init__(self, message: str, diagnostics: Sequence[Dict[str, Any]] = ()) -> None:
        # Both in ``args``, so that the exception pickles and unpickles whole.
        super().__init__(message, list(diagnostics))
        self.message = message
        self.diagnostics: List[Dict[str, Any]] = list(diagnostics)
        self.index: Optional[int] = None

    def __str__(self) -> str:
        return self.message

    @property
    def code(self) -> Optional[str]:
        """The first diagnostic's code, such as ``asylon::facts::unknown_fact``."""
        return self.diagnostics[0]["code"] if self.diagnostics else None

    @property
    def help(self) -> Optional[str]:
        """The first diagnostic's advice (a "did you mean", how to write a value)."""
        return self.diagnostics[0].get("help") if self.diagnostics else None

    @property
    def path(self) -> Optional[str]:
        """The JSON path of the first fact a diagnostic points at (``person.age``)."""
        for d in self.diagnostics:
            location = d.get("location") or {}
            if location.get("in") == "fact":
                return location.get("path")
        return None

    @property
    def paths(self) -> List[str]:
        """The JSON path of every fact the diagnostics point at, in order."""
        out = []
        for d in self.diagnostics:
            location = d.get("location") or {}
            if location.get("in") == "fact":
                out.append(location.get("path"))
        return out


class FactsError(Error):
    """The facts are invalid (a misspelt fact, a wrong type, a bad date) or contradict
    each other (the policy's ``impossible`` rules)."""


class PolicyError(Error):
    """The policy cannot be read, does not parse or does not check."""


class EvalError(Error):
    """Evaluation has no result for these facts (arithmetic out of range)."""


# Shown and pickled as `asylon.FactsError`, where users import them from.
for _cls in (Error, FactsError, PolicyError, EvalError):
    _cls.__module__ = "asylon"
del _cls
