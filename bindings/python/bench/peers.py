"""asylon's Python package beside zen-engine's and cedarpy's, on the same cases.

Every engine evaluates the same border policy on the same Python dicts, in one run:
asylon the repository's ``policies/us-mexico-border``, zen-engine and cedarpy the
peers' translations (``asylum.zen.json``, ``asylum.cedar``, with the evaluation date's
cut-offs substituted as the peers' harness does). The cases are the peers' ``gen``
output (JSON lines). Nothing here is read unless given on the command line::

    pip install zen-engine cedarpy      # beside the asylon package
    python bench/peers.py CASES.jsonl --zen asylum.zen.json --cedar asylum.cedar \\
        --asylon-bin ../../target/release/asylon

Times are wall-clock and CPU (the process's threads and children: on a shared machine
the steadier figure) and the calling thread's own CPU (with several jobs, what is left
on the Python thread while workers decide: the wall-clock floor when a core is free;
zero for `batch`, a child process), one pass (or the fastest of ``--repeat`` passes:
another process's burst slows a pass of a few seconds by half), after a warm-up of
1 000 cases; "per decision" is one case's every outcome; results are counted and dropped. ``evaluate_iter`` and
``evaluate_many`` are set beside ``asylon batch --jobs 1`` (the whole process, start-up
and writing included) over the same file.
"""

import argparse
import datetime
import gc
import json
import os
import resource
import subprocess
import time
from pathlib import Path

import asylon

def cutoffs(as_of: datetime.date) -> dict:
    """The peers' date constants (their `outcomes::Cutoffs`)."""
    try:
        entry = as_of.replace(year=as_of.year - 1)
    except ValueError:  # 29 February: the next valid day is the same cut
        entry = datetime.date(as_of.year - 1, 3, 1)
    return {
        "{{AS_OF}}": as_of.isoformat(),
        "{{REFERRAL_CUTOFF}}": (as_of - datetime.timedelta(days=67)).isoformat(),
        "{{REFERRAL_CUTOFF_60}}": (as_of - datetime.timedelta(days=60)).isoformat(),
        "{{ENTRY_CUTOFF}}": entry.isoformat(),
    }


def substitute(text: str, as_of: datetime.date) -> str:
    for key, value in cutoffs(as_of).items():
        text = text.replace(key, value)
    return text


def cpu_seconds() -> float:
    """CPU time of this process's threads and of its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Timed:
    """Wall-clock and CPU time of a block: on a shared machine the CPU time is the
    steadier figure (a process waiting for a core is not charged)."""

    def __enter__(self):
        self.wall, self.cpu, self.caller = time.perf_counter(), cpu_seconds(), time.thread_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = cpu_seconds() - self.cpu
        self.caller = time.thread_time() - self.caller


REPEAT = 1


def timed(run, cases):
    """The fastest of REPEAT passes (by wall-clock): on a shared machine the passes
    another process slowed are left out."""
    best = None
    for _ in range(REPEAT):
        with Timed() as t:
            results = run(cases)
        if best is None or t.wall < best.wall:
            best = t
    return best, results


def row(name, mode, n, t, note=""):
    return (f"| {name} | {mode} | {n:,} | {t.wall:.3f} | {t.wall * 1e6 / n:,.1f} "
            f"| {t.cpu * 1e6 / n:,.1f} | {t.caller * 1e6 / n:,.1f} | {n / t.wall:,.0f} | {note} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", type=Path, help="JSON lines of fact objects (peers gen)")
    parser.add_argument("--policy", type=Path,
                        default=Path(__file__).resolve().parents[3] / "policies" / "us-mexico-border")
    parser.add_argument("--zen", type=Path, help="the peers' asylum.zen.json")
    parser.add_argument("--cedar", type=Path, help="the peers' asylum.cedar")
    parser.add_argument("--asylon-bin", type=Path, help="the asylon command, for batch --jobs 1")
    parser.add_argument("--as-of", default="2024-06-17")
    parser.add_argument("--zen-cases", type=int, default=20_000,
                        help="cases for zen-engine (default 20 000)")
    parser.add_argument("--cedar-cases", type=int, default=2_000,
                        help="cases for cedarpy, 27 requests each (default 2 000)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="passes of each row, the fastest reported (default 1)")
    args = parser.parse_args()
    global REPEAT
    REPEAT = max(1, args.repeat)
    as_of = datetime.date.fromisoformat(args.as_of)

    lines = args.cases.read_text().splitlines()
    cases = [json.loads(line) for line in lines]
    n = len(cases)
    # The cases stay alive all run long; frozen, the collector does not walk them again
    # and again while the engines allocate their results (it would, for every engine).
    gc.collect()
    gc.freeze()
    policy = asylon.Policy.load(args.policy)
    outcome_ids = [o["id"] for o in policy.outcomes]
    rows = []

    # Results are counted and dropped, as a caseload job writes them out: kept, 100 000
    # decisions are gigabytes of dicts, and the collector's walks over them are timed.
    def asylon_each(cs):
        return sum(len(policy.evaluate(c, as_of=as_of)["outcomes"]) for c in cs)

    asylon_each(cases[:1000])
    t, holds = timed(asylon_each, cases)
    rows.append(row("asylon", "evaluate, one call per case", n, t))

    for jobs in (1, None):
        def asylon_iter(cs):
            return sum(len(d["outcomes"]) for d in policy.evaluate_iter(cs, as_of=as_of, jobs=jobs))

        t, total = timed(asylon_iter, cases)
        assert total == holds
        rows.append(row("asylon", f"evaluate_iter, jobs={jobs or os.cpu_count()}", n, t))

    for jobs in (1, None):
        def asylon_many(cs):
            total = 0
            for start in range(0, len(cs), 10_000):
                many = policy.evaluate_many(cs[start:start + 10_000], as_of=as_of, jobs=jobs)
                total += sum(len(d["outcomes"]) for d in many)
            return total

        t, total = timed(asylon_many, cases)
        assert total == holds
        rows.append(row("asylon", f"evaluate_many, jobs={jobs or os.cpu_count()}, lists of 10 000", n, t))

    if args.asylon_bin:
        command = [str(args.asylon_bin), "batch", str(args.policy)]
        tail = ["--as-of", args.as_of, "--jobs", "1"]
        subprocess.run(command + ["-", *tail], input="\n".join(lines[:1000]) + "\n",
                       text=True, stdout=subprocess.DEVNULL, check=True)
        t, _ = timed(lambda path: subprocess.run(command + [str(path), *tail],
                                                 stdout=subprocess.DEVNULL, check=True),
                     args.cases)
        rows.append(row("asylon", "`asylon batch --jobs 1` (whole process)", n, t))

    if args.zen:
        peer = cases[: args.zen_cases]
        import zen

        decision = zen.ZenEngine().create_decision(substitute(args.zen.read_text(), as_of))

        def zen_each(cs):
            return sum(sum(v is True for v in decision.evaluate(c)["result"].values()) for c in cs)

        zen_each(peer[:1000])
        t, results = timed(zen_each, peer)
        rows.append(row("zen-engine (PyPI)", "evaluate, one call per case", len(peer), t))

    if args.cedar:
        import cedarpy

        peer = cases[: args.cedar_cases]
        policies = cedarpy.PolicySet.from_str(substitute(args.cedar.read_text(), as_of))
        entities = cedarpy.Entities.from_json_str("[]")

        def cedar_each(cs):
            out = 0
            for c in cs:
                requests = [{"principal": 'Applicant::"case"', "action": f'Action::"{o}"',
                             "resource": 'Screening::"border"', "context": c}
                            for o in outcome_ids]
                results = cedarpy.is_authorized_batch(requests, policies, entities)
                out += sum(r.allowed for r in results)
            return out

        cedar_each(peer[:1000])
        t, results = timed(cedar_each, peer)
        rows.append(row("cedarpy (PyPI)", f"is_authorized_batch, {len(outcome_ids)} requests per case",
                        len(peer), t))

    print(f"{n:,} cases from {args.cases.name}, as of {args.as_of}; asylon: {holds:,} outcomes hold in all")
    print("| engine | mode | cases | total s | µs/decision | CPU µs/decision "
          "| caller's thread CPU µs | decisions/s | |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
