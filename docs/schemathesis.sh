#!/usr/bin/env bash
# Property-based tests of the HTTP service against its own /openapi.json, with
# schemathesis (PyPI): no server error, every status and response documented and
# matching its schema. Not part of .ci/run (it installs Python packages); run it by hand:
#
#   docs/schemathesis.sh [MAX_EXAMPLES]
#
# Batch is left out: schemathesis has no serializer for JSON Lines (tests/serve.rs
# compares it with `asylon batch`).
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-50}"
venv="${SCHEMATHESIS_VENV:-target/schemathesis-venv}"
[ -x "$venv/bin/schemathesis" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q schemathesis; }
cargo build --locked --quiet
out="$(mktemp)"
target/debug/asylon serve policies/us-mexico-border --listen 127.0.0.1:0 --quiet > "$out" &
server=$!
trap 'kill "$server" 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 50); do grep -q http "$out" && break; sleep 0.1; done
addr="$(sed -n 's/.*http:\/\///p' "$out")"
"$venv/bin/schemathesis" run "http://$addr/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing --max-examples "$examples" -w 1 \
  --exclude-path '/v1/policies/{name}/batch'
