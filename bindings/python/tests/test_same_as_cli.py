"""Python decides exactly as the command line: every example, in every language, gives
the dict that `asylon eval --format json` prints; explanations and tests likewise."""

import datetime
import json

import pytest

import asylon
from conftest import AS_OF, EXAMPLES, POLICY


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_example_equals_eval_format_json(policy, cli, example, lang):
    code, expected = cli(
        "eval", str(POLICY), str(example), "--as-of", AS_OF, "--lang", lang, "--format", "json"
    )
    assert code == 0
    facts = json.loads(example.read_text())
    assert policy.evaluate(facts, as_of=AS_OF, lang=lang) == expected
    # Key order too: the dict prints as the command line's JSON does.
    assert json.dumps(policy.evaluate(facts, as_of=AS_OF, lang=lang)) == json.dumps(expected)


def test_a_date_object_is_the_same_as_its_text(policy):
    facts = json.loads(EXAMPLES[0].read_text())
    by_text = policy.evaluate(facts, as_of=AS_OF)
    assert policy.evaluate(facts, as_of=datetime.date(2024, 6, 17)) == by_text


def test_each_call_is_on_its_own_as_of_and_lang(policy):
    # The options of the last as_of are kept: the next call on another date, or in
    # another language, must not get them.
    facts = json.loads(EXAMPLES[0].read_text())
    before_ban, after_ban = datetime.date(2024, 6, 1), datetime.date(2024, 6, 17)

    def ban_holds(decision):
        return any(o["id"] == "asylum_ban_in_effect" for o in decision["outcomes"])

    calls = [(after_ban, "en"), (before_ban, "en"), (after_ban, "en"), (after_ban, "es"),
             ("2024-06-01", "es"), ("2024-06-17", "es"), (after_ban, "en")]
    for as_of, lang in calls:
        decision = policy.evaluate(facts, as_of=as_of, lang=lang)
        text = as_of if isinstance(as_of, str) else as_of.isoformat()
        assert (decision["as_of"], decision["lang"]) == (text, lang)
        assert decision == policy.evaluate(json.loads(EXAMPLES[0].read_text()),
                                           as_of=text, lang=lang)
        assert ban_holds(decision) == (text >= "2024-06-05")


def test_dates_in_facts_may_be_date_objects(policy):
    text = {"entry": {"method": "between_ports", "date": "2023-05-01"}}
    objects = {"entry": {"method": "between_ports", "date": datetime.date(2023, 5, 1)}}
    assert policy.evaluate(objects, as_of=AS_OF) == policy.evaluate(text, as_of=AS_OF)


def test_none_is_unknown_like_a_missing_key(policy):
    left_out = policy.evaluate({"authorization": "none"}, as_of=AS_OF)
    as_none = policy.evaluate(
        {"authorization": "none", "person": {"unaccompanied_child": None}}, as_of=AS_OF
    )
    assert as_none == left_out
    assert "person.unaccompanied_child" in left_out["missing"]


def test_as_of_defaults_to_today(policy):
    assert policy.evaluate({})["as_of"] == datetime.date.today().isoformat()


@pytest.mark.parametrize("outcome", ["may_request_asylum_at_port", "asylum_ban_applies"])
def test_explain_equals_explain_format_json(policy, cli, outcome):
    example = EXAMPLES[0]
    code, expected = cli(
        "explain", str(POLICY), str(example), outcome, "--as-of", AS_OF, "--format", "json"
    )
    assert code == 0
    facts = json.loads(example.read_text())
    assert policy.explain(facts, outcome, as_of=AS_OF) == expected


def test_why_adds_every_outcomes_explanation(policy):
    facts = json.loads(EXAMPLES[0].read_text())
    decision = policy.evaluate(facts, as_of=AS_OF, why=True)
    why = decision.pop("why")
    assert decision == policy.evaluate(facts, as_of=AS_OF)
    assert set(why) == {o["id"] for o in policy.outcomes}
    assert why["asylum_ban_applies"] == policy.explain(facts, "asylum_ban_applies", as_of=AS_OF)


def test_policy_tests_equal_test_format_json(policy, cli):
    code, expected = cli("test", str(POLICY), "--format", "json")
    assert code == 0
    assert policy.test() == expected
    assert expected["failed"] == 0


def test_check_gives_the_warnings_check_prints(policy, cli):
    code, expected = cli("check", str(POLICY), "--format", "json")
    assert code == 0
    assert policy.check() == expected["warnings"]


def test_next_question_is_the_one_most_outcomes_wait_on(policy):
    facts = {"authorization": "none"}
    decision = policy.evaluate(facts, as_of=AS_OF)
    question = policy.next_question(facts, as_of=AS_OF, lang="es")
    assert question["fact"] == decision["missing"][0]
    assert question["question"].startswith("¿")
    assert set(question["decides"]) <= {o["id"] for o in decision["undetermined"]}


def test_the_policy_as_data(policy):
    assert policy.version == "2024-06-17"
    assert policy.revision.startswith("sha256:") and len(policy.revision) == 7 + 64
    same = asylon.Policy.from_sources(policy.sources)
    assert same.revision == policy.revision
    assert policy.languages == ["en", "es"]
    facts = {f["id"]: f for f in policy.facts}
    assert facts["authorization"]["type"] == "Authorization"
    assert "valid_visa" in facts["authorization"]["choices"]
    assert set(facts["authorization"]["labels"]["valid_visa"]) == {"en", "es"}
    assert facts["entry.date"]["type"] == "date"
    outcomes = {o["id"]: o for o in policy.outcomes}
    assert outcomes["asylum_ban_applies"]["title"]["es"]
