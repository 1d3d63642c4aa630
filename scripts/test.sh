#!/usr/bin/env bash
# The whole test suite. Installs and starts what the tests need, then runs every test project and the production
# build's smoke test (scripts/production-smoke.sh).
# Usage: bash scripts/test.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
source scripts/pg-cluster.sh
source scripts/redis-server.sh
trap 'rm -f "$log"; pg_cluster_stop; redis_server_stop' EXIT

# PostgreSQL tests run against BOOMERANG_TEST_POSTGRES (a connection string to a server the tests may create schemas
# on), or else against a throw-away cluster started here and removed on exit.
if [[ -z "${BOOMERANG_TEST_POSTGRES:-}" ]]; then
    pg_cluster_start
    export BOOMERANG_TEST_POSTGRES="$PG_CLUSTER_URL"
    echo "PostgreSQL: throw-away cluster on ${PG_CLUSTER_URL}"
fi

# Redis tests run against BOOMERANG_TEST_REDIS (a StackExchange.Redis configuration string; tests use their own key
# prefixes), or else against a throw-away redis-server (AOF, appendfsync always) started here and removed on exit.
# Tests that kill or restart Redis always start servers of their own.
if [[ -z "${BOOMERANG_TEST_REDIS:-}" ]]; then
    redis_server_start
    export BOOMERANG_TEST_REDIS="$REDIS_SERVER_CONFIGURATION"
    echo "Redis: throw-away server on ${REDIS_SERVER_CONFIGURATION}"
else
    # The tests that kill or restart Redis start their own server from the binary.
    redis_server_bin >/dev/null
fi

# The drawing engine's tests rasterise PDFs with poppler's pdftoppm and write reference DXF files with ezdxf.
if ! command -v pdftoppm >/dev/null || ! /usr/bin/python3 -c 'import ezdxf' 2>/dev/null; then
    echo "installing poppler-utils and python3-ezdxf (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq poppler-utils python3-ezdxf
fi

# The dashboard tests drive Debian's Chromium through Playwright (Playwright's own browser download does not work here).
if [[ -z "${BOOMERANG_CHROMIUM:-}" ]] && ! command -v chromium >/dev/null; then
    echo "installing chromium for the dashboard browser tests (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq chromium
fi

dotnet build Boomerang.sln -c Release -v q -nologo
status=0
dotnet test Boomerang.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log" || status=$?
# The production build (docs/deployment.md), published and run once; it reports like a test project. Skipped when
# arguments narrow the run (bash scripts/test.sh --filter …): a focused run does not need a 2-3 minute publish.
if [[ $# -eq 0 ]]; then
    bash scripts/production-smoke.sh 2>&1 | tee -a "$log" || status=1
fi

# One plain summary line over all test projects, e.g. "612 passed, 0 failed, 0 skipped".
awk '/^(Passed|Failed)!/ {
        for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
        runs++ }
     END { if (runs == 0) { print "0 passed, 1 failed (no test project reported)"; exit 1 }
           printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log" || status=1
exit "$status"
