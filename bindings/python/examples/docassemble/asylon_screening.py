"""A Docassemble module that lets asylon run the screening.

The interview (``asylon_screening.yml``) asks whatever ``Screening.current()`` says is
the next question, records the answer, and shows the decision at the end. This module
holds no rule and no wording of its own: the questions, the choice labels, the order of
asking and the decision all come from the policy, so the interview decides exactly as
``asylon eval`` and ``asylon ask`` do.

- The policy is loaded once per server process (``policy()``), not once per screen:
  loading parses and checks it; an ``asylon.Policy`` is immutable and safe to share
  between the threads of a web server.
- ``Screening`` keeps only plain data (answers, skipped facts, date, language), so
  Docassemble can pickle it after every screen.
- ``yesnomaybe`` gives ``None`` for "I don't know": that fact stays unknown, is never
  asked again, and the outcomes it could change stay undetermined.

In a Docassemble package this file sits in ``docassemble/<package>/`` and the policy
in ``data/sources/``; set ``ASYLON_POLICY`` to its path.
"""

import datetime
import functools
import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from asylon import FactsError

import asylon

__all__ = ["FactsError", "Screening", "as_fact", "nested", "policy"]

# Beside the example, the repository's border policy; a server sets ASYLON_POLICY.
DEFAULT_POLICY = Path(__file__).resolve().parents[4] / "policies" / "us-mexico-border"


@functools.lru_cache(maxsize=None)
def policy(path: Optional[str] = None) -> asylon.Policy:
    """The policy, loaded and checked once per process and path."""
    return asylon.Policy.load(path or os.environ.get("ASYLON_POLICY") or DEFAULT_POLICY)


def as_fact(value: Any) -> Any:
    """A Docassemble answer as a fact value. ``None`` (``yesnomaybe``'s "I don't know",
    an empty optional field) is unknown; a ``DADateTime`` or ``datetime`` is its day;
    Docassemble's checkbox dicts ``{"religion": True, …}`` become the list of ticked
    choices."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, dict):
        return [choice for choice, ticked in value.items() if ticked]
    return value


def nested(answers: Dict[str, Any]) -> Dict[str, Any]:
    """Answers by dotted fact id (``person.fears_return``) as a fact dict
    (``{"person": {"fears_return": …}}``), the shape a policy reads."""
    facts: Dict[str, Any] = {}
    for dotted, value in answers.items():
        *groups, last = dotted.split(".")
        here = facts
        for group in groups:
            here = here.setdefault(group, {})
        here[last] = value
    return facts


class Screening:
    """One person's screening: what they answered and what they did not know."""

    def __init__(self, lang: str = "en", as_of: Optional[str] = None,
                 policy_path: Optional[str] = None) -> None:
        self.lang = lang
        self.as_of = as_of or datetime.date.today().isoformat()
        self.policy_path = policy_path
        self.answers: Dict[str, Any] = {}
        self.unknown: List[str] = []

    @property
    def policy(self) -> asylon.Policy:
        return policy(self.policy_path)

    def facts(self) -> Dict[str, Any]:
        """The answers so far as a fact dict."""
        return nested(self.answers)

    def current(self) -> Optional[Dict[str, Any]]:
        """The question to ask now, as asylon chooses it, or ``None`` when nothing left
        to ask can change the decision."""
        return self.policy.next_question(
            self.facts(), as_of=self.as_of, lang=self.lang, skip=self.unknown
        )

    def choices(self) -> List[Dict[str, Any]]:
        """The current question's choices for a Docassemble ``choices:`` list, with
        the policy's labels and "I don't know" last."""
        question = self.current() or {}
        labels = question.get("labels") or {}
        options = [{label or choice: choice} for choice, label in labels.items()]
        return options + [{"I don't know": None}]

    def answer(self, fact: str, value: Any) -> None:
        """Records an answer. An answer that makes the facts invalid or contradictory
        raises ``asylon.FactsError`` and changes nothing (the interview shows its
        ``help`` as a validation error)."""
        value = as_fact(value)
        if value is None:
            self.answers.pop(fact, None)
            if fact not in self.unknown:
                self.unknown.append(fact)
            return
        trial = dict(self.answers, **{fact: value})
        self.policy.evaluate(nested(trial), as_of=self.as_of, lang=self.lang)
        self.answers = trial
        if fact in self.unknown:
            self.unknown.remove(fact)

    def decision(self) -> Dict[str, Any]:
        """The decision for the answers so far: ``asylon eval --format json``'s dict."""
        return self.policy.evaluate(self.facts(), as_of=self.as_of, lang=self.lang)

    def summary(self) -> List[Tuple[str, str]]:
        """(title, status) of every outcome, in the order a person reads them."""
        d = self.decision()
        return ([(o["title"], "holds") for o in d["outcomes"]]
                + [(o["title"], "undetermined") for o in d["undetermined"]])
