"""Bad facts and bad policies raise the right class, carrying the library's records:
the same codes, messages, help and fact paths as `eval --format json`'s errors."""

import datetime
import json
import pickle

import pytest

import asylon
from conftest import AS_OF, POLICY

BAD = {
    "misspelt fact": (
        {"person": {"unacompanied_child": True}},
        "asylon::facts::unknown_fact",
        "person.unacompanied_child",
    ),
    "wrong type": ({"person": {"fears_return": "yes"}}, "asylon::facts::wrong_type", "person.fears_return"),
    "bad date": ({"entry": {"date": "2024-02-30"}}, "asylon::facts::wrong_type", "entry.date"),
    "not a choice": ({"authorization": "visa"}, "asylon::facts::not_in_enum", "authorization"),
    "contradiction": (
        {"entry": {"method": "not_yet_entered", "date": datetime.date(2024, 1, 1)}},
        "asylon::facts::impossible",
        "entry.method",
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_facts_raise_facts_error_with_the_path(policy, case):
    facts, code, path = BAD[case]
    with pytest.raises(asylon.FactsError) as raised:
        policy.evaluate(facts, as_of=AS_OF)
    error = raised.value
    assert isinstance(error, asylon.Error)
    assert (error.code, error.path) == (code, path)
    record = error.diagnostics[0]
    assert record["severity"] == "error"
    assert record["location"]["in"] == "fact"
    assert record["message"] == str(error)


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_the_records_are_the_command_lines(policy, cli, case):
    facts, _, _ = BAD[case]
    code, expected = cli(
        "eval", str(POLICY), "-", "--as-of", AS_OF, "--format", "json",
        stdin=json.dumps(facts, default=str),
    )
    assert code == 1
    with pytest.raises(asylon.FactsError) as raised:
        policy.evaluate(facts, as_of=AS_OF)

    def strip(record):
        # Only a fact file has lines and columns; a dict has paths.
        location = dict(record["location"], line=None, column=None)
        return dict(record, location=location)

    assert raised.value.diagnostics == [strip(r) for r in expected["errors"]]


def test_every_problem_at_once_in_the_dicts_order(policy, cli):
    facts = {"person": {"fears_return": "yes"}, "authorization": "visa"}
    with pytest.raises(asylon.FactsError) as raised:
        policy.evaluate(facts, as_of=AS_OF)
    assert raised.value.paths == ["person.fears_return", "authorization"]
    _, expected = cli(
        "eval", str(POLICY), "-", "--as-of", AS_OF, "--format", "json", stdin=json.dumps(facts)
    )
    assert raised.value.paths == [r["location"]["path"] for r in expected["errors"]]


@pytest.mark.parametrize(
    "value, path",
    [({"person": {"fears_return": {1, 2}}}, "person.fears_return"),
     ({"person": {"persecution_grounds": ["religion", float("nan")]}}, "person.persecution_grounds[1]"),
     ({"person": {1: True}}, "person")],
)
def test_python_values_with_no_fact_form_are_facts_errors(policy, value, path):
    with pytest.raises(asylon.FactsError) as raised:
        policy.evaluate(value, as_of=AS_OF)
    assert raised.value.path == path
    assert raised.value.code == "asylon::facts::python_value"
    assert raised.value.help


def test_a_fact_set_that_is_not_a_dict_is_a_facts_error(policy):
    with pytest.raises(asylon.FactsError):
        policy.evaluate(["not", "an", "object"], as_of=AS_OF)


def test_a_bad_evaluation_date_is_an_error(policy):
    with pytest.raises(asylon.Error) as raised:
        policy.evaluate({}, as_of="17/06/2024")
    assert raised.value.code == "asylon::bad_date"


def test_a_policy_that_does_not_check_is_a_policy_error_pointing_into_it():
    with pytest.raises(asylon.PolicyError) as raised:
        asylon.Policy.from_sources({"p.asylon": 'policy "P" version "1"\noutcome x when nope\n'})
    location = raised.value.diagnostics[0]["location"]
    assert (location["in"], location["file"], location["line"]) == ("policy", "p.asylon", 2)


def test_a_missing_policy_is_a_policy_error(tmp_path):
    with pytest.raises(asylon.PolicyError):
        asylon.Policy.load(tmp_path / "nowhere")


def test_an_unknown_outcome_is_an_error(policy):
    with pytest.raises(asylon.Error) as raised:
        policy.explain({}, "no_such_outcome", as_of=AS_OF)
    assert raised.value.code == "asylon::unknown_outcome"


def test_exceptions_pickle_with_their_diagnostics(policy):
    with pytest.raises(asylon.FactsError) as raised:
        policy.evaluate({"authorization": "visa"}, as_of=AS_OF)
    again = pickle.loads(pickle.dumps(raised.value))
    assert type(again) is asylon.FactsError
    assert again.diagnostics == raised.value.diagnostics
    assert str(again) == str(raised.value)


def test_skipping_a_fact_the_policy_does_not_have_is_a_facts_error(policy):
    with pytest.raises(asylon.FactsError) as raised:
        policy.next_question({}, as_of=AS_OF, skip=["person.unacompanied_child"])
    assert raised.value.path == "person.unacompanied_child"
    assert "unaccompanied_child" in raised.value.help


def test_facts_nested_without_end_are_refused_not_a_crash(policy):
    deep = {}
    here = deep
    for _ in range(100_000):
        here["x"] = {}
        here = here["x"]
    with pytest.raises(asylon.FactsError) as raised:
        policy.evaluate(deep, as_of=AS_OF)
    assert raised.value.code == "asylon::facts::python_value"
    assert "deeper" in str(raised.value)


class _BrokenDate(datetime.date):
    def isoformat(self):
        raise ZeroDivisionError("a date that cannot be written")


def test_an_exception_raised_while_reading_the_facts_is_raised_as_it_is(policy):
    facts = {"entry": {"date": _BrokenDate(2023, 5, 1)}}
    with pytest.raises(ZeroDivisionError):
        policy.evaluate(facts, as_of=AS_OF)
    with pytest.raises(ZeroDivisionError):
        policy.evaluate_many([{}, facts], as_of=AS_OF, errors="return")
