"""Many cases at once: `evaluate_many` and `evaluate_iter` over caseloads of many runs,
with one job (the Python thread decides) and several (worker threads decide while the
Python thread reads cases and makes dicts): the same decisions, in the same order,
errors where they stand, and nothing left running when the caller stops early."""

import itertools
import json
import os
import time
from pathlib import Path

import pytest

import asylon
from conftest import AS_OF, EXAMPLES

CASES = [json.loads(p.read_text()) for p in EXAMPLES]
# Long enough for many runs in flight, whatever their size.
MANY = CASES * 70


def threads() -> int:
    """This process's threads, the native ones included (Linux only)."""
    return len(os.listdir("/proc/self/task"))


needs_proc = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="Linux only")


@pytest.fixture(scope="module")
def expected(policy):
    return [policy.evaluate(c, as_of=AS_OF) for c in MANY]


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_evaluate_many_equals_evaluate_in_order(policy, expected, jobs):
    assert policy.evaluate_many(MANY, as_of=AS_OF, jobs=jobs) == expected
    assert policy.evaluate_many(iter(MANY), as_of=AS_OF, jobs=jobs) == expected


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_evaluate_iter_equals_evaluate_in_order(policy, expected, jobs):
    assert list(policy.evaluate_iter(iter(MANY), as_of=AS_OF, jobs=jobs)) == expected


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_every_length_comes_out_whole(policy, expected, jobs):
    for n in (0, 1, 15, 16, 17, 63, 64, 65, 128, 129, 200):
        assert policy.evaluate_many(MANY[:n], as_of=AS_OF, jobs=jobs) == expected[:n]


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_the_first_failing_case_raises_with_its_index(policy, jobs):
    cases = list(MANY)
    cases[500] = {"authorization": "visa"}
    cases[600] = {"nope": True}
    with pytest.raises(asylon.FactsError) as raised:
        policy.evaluate_many(cases, as_of=AS_OF, jobs=jobs)
    assert raised.value.index == 500
    assert raised.value.path == "authorization"


@pytest.mark.parametrize("jobs", [1, 2])
def test_evaluate_iter_raises_after_the_cases_before_and_then_ends(policy, expected, jobs):
    cases = list(MANY)
    cases[300] = {"person": {"fears_return": {1}}}
    decisions = policy.evaluate_iter(cases, as_of=AS_OF, jobs=jobs)
    assert list(itertools.islice(decisions, 300)) == expected[:300]
    with pytest.raises(asylon.FactsError) as raised:
        next(decisions)
    assert (raised.value.index, raised.value.path) == (300, "person.fears_return")
    assert list(decisions) == []


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_errors_may_be_returned_in_place(policy, expected, jobs):
    cases = list(MANY)
    bad = {7: {"authorization": "visa"}, 400: {"nope": True}, len(cases) - 1: {"person": 3}}
    for index, case in bad.items():
        cases[index] = case
    results = policy.evaluate_many(cases, as_of=AS_OF, jobs=jobs, errors="return")
    assert len(results) == len(cases)
    for index, result in enumerate(results):
        if index in bad:
            assert isinstance(result, asylon.FactsError)
            assert result.index == index
        else:
            assert result == expected[index]


class Broken(Exception):
    pass


def raising_after(n):
    yield from MANY[:n]
    raise Broken("the caseload's database went away")


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_the_callers_exception_comes_after_the_cases_before_it(policy, expected, jobs):
    decisions = policy.evaluate_iter(raising_after(150), as_of=AS_OF, jobs=jobs)
    assert list(itertools.islice(decisions, 150)) == expected[:150]
    with pytest.raises(Broken):
        next(decisions)
    assert list(decisions) == []
    with pytest.raises(Broken):
        policy.evaluate_many(raising_after(150), as_of=AS_OF, jobs=jobs)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failing_case_before_the_callers_exception_is_raised_first(policy, jobs):
    def cases():
        yield from MANY[:20]
        yield {"nope": True}
        raise Broken

    with pytest.raises(asylon.FactsError) as raised:
        policy.evaluate_many(cases(), as_of=AS_OF, jobs=jobs)
    assert raised.value.index == 20


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_a_consumer_that_stops_early_reads_little_and_returns_promptly(policy, jobs):
    read = 0

    def endless():
        nonlocal read
        for case in itertools.cycle(CASES):
            read += 1
            yield case

    started = time.perf_counter()
    for count, _ in enumerate(policy.evaluate_iter(endless(), as_of=AS_OF, jobs=jobs)):
        if count == 100:
            break
    # The iterator is dropped with the loop: its workers stopped and joined.
    assert time.perf_counter() - started < 10
    # A few runs read ahead at most: a caseload streams in flat memory.
    assert read < 2_000


@needs_proc
@pytest.mark.parametrize("jobs", [2, 3])
def test_workers_are_gone_when_the_iterator_is(policy, jobs):
    before = threads()
    decisions = policy.evaluate_iter(iter(MANY), as_of=AS_OF, jobs=jobs)
    next(decisions)
    assert threads() == before + jobs - 1
    del decisions
    assert threads() == before


@needs_proc
def test_one_job_or_one_run_starts_no_thread(policy):
    before = threads()
    decisions = policy.evaluate_iter(iter(MANY), as_of=AS_OF, jobs=1)
    next(decisions)
    assert threads() == before
    short = policy.evaluate_iter(CASES, as_of=AS_OF, jobs=2)
    next(short)
    assert threads() == before
