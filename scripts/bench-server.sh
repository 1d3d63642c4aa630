#!/usr/bin/env bash
# Sourced by the benchmark scripts: which build of the server they measure.
#   BOOMERANG_SERVER_BUILD=production (default): the production publish that docs/deployment.md tells operators to run
#     (dotnet publish src/Boomerang.Server -p:PublishProfile=production: self-contained, one composite ReadyToRun
#     image of the framework and the server, tiered compilation off), into src/Boomerang.Server/bin/production
#   BOOMERANG_SERVER_BUILD=build: the plain Release build, what `dotnet run -c Release --project src/Boomerang.Server`
#     runs (the framework's own precompiled code, the server's compiled by the JIT as it runs)
# bench_server_prepare builds it, exports BOOMERANG_BENCH_SERVER for Boomerang.Bench and sets bench_server_desc.
bench_server_prepare() {
    local log=${1:-/dev/stderr}
    case ${BOOMERANG_SERVER_BUILD:-production} in
        production)
            dotnet publish src/Boomerang.Server -p:PublishProfile=production -o src/Boomerang.Server/bin/production \
                -v q -nologo >"$log" 2>&1 || { cat "$log" >&2; echo "bench: publish of the server failed" >&2; return 1; }
            export BOOMERANG_BENCH_SERVER=$PWD/src/Boomerang.Server/bin/production/Boomerang.Server.dll
            bench_server_desc="the production publish (composite ReadyToRun, tiered compilation off)"
            ;;
        build)
            dotnet build -c Release -v q -nologo src/Boomerang.Server >"$log" 2>&1 \
                || { cat "$log" >&2; echo "bench: build of the server failed" >&2; return 1; }
            unset BOOMERANG_BENCH_SERVER
            bench_server_desc="the plain Release build (JIT)"
            ;;
        *)
            echo "BOOMERANG_SERVER_BUILD must be production or build" >&2
            return 1
            ;;
    esac
}
