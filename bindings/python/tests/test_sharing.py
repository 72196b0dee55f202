"""One policy shared: between threads, across pickling, over many cases at once."""

import gc
import sys
import json
import pickle
import threading

import pytest

import asylon
from conftest import AS_OF, EXAMPLES

CASES = [json.loads(p.read_text()) for p in EXAMPLES]


def test_threads_sharing_one_policy_decide_as_one_thread(policy):
    expected = [policy.evaluate(c, as_of=AS_OF) for c in CASES]
    results = {}

    def work(n):
        results[n] = [policy.evaluate(c, as_of=AS_OF) for c in CASES * 5][: len(CASES)]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[n] == expected for n in range(8))


def test_a_policy_pickles_as_its_sources(policy):
    again = pickle.loads(pickle.dumps(policy))
    assert isinstance(again, asylon.Policy)
    assert again.sources == policy.sources
    assert [again.evaluate(c, as_of=AS_OF) for c in CASES] == [
        policy.evaluate(c, as_of=AS_OF) for c in CASES
    ]


def test_a_decision_is_plain_data_and_pickles(policy):
    decision = policy.evaluate(CASES[0], as_of=AS_OF, why=True)
    assert pickle.loads(pickle.dumps(decision)) == decision
    assert json.loads(json.dumps(decision)) == decision


@pytest.mark.parametrize("jobs", [None, 1, 3])
def test_evaluate_many_keeps_the_order(policy, jobs):
    cases = CASES * 7
    many = policy.evaluate_many(iter(cases), as_of=AS_OF, jobs=jobs)
    assert many == [policy.evaluate(c, as_of=AS_OF) for c in cases]


def test_evaluate_many_of_nothing_is_empty(policy):
    assert policy.evaluate_many([], as_of=AS_OF) == []


def test_evaluate_many_raises_the_first_failing_case_with_its_index(policy):
    cases = [CASES[0], {"authorization": "visa"}, CASES[1], {"nope": True}]
    with pytest.raises(asylon.FactsError) as raised:
        policy.evaluate_many(cases, as_of=AS_OF, jobs=2)
    assert raised.value.index == 1
    assert raised.value.path == "authorization"


def test_evaluate_many_may_return_errors_in_place(policy):
    cases = [CASES[0], {"authorization": "visa"}, CASES[1], {"person": {"fears_return": {1}}}]
    results = policy.evaluate_many(cases, as_of=AS_OF, errors="return")
    assert results[0] == policy.evaluate(CASES[0], as_of=AS_OF)
    assert results[2] == policy.evaluate(CASES[1], as_of=AS_OF)
    assert [type(r) for r in (results[1], results[3])] == [asylon.FactsError] * 2
    assert (results[1].index, results[3].index) == (1, 3)
    assert results[3].path == "person.fears_return"


def test_evaluate_many_refuses_an_unknown_errors_mode(policy):
    with pytest.raises(ValueError):
        policy.evaluate_many([], errors="ignore")


def test_evaluate_iter_streams_the_same_decisions(policy):
    cases = CASES * 60
    decisions = policy.evaluate_iter(iter(cases), as_of=AS_OF, jobs=2)
    assert iter(decisions) is decisions
    assert list(decisions) == policy.evaluate_many(cases, as_of=AS_OF, jobs=1)


def test_evaluate_iter_raises_where_the_failing_case_stands(policy):
    decisions = policy.evaluate_iter([CASES[0], {"nope": 1}, CASES[1]], as_of=AS_OF)
    assert next(decisions) == policy.evaluate(CASES[0], as_of=AS_OF)
    with pytest.raises(asylon.FactsError) as raised:
        next(decisions)
    assert raised.value.index == 1
    assert list(decisions) == []


@pytest.mark.parametrize("enabled", [True, False])
def test_evaluate_many_leaves_the_collector_as_it_found_it(policy, enabled):
    was, thresholds = gc.isenabled(), gc.get_threshold()
    try:
        (gc.enable if enabled else gc.disable)()
        gc.set_threshold(500, 7, 9)
        policy.evaluate_many(CASES, as_of=AS_OF)
        assert (gc.isenabled(), gc.get_threshold()) == (enabled, (500, 7, 9))
        with pytest.raises(asylon.FactsError):
            policy.evaluate_many([CASES[0], {"nope": 1}], as_of=AS_OF)
        assert (gc.isenabled(), gc.get_threshold()) == (enabled, (500, 7, 9))
    finally:
        (gc.enable if was else gc.disable)()
        gc.set_threshold(*thresholds)


def test_evaluate_many_holds_off_only_the_full_collections(policy):
    """While the list is built, young collections run (over the containers made last,
    still in cache) and full ones wait for the caller's program."""
    if sys.version_info >= (3, 14) or not gc.isenabled():
        pytest.skip("the thresholds mean this only for CPython's collector before 3.14")
    seen = []

    def note(phase, info):
        if phase == "start":
            seen.append(info["generation"])

    thresholds = gc.get_threshold()
    # Frozen, the test process's own objects leave the old generation empty, so that a
    # full collection is due as soon as its threshold (2 here) is passed.
    gc.collect()
    gc.freeze()
    gc.set_threshold(100, 2, 2)
    gc.callbacks.append(note)
    try:
        list(policy.evaluate_iter(CASES * 100, as_of=AS_OF))
        streamed, seen[:] = seen[:], []
        policy.evaluate_many(CASES * 100, as_of=AS_OF)
    finally:
        gc.callbacks.remove(note)
        gc.set_threshold(*thresholds)
        gc.unfreeze()
    assert 2 in streamed, "the control: a list built by the caller gets full collections"
    assert 0 in seen and 2 not in seen, seen


def test_decisions_share_their_texts_but_not_their_dicts(policy):
    first, second = policy.evaluate_many([CASES[0], CASES[0]], as_of=AS_OF)
    assert first == second
    # One string object for a text every decision has: a list of decisions costs
    # its dicts and lists, not its texts again and again.
    assert first["outcomes"][0]["title"] is second["outcomes"][0]["title"]
    first["outcomes"][0]["sources"].append("mine")
    first["missing"].clear()
    assert second == policy.evaluate(CASES[0], as_of=AS_OF)
