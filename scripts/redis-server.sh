#!/usr/bin/env bash
# A throw-away redis-server for tests and benchmarks: data under a temp dir, a free port on 127.0.0.1, AOF on with
# appendfsync always (an acknowledged write is on disk). Source it, then call redis_server_start; it sets
# REDIS_SERVER_CONFIGURATION (a StackExchange.Redis configuration string), REDIS_SERVER_PORT and REDIS_SERVER_DIR.
# redis_server_stop removes everything. Installs Debian's redis-server package when the binary is missing.

source "$(dirname "${BASH_SOURCE[0]}")/free-port.sh"

redis_server_bin() {
    if ! command -v redis-server >/dev/null 2>&1; then
        echo "redis-server: installing redis-server (apt-get)" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq redis-server >&2
    fi
    command -v redis-server
}

redis_server_start() {
    local bin port
    bin=$(redis_server_bin)
    REDIS_SERVER_DIR=$(mktemp -d /tmp/boomerang-redis-XXXXXX)
    port=$(free_port)
    cat >"$REDIS_SERVER_DIR/redis.conf" <<CONF
bind 127.0.0.1
port $port
dir $REDIS_SERVER_DIR
appendonly yes
appendfsync ${REDIS_SERVER_APPENDFSYNC:-always}
save ""
daemonize yes
pidfile $REDIS_SERVER_DIR/redis.pid
logfile $REDIS_SERVER_DIR/redis.log
CONF
    "$bin" "$REDIS_SERVER_DIR/redis.conf"
    local up=
    for _ in $(seq 1 100); do
        if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then
            up=1
            break
        fi
        sleep 0.1
    done
    if [[ -z "$up" ]]; then
        echo "redis-server: not answering on 127.0.0.1:$port after 10 s; its log:" >&2
        cat "$REDIS_SERVER_DIR/redis.log" >&2 2>/dev/null || true
        return 1
    fi
    REDIS_SERVER_PORT=$port
    REDIS_SERVER_CONFIGURATION="127.0.0.1:$port"
    export REDIS_SERVER_DIR REDIS_SERVER_PORT REDIS_SERVER_CONFIGURATION
}

redis_server_stop() {
    if [[ -n "${REDIS_SERVER_DIR:-}" && -d "$REDIS_SERVER_DIR" ]]; then
        if [[ -f "$REDIS_SERVER_DIR/redis.pid" ]]; then
            kill -9 "$(cat "$REDIS_SERVER_DIR/redis.pid")" 2>/dev/null || true
        fi
        rm -rf "$REDIS_SERVER_DIR"
    fi
}
