#!/usr/bin/env bash
# Boomerang on Redis against BullMQ (bench/peer/bullmq.mjs) on the same throw-away Redis (scripts/redis-server.sh:
# AOF with appendfsync always), same end-to-end workload: N echo jobs submitted in batches of 1,000, one HTTP callback
# per job to a loopback receiver, timed from the first submit to the last callback. Several rounds, medians.
# Boomerang runs at its default settings (one node) and with the bench's sizing (jobs and callback concurrency 64,
# "boomerang-c64"); BullMQ at its default concurrency (1) and at a tuned one. Also Boomerang's pickup latency (defaults)
# at an offered 500 and 100 jobs/s. The Redis is flushed between runs.
# Usage: bash scripts/bench-redis.sh [rounds] [jobs per run]     (BULLMQ_TUNED_CONCURRENCY, default 64)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
count=${2:-20000}
tuned=${BULLMQ_TUNED_CONCURRENCY:-64}
source scripts/redis-server.sh
results=$(mktemp)
log=${BENCH_LOG:-bench-redis.log}
: >"$log"
trap 'rm -f "$results"; redis_server_stop' EXIT

redis_server_start
export REDIS_HOST=127.0.0.1 REDIS_PORT=$REDIS_SERVER_PORT
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build -c Release -v q -nologo bench/Boomerang.Bench >/dev/null
dotnet build -c Release -v q -nologo src/Boomerang.Server >/dev/null
(cd bench/peer && [[ -d node_modules/bullmq ]] || npm ci --no-audit --no-fund --silent)
bench=(dotnet bench/Boomerang.Bench/bin/Release/net10.0/Boomerang.Bench.dll)

# Runs one workload on an empty Redis, appends its report to the log, and keeps its RESULT lines as
# "<system>/<workload>/<metric> <value>".
record() {
    local tag=$1
    shift
    redis-cli -p "$REDIS_SERVER_PORT" flushall >/dev/null
    "$@" | tee -a "$log" | awk -v tag="$tag" '/^RESULT / { print tag "/" $2, $3 }' >>"$results"
}

for round in $(seq 1 "$rounds"); do
    echo "== round $round of $rounds" | tee -a "$log"
    record boomerang/jobs+callbacks "${bench[@]}" jobs --count "$count" --callbacks 1 --defaults 1 --redis "$REDIS_SERVER_CONFIGURATION"
    record boomerang-c64/jobs+callbacks "${bench[@]}" jobs --count "$count" --callbacks 1 --redis "$REDIS_SERVER_CONFIGURATION"
    record bullmq-default/jobs+callbacks node bench/peer/bullmq.mjs jobs --count "$count"
    record "bullmq-c$tuned/jobs+callbacks" node bench/peer/bullmq.mjs jobs --count "$count" --concurrency "$tuned"
    record boomerang/latency@500 "${bench[@]}" latency --rate 500 --seconds 10 --defaults 1 --redis "$REDIS_SERVER_CONFIGURATION"
    record boomerang/latency@100 "${bench[@]}" latency --rate 100 --seconds 10 --defaults 1 --redis "$REDIS_SERVER_CONFIGURATION"
done

echo
echo "medians over $rounds rounds ($count jobs per throughput run; $(redis-server --version | awk '{print $1, $2, $3}') appendfsync always, bullmq $(node -p 'require("./bench/peer/node_modules/bullmq/package.json").version'), $(nproc) cores):"
sort "$results" | awk '
    { key = $1; values[key] = values[key] " " $2; n[key]++ }
    END {
        for (key in values) {
            split(substr(values[key], 2), v, " ")
            m = n[key]
            for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
            median = (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
            printf "  %-50s median %9.1f   runs:%s\n", key, median, values[key]
        }
    }' | sort
