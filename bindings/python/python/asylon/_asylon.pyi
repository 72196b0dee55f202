"""Type stubs of the native module; ``asylon.Policy`` is documented there."""

import os
from datetime import date
from typing import Any, Dict, Iterable, Iterator, List, Literal, Mapping, Optional, Union

Facts = Mapping[str, Any]
AsOf = Union[date, str, None]

class Decisions(Iterator[Any]):
    """The decisions of many cases, in order, made a run at a time as asked for."""

    def __iter__(self) -> "Decisions": ...
    def __next__(self) -> Any: ...

class Policy:
    """A policy, loaded and checked once, then evaluated against any number of cases
    from any number of threads. Immutable; pickles as its sources."""

    @staticmethod
    def load(path: Union[str, "os.PathLike[str]"]) -> "Policy":
        """Loads a ``.asylon`` file, or every ``.asylon`` file of a directory in
        file-name order. Raises ``PolicyError`` with every diagnostic."""
    @staticmethod
    def from_sources(sources: Mapping[str, str]) -> "Policy":
        """A policy from ``{"name.asylon": text, ...}``, in the mapping's order."""
    @property
    def sources(self) -> Dict[str, str]:
        """The source texts in load order, as ``from_sources`` takes them."""
    @property
    def name(self) -> str:
        """The policy's name."""
    @property
    def revision(self) -> str:
        """``sha256:`` and the digest of the policy's sources, as ``asylon serve`` reports it."""
    @property
    def version(self) -> Optional[str]:
        """The version the policy declares, or ``None``."""
    @property
    def languages(self) -> List[str]:
        """The languages of the policy's texts, English first."""
    @property
    def facts(self) -> List[Dict[str, Any]]:
        """Every fact: ``id``, ``type``, ``description``, ``question`` ({lang: text}),
        ``choices`` and ``labels`` for an enum, ``at_least``, ``at_most``."""
    @property
    def outcomes(self) -> List[Dict[str, Any]]:
        """Every outcome: ``id``, ``title`` ({lang: text}), ``sources``."""
    def evaluate(
        self, facts: Facts, *, as_of: AsOf = None, lang: str = "en", why: bool = False
    ) -> Dict[str, Any]:
        """The decision, equal to ``asylon eval --format json``'s JSON. ``None`` is
        unknown; ``date`` objects are accepted. Raises ``FactsError``."""
    def evaluate_many(
        self,
        cases: Iterable[Facts],
        *,
        as_of: AsOf = None,
        lang: str = "en",
        jobs: Optional[int] = None,
        errors: Literal["raise", "return"] = "raise",
    ) -> List[Any]:
        """Every case's decision in order, the GIL released while deciding. ``jobs``
        threads work (default one per core), the caller's included: with more than one,
        ``jobs - 1`` threads decide while the caller's reads cases and makes dicts.
        Python's full garbage collections are held off while the list is built (the
        young ones still run) and its thresholds set back as they were."""
    def evaluate_iter(
        self,
        cases: Iterable[Facts],
        *,
        as_of: AsOf = None,
        lang: str = "en",
        jobs: Optional[int] = None,
        errors: Literal["raise", "return"] = "raise",
    ) -> "Decisions":
        """``evaluate_many`` as an iterator: a caseload streams through in flat memory,
        a few runs of cases read ahead at most; dropped early, it stops its threads."""
    def next_question(
        self,
        facts: Facts,
        *,
        as_of: AsOf = None,
        lang: str = "en",
        skip: Iterable[str] = (),
    ) -> Optional[Dict[str, Any]]:
        """The fact to ask next (``fact``, ``question``, ``decides``, ``type``,
        ``choices``, ``labels``), leaving out the facts in ``skip``, or ``None`` when
        nothing left can change the decision."""
    def explain(
        self, facts: Facts, outcome: str, *, as_of: AsOf = None, lang: str = "en"
    ) -> Dict[str, Any]:
        """Why ``outcome`` has its status: ``asylon explain --format json``'s JSON."""
    def check(self) -> List[Dict[str, Any]]:
        """The policy's warnings as diagnostic dicts."""
    def test(self, *, coverage: bool = False) -> Dict[str, Any]:
        """The policy's own tests: ``asylon test --format json``'s JSON."""

