"""asylon's Python package beside zen-engine's and cedarpy's, on the same cases.

Every engine evaluates the same border policy on the same Python dicts, in one run:
asylon the repository's ``policies/us-mexico-border``, zen-engine and cedarpy the
peers' translations (``asylum.zen.json``, ``asylum.cedar``, with the evaluation date's
cut-offs substituted as the peers' harness does). The cases are the peers' ``gen``
output (JSON lines). Nothing here is read unless given on the command line::

    pip install zen-engine cedarpy      # beside the asylon package
    python bench/peers.py CASES.jsonl --zen asylum.zen.json --cedar asylum.cedar \\
        --asylon-bin ../../target/release/asylon

Times are wall-clock, one pass, after a warm-up of 1 000 cases; "per decision" is one
case's every outcome. ``evaluate_many`` is set beside ``asylon batch --jobs 1`` (the
whole process, start-up and writing included) over the same file.
"""

import argparse
import datetime
import json
import os
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


def timed(run, cases):
    start = time.perf_counter()
    results = run(cases)
    return time.perf_counter() - start, results


def row(name, mode, n, seconds, note=""):
    ns = seconds * 1e9 / n
    return f"| {name} | {mode} | {n:,} | {seconds:.3f} | {ns / 1000:,.1f} | {n / seconds:,.0f} | {note} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", type=Path, help="JSON lines of fact objects (peers gen)")
    parser.add_argument("--policy", type=Path,
                        default=Path(__file__).resolve().parents[3] / "policies" / "us-mexico-border")
    parser.add_argument("--zen", type=Path, help="the peers' asylum.zen.json")
    parser.add_argument("--cedar", type=Path, help="the peers' asylum.cedar")
    parser.add_argument("--asylon-bin", type=Path, help="the asylon command, for batch --jobs 1")
    parser.add_argument("--as-of", default="2024-06-17")
    parser.add_argument("--peer-cases", type=int, default=20_000,
                        help="cases for the slower peers (default 20 000)")
    args = parser.parse_args()
    as_of = datetime.date.fromisoformat(args.as_of)

    lines = args.cases.read_text().splitlines()
    cases = [json.loads(line) for line in lines]
    n = len(cases)
    policy = asylon.Policy.load(args.policy)
    outcome_ids = [o["id"] for o in policy.outcomes]
    rows = []

    def asylon_each(cs):
        return [policy.evaluate(c, as_of=as_of) for c in cs]

    asylon_each(cases[:1000])
    seconds, decided = timed(asylon_each, cases)
    rows.append(row("asylon", "evaluate, one call per case", n, seconds))
    holds = sum(len(d["outcomes"]) for d in decided)

    for jobs in (1, None):
        seconds, many = timed(lambda cs: policy.evaluate_many(cs, as_of=as_of, jobs=jobs), cases)
        assert many == decided
        label = f"evaluate_many, jobs={jobs or os.cpu_count()}"
        rows.append(row("asylon", label, n, seconds))

    if args.asylon_bin:
        command = [str(args.asylon_bin), "batch", str(args.policy)]
        tail = ["--as-of", args.as_of, "--jobs", "1"]
        subprocess.run(command + ["-", *tail], input="\n".join(lines[:1000]) + "\n",
                       text=True, stdout=subprocess.DEVNULL, check=True)
        start = time.perf_counter()
        subprocess.run(command + [str(args.cases), *tail], stdout=subprocess.DEVNULL, check=True)
        seconds = time.perf_counter() - start
        rows.append(row("asylon", "`asylon batch --jobs 1` (whole process)", n, seconds))

    peer = cases[: args.peer_cases]
    if args.zen:
        import zen

        decision = zen.ZenEngine().create_decision(substitute(args.zen.read_text(), as_of))

        def zen_each(cs):
            return [decision.evaluate(c)["result"] for c in cs]

        zen_each(peer[:1000])
        seconds, results = timed(zen_each, peer)
        rows.append(row("zen-engine (PyPI)", "evaluate, one call per case", len(peer), seconds))

    if args.cedar:
        import cedarpy

        policies = cedarpy.PolicySet.from_str(substitute(args.cedar.read_text(), as_of))
        entities = cedarpy.Entities.from_json_str("[]")

        def cedar_each(cs):
            out = []
            for c in cs:
                requests = [{"principal": 'Applicant::"case"', "action": f'Action::"{o}"',
                             "resource": 'Screening::"border"', "context": c}
                            for o in outcome_ids]
                out.append(cedarpy.is_authorized_batch(requests, policies, entities))
            return out

        cedar_each(peer[:1000])
        seconds, results = timed(cedar_each, peer)
        rows.append(row("cedarpy (PyPI)", f"is_authorized_batch, {len(outcome_ids)} requests per case",
                        len(peer), seconds))

    print(f"{n:,} cases from {args.cases.name}, as of {args.as_of}; asylon: {holds:,} outcomes hold in all")
    print("| engine | mode | cases | total s | µs/decision | decisions/s | |")
    print("|---|---|---:|---:|---:|---:|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
