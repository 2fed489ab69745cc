#!/usr/bin/env bash
# Fuzzes every REST endpoint of a live server from its own OpenAPI document with schemathesis:
# authenticated as an admin (so user and admin routes are reached), checking that no input produces a
# server error, that every response matches the document, and that a method the document does not list on a
# path is 405 with `Allow`. Bounded: a fixed seed and example count.
#
#   e2e/fuzz/fuzz_api.sh [path/to/boxoffice]
set -euo pipefail
bin=${1:-.build/debug/boxoffice}
python3 -c "import schemathesis" 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check schemathesis
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BOXOFFICE_ADMIN_EMAIL=fuzz-admin@example.com BOXOFFICE_ADMIN_PASSWORD=fuzz-admin-password BOXOFFICE_BCRYPT_COST=4 \
BOXOFFICE_RATE_LIMITS=off BOXOFFICE_LOG_LEVEL=error \
    "$bin" serve --port "$port" --db "$work/boxoffice.sqlite" --demo >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.2
done
token=$(curl -fs -XPOST "http://127.0.0.1:$port/api/auth/login" -H 'content-type: application/json' \
    -d '{"email":"fuzz-admin@example.com","password":"fuzz-admin-password"}' | python3 -c 'import sys,json; print(json.load(sys.stdin)["token"])')
set +e
schemathesis run "http://127.0.0.1:$port/api/openapi.json" \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance,unsupported_method \
    -H "Authorization: Bearer $token" --max-examples "${FUZZ_EXAMPLES:-25}" --seed 20261127 \
    --request-timeout 10 --suppress-health-check all --no-color 2>&1 | tee "$work/fuzz.log" | tail -n 40
status=${PIPESTATUS[0]}
set -e
if grep -qiE "panic|fatal error" "$work/server.log"; then
    echo "the server crashed during the fuzz run:"; tail -n 20 "$work/server.log"; status=1
fi
kill -0 $server 2>/dev/null || { echo "the server died during the fuzz run"; status=1; }
if [[ $status -eq 0 ]]; then echo "fuzz: 1 passed, 0 failed"; else echo "fuzz: 0 passed, 1 failed"; fi
exit $status
