"""One asylon call over peer cases, for counting instructions under callgrind.

On a shared machine CPU time moves by a tenth from run to run; the instructions a
process executes do not. Run this twice under ``valgrind --tool=callgrind``, with
``--passes 0`` and ``--passes 1``: the difference of the two totals, divided by the
number of cases, is the call's instructions per decision (reading the cases and
loading the policy cancel out)::

    for p in 0 1; do
      valgrind --tool=callgrind --callgrind-out-file=cg.$p python bench/instructions.py \\
          CASES.jsonl --call evaluate --count 1000 --passes $p 2>&1 | grep Collected
    done
"""

import argparse
import datetime
import gc
import json
from pathlib import Path

import asylon


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", type=Path, help="JSON lines of fact objects (peers gen)")
    parser.add_argument("--policy", type=Path,
                        default=Path(__file__).resolve().parents[3] / "policies" / "us-mexico-border")
    parser.add_argument("--call", choices=["evaluate", "evaluate_iter", "evaluate_many"],
                        default="evaluate")
    parser.add_argument("--count", type=int, default=1000, help="how many cases (the first)")
    parser.add_argument("--passes", type=int, default=1)
    parser.add_argument("--as-of", default="2024-06-17")
    args = parser.parse_args()
    as_of = datetime.date.fromisoformat(args.as_of)

    with args.cases.open() as lines:
        cases = [json.loads(line) for line, _ in zip(lines, range(args.count))]
    gc.collect()
    gc.freeze()  # as the bench does: the cases are not walked by the collector
    policy = asylon.Policy.load(args.policy)
    for _ in range(args.passes):
        if args.call == "evaluate":
            total = sum(len(policy.evaluate(c, as_of=as_of)["outcomes"]) for c in cases)
        elif args.call == "evaluate_iter":
            total = sum(len(d["outcomes"]) for d in policy.evaluate_iter(cases, as_of=as_of, jobs=1))
        else:
            total = sum(len(d["outcomes"]) for d in policy.evaluate_many(cases, as_of=as_of, jobs=1))
        print(f"{args.call}: {len(cases)} cases, {total} outcomes hold")


if __name__ == "__main__":
    main()
