#!/usr/bin/env bash
# Boomerang on Redis against BullMQ (bench/peer/bullmq.mjs) on the same throw-away Redis (scripts/redis-server.sh:
# AOF with appendfsync always), same end-to-end workload: N echo jobs submitted in batches of 1,000, one HTTP callback
# per job to a loopback receiver, timed from the first submit to the last callback. Rounds interleave the systems, so
# each round sees the same machine load; every run is printed, then the medians.
#   boomerang-defaults  the server at its defaults (the harness sets only what a loopback receiver needs)
#   boomerang-tuned     + Callbacks:Concurrency and Callbacks:PerHostConcurrency $BOOMERANG_TUNED_CALLBACKS (default
#                       256; the bench has one receiver host, which PerHostConcurrency, 64 at the defaults, caps),
#                       Jobs:MaxActive 1,000,000
#   bullmq-default      BullMQ's default concurrency (1)
#   bullmq-c$tuned      BullMQ at concurrency $BULLMQ_TUNED_CONCURRENCY (default 64)
#   boomerang/latency@500 (and @100): pickup latency at an offered 500 (100) jobs/s, one job per request, defaults
# Before each run the Redis is flushed, its AOF rewritten (so every run starts from an empty AOF: when Redis's own
# automatic rewrite comes, at 64 MB of growth, depends on that run's writes only, not on the runs before it) and the
# disk's dirty pages written out (sync). INFO commandstats of the last Boomerang defaults run goes to the log.
# WARMUP=W (default 0): every throughput run first runs W jobs to their callbacks on the same server or worker and
# starts the clock after them: the steady state of a running service instead of a fresh process.
# BOOMERANG_SERVER_BUILD: production (default, the production publish) or build (the plain Release build); see
# scripts/bench-server.sh.
# Usage: bash scripts/bench-redis.sh [rounds] [jobs per run]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
count=${2:-20000}
tuned=${BULLMQ_TUNED_CONCURRENCY:-64}
callbacks=${BOOMERANG_TUNED_CALLBACKS:-256}
warmup=${WARMUP:-0}
[[ "$warmup" =~ ^[0-9]+$ ]] || { echo "WARMUP must be a number of jobs" >&2; exit 2; }
warm=()
((warmup > 0)) && warm=(--warmup "$warmup")
source scripts/redis-server.sh
source scripts/bench-medians.sh
source scripts/bench-server.sh
source scripts/machine-speed.sh
results=$(mktemp)
run=$(mktemp)
log=${BENCH_LOG:-bench-redis.log}
: >"$log"
trap 'rm -f "$results" "$run"; redis_server_stop' EXIT

redis_server_start
export REDIS_HOST=127.0.0.1 REDIS_PORT=$REDIS_SERVER_PORT
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build -c Release -v q -nologo bench/Boomerang.Bench >/dev/null
bench_server_prepare "$run"
(cd bench/peer && [[ -d node_modules/bullmq ]] || npm ci --no-audit --no-fund --silent)
bench=(dotnet bench/Boomerang.Bench/bin/Release/net10.0/Boomerang.Bench.dll)
tuning=(--set "Boomerang:Callbacks:Concurrency=$callbacks" --set "Boomerang:Callbacks:PerHostConcurrency=$callbacks"
    --set "Boomerang:Jobs:MaxActive=1000000")
redis=(--redis "$REDIS_SERVER_CONFIGURATION")

# Runs one workload on an empty Redis, prints and logs its whole report, and keeps its RESULT lines as
# "<system>/<metric> <value>".
record() {
    local tag=$1
    shift
    redis-cli -p "$REDIS_SERVER_PORT" flushall >/dev/null
    redis-cli -p "$REDIS_SERVER_PORT" bgrewriteaof >/dev/null
    local deadline=$((SECONDS + 120))
    until [[ "$(redis-cli -p "$REDIS_SERVER_PORT" info persistence | tr -d '\r' | grep -cE '^aof_rewrite_(in_progress|scheduled):0$')" == 2 ]]; do
        ((SECONDS < deadline)) || { echo "bench-redis: the AOF rewrite before a run did not finish in 120 s" >&2; exit 1; }
        sleep 0.2
    done
    sync
    redis-cli -p "$REDIS_SERVER_PORT" config resetstat >/dev/null
    echo "-- $tag (load average $(cut -d' ' -f1-3 /proc/loadavg)): $*" | tee -a "$log"
    "$@" 2>&1 | tee "$run" | tee -a "$log"
    awk -v tag="$tag" '/^RESULT / { print tag "/" $2, $3 }' "$run" >>"$results"
}

{
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg), machine-speed check $(machine_speed) s"
    echo "redis: $(redis-server --version | awk '{print $3}'), appendonly yes, appendfsync $(redis-cli -p "$REDIS_SERVER_PORT" config get appendfsync | tail -1)"
    echo "bullmq: $(node -p 'require("./bench/peer/node_modules/bullmq/package.json").version'), node $(node --version)"
    echo "boomerang: $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $bench_server_desc; tuned = ${tuning[*]}"
    echo "$rounds rounds, $count jobs per throughput run$( ((warmup > 0)) && echo ", each after $warmup warm-up jobs on the same process")"
} | tee -a "$log"

for round in $(seq 1 "$rounds"); do
    echo "== round $round of $rounds" | tee -a "$log"
    record boomerang-defaults "${bench[@]}" jobs --count "$count" --callbacks 1 "${redis[@]}" "${warm[@]}"
    redis-cli -p "$REDIS_SERVER_PORT" info commandstats >>"$log"
    # Every command Redis ran (those inside scripts included, and the harness's listing polls) per job.
    redis-cli -p "$REDIS_SERVER_PORT" info commandstats | awk -F'[:=,]' -v n="$((count + warmup))" \
        '/^cmdstat_/ { calls += $3 } END { printf "redis commands per job (boomerang-defaults): %.1f\n", calls / n }' | tee -a "$log"
    record boomerang-tuned "${bench[@]}" jobs --count "$count" --callbacks 1 "${redis[@]}" "${tuning[@]}" "${warm[@]}"
    record bullmq-default node bench/peer/bullmq.mjs jobs --count "$count" "${warm[@]}"
    record "bullmq-c$tuned" node bench/peer/bullmq.mjs jobs --count "$count" --concurrency "$tuned" "${warm[@]}"
    record boomerang/latency@500 "${bench[@]}" latency --rate 500 --seconds 10 "${redis[@]}"
    record boomerang/latency@100 "${bench[@]}" latency --rate 100 --seconds 10 "${redis[@]}"
done

echo
echo "medians over $rounds rounds ($count jobs per throughput run; load average now $(cut -d' ' -f1-3 /proc/loadavg), machine-speed check $(machine_speed) s):"
bench_medians 55 < "$results" | tee -a "$log"
