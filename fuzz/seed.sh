#!/usr/bin/env bash
# Seeds the fuzz corpora from the repository's policies, examples and test cases.
# The corpora are not committed: they grow with every run.
set -euo pipefail
cd "$(dirname "$0")"
root=..
mkdir -p corpus/parse corpus/check corpus/eval corpus/fmt corpus/batch corpus/policy
for f in $(find "$root/policies" "$root/tests/fixtures" -name '*.asylon'); do
  name=$(echo "${f#../}" | tr '/' '_')
  cp "$f" "corpus/parse/$name"
  cp "$f" "corpus/check/$name"
  cp "$f" "corpus/fmt/$name"
done
for f in $(find "$root/examples" "$root/tests/fixtures" -name '*.json'); do
  cp "$f" "corpus/eval/$(echo "${f#../}" | tr '/' '_')"
  # A batch line is one line: the same facts with their line breaks folded.
  tr '\n' ' ' < "$f" > "corpus/batch/$(echo "${f#../}" | tr '/' '_')"
done
echo "seeded: $(ls corpus/parse | wc -l) policies, $(ls corpus/eval | wc -l) fact sets"
