#!/usr/bin/env bash
# The production build that docs/deployment.md tells operators to run, tried as they would: publish it with its profile
# (self-contained, composite ReadyToRun, tiered compilation off), start the published executable in an empty folder
# with a clean environment, and run one echo job through its API. Prints one line in dotnet test's summary format, so
# scripts/test.sh counts it with the test projects; exit 0 when it passed.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/boomerang-production-XXXXXX)
pid=
cleanup() {
    if [[ -n "$pid" ]]; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
result() { # Passed|Failed, what
    local passed=$([[ $1 == Passed ]] && echo 1 || echo 0)
    printf '%s!  - Failed: %5d, Passed: %5d, Skipped:     0, Total:     1 - production build (%s)\n' "$1" $((1 - passed)) "$passed" "$2"
}
fail() {
    echo "production build: $1" >&2
    [[ -f $work/server.log ]] && tail -n 20 "$work/server.log" >&2
    result Failed "$1"
    exit 1
}

trap 'fail "unexpected error at line $LINENO"' ERR
command -v curl >/dev/null || fail "curl is needed"

dotnet publish src/Boomerang.Server -p:PublishProfile=production -o "$work/app" -v q -nologo >"$work/publish.log" 2>&1 \
    || { tail -n 30 "$work/publish.log" >&2; fail "dotnet publish -p:PublishProfile=production failed"; }
ls "$work"/app/*.r2r.dll >/dev/null 2>&1 || fail "the publish has no composite ReadyToRun image"
grep -q '"System.Runtime.TieredCompilation": false' "$work/app/Boomerang.Server.runtimeconfig.json" \
    || fail "the published runtimeconfig does not turn tiered compilation off"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
mkdir "$work/run"
# A clean environment, as on a host with no .NET installed: the executable brings its runtime.
(cd "$work/run" && exec env -i PATH=/usr/bin:/bin HOME="$work/run" "$work/app/Boomerang.Server" --urls "$base" \
    --Boomerang:Auth:ApiKeys:0=production-smoke-key) >"$work/server.log" 2>&1 &
pid=$!
deadline=$((SECONDS + 60))
until curl -sf --max-time 5 "$base/readyz" >/dev/null; do
    kill -0 "$pid" 2>/dev/null || fail "the published server exited at start"
    ((SECONDS < deadline)) || fail "the published server was not ready within 60 s"
    sleep 0.2
done
submitted=$(curl -sf --max-time 10 -X POST "$base/api/v1/jobs" -H 'X-API-Key: production-smoke-key' -H 'Content-Type: application/json' \
    -d '{"kind":"echo","input":{"n":42}}') || fail "submitting an echo job failed"
job=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["job_id"])' "$submitted")
deadline=$((SECONDS + 30))
until [[ $(curl -sf --max-time 5 "$base/api/v1/jobs/$job" -H 'X-API-Key: production-smoke-key' \
        | python3 -c 'import json, sys; j = json.load(sys.stdin); print(j["status"], json.dumps(j["result"]))') == 'completed {"n": 42}' ]]; do
    ((SECONDS < deadline)) || fail "the echo job did not complete with its input as its result within 30 s"
    sleep 0.2
done
result Passed "published, started in a clean environment, ran an echo job"
