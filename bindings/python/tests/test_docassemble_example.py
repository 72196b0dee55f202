"""The Docassemble example's Python logic, run as Docassemble would run it but without
a server: each screen asks `current()`, the answer is recorded, and the interview
state is pickled and unpickled between screens."""

import datetime
import json
import pickle
import sys
from pathlib import Path

import pytest

import asylon
from conftest import AS_OF, EXAMPLES

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples" / "docassemble"))
import asylon_screening as example  # noqa: E402


def flat(facts, prefix=""):
    for key, value in facts.items():
        if isinstance(value, dict):
            yield from flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def run_interview(known, lang="en"):
    """Answers every question from `known` (dotted id → value), "I don't know"
    (yesnomaybe's None) for the rest; returns the state and the facts asked."""
    screening = example.Screening(lang=lang, as_of=AS_OF)
    asked = []
    while (question := screening.current()) is not None:
        fact = question["fact"]
        assert fact not in asked, f"{fact} asked twice"
        asked.append(fact)
        screening.answer(fact, known.get(fact))
        # Docassemble keeps the interview state pickled between screens.
        screening = pickle.loads(pickle.dumps(screening))
    return screening, asked


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_an_interview_ends_with_the_decision_of_its_answers(path):
    known = dict(flat(json.loads(path.read_text())))
    screening, asked = run_interview(known)
    policy = example.policy()
    decision = screening.decision()
    assert decision == policy.evaluate(screening.facts(), as_of=AS_OF)
    # Every undetermined outcome waits only on facts the person did not know.
    assert set(decision["missing"]) <= set(screening.unknown)
    # Only what was asked was recorded, and the answers are the example's.
    assert set(screening.answers) <= set(asked)
    assert all(screening.answers[f] == known[f] for f in screening.answers)


def test_dont_know_everything_asks_each_fact_once():
    screening, asked = run_interview({})
    assert asked and screening.unknown == asked
    assert screening.answers == {}


def test_questions_are_in_the_interviews_language():
    screening = example.Screening(lang="es", as_of=AS_OF)
    assert screening.current()["question"].startswith("¿")


def test_yesnomaybe_none_is_unknown_and_dates_become_days():
    assert example.as_fact(None) is None
    assert example.as_fact(datetime.datetime(2024, 1, 2, 10, 30)) == datetime.date(2024, 1, 2)
    assert example.as_fact({"religion": True, "race": False}) == ["religion"]
    assert example.nested({"a.b": 1, "a.c": None, "d": True}) == {"a": {"b": 1, "c": None}, "d": True}


def test_an_impossible_answer_is_refused_and_changes_nothing():
    screening = example.Screening(as_of=AS_OF)
    screening.answer("entry.method", "not_yet_entered")
    before = dict(screening.answers)
    with pytest.raises(asylon.FactsError) as raised:
        screening.answer("entry.date", datetime.date(2024, 1, 1))
    assert raised.value.help
    assert screening.answers == before


def test_enum_choices_carry_the_policys_labels_and_dont_know():
    screening = example.Screening(as_of=AS_OF)
    screening.answer("person.unaccompanied_child", False)
    while (question := screening.current())["choices"] is None:
        screening.answer(question["fact"], None)
    choices = screening.choices()
    assert choices[-1] == {"I don't know": None}
    assert [list(c.values())[0] for c in choices[:-1]] == question["choices"]


def test_the_policy_is_loaded_once_per_process():
    assert example.policy() is example.policy()
