#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for tests and benchmarks: unix socket and data under a temp dir, a free port on
# 127.0.0.1, owned by the postgres user (initdb refuses root). Source it, then call pg_cluster_start; it sets
# PG_CLUSTER_URL (an Npgsql connection string) and PG_CLUSTER_DIR. pg_cluster_stop removes everything.
# Installs Debian's postgresql package when its binaries are missing.

source "$(dirname "${BASH_SOURCE[0]}")/free-port.sh"

pg_cluster_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [[ -z "$dir" || ! -x "$dir/initdb" ]]; then
        echo "pg-cluster: installing postgresql (apt-get)" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq postgresql >&2
        dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
    echo "$dir"
}

pg_cluster_run() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_cluster_start() {
    local bin port
    bin=$(pg_cluster_bin)
    PG_CLUSTER_BIN=$bin
    PG_CLUSTER_DIR=$(mktemp -d /tmp/boomerang-pg-XXXXXX)
    chmod 755 "$PG_CLUSTER_DIR"
    mkdir -p "$PG_CLUSTER_DIR/data" "$PG_CLUSTER_DIR/sock"
    if [[ $(id -u) -eq 0 ]]; then
        chown -R postgres:postgres "$PG_CLUSTER_DIR"
    fi
    port=$(free_port)
    pg_cluster_run "$bin/initdb" -D "$PG_CLUSTER_DIR/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
    cat >>"$PG_CLUSTER_DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$PG_CLUSTER_DIR/sock'
max_connections = 300
shared_buffers = 256MB
fsync = on
synchronous_commit = on
CONF
    pg_cluster_run "$bin/pg_ctl" -D "$PG_CLUSTER_DIR/data" -l "$PG_CLUSTER_DIR/log" -w -t 60 start >/dev/null
    PG_CLUSTER_URL="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    export PG_CLUSTER_DIR PG_CLUSTER_URL PG_CLUSTER_BIN
}

pg_cluster_stop() {
    if [[ -n "${PG_CLUSTER_DIR:-}" && -d "$PG_CLUSTER_DIR/data" ]]; then
        pg_cluster_run "$PG_CLUSTER_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
        rm -rf "$PG_CLUSTER_DIR"
    fi
}
