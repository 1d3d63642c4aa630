#!/usr/bin/env python3
"""The Redis store's job lifecycle driven straight at Redis, with no .NET process in the way: what Redis itself spends
per job on the store's Lua scripts, phase by phase, so a change to a script can be measured without the noise of a
whole end-to-end run on a busy machine.

For N echo jobs with a callback each, in the batch sizes the server used in a 20,000-job run: Submit (1,000 a call),
Claim (64, the most one claim takes), Finish with the delivery handed to a dispatcher (25), RecordAttempts with a 200 answer (25). The scripts
are read from src/Boomerang.Server/Storage/Redis/RedisScripts.*.cs, so the ones measured are the ones in the tree, with
the argument layout RedisJobStore uses. Every run checks what it did: each job claimed and finished once, each
delivery leased to the dispatcher and recorded delivered, the per-status counts.

Usage (a throw-away Redis, AOF with appendfsync always, like the other Redis benchmarks):
  source scripts/redis-server.sh && redis_server_start
  python3 bench/redis-scripts.py --port "$REDIS_SERVER_PORT" [--jobs 20000] [--rounds 3]
  redis_server_stop
Prints, per round and then the median: Redis time inside the scripts per job and per phase (INFO commandstats, EVALSHA),
Redis CPU per job (INFO cpu: the scripts plus reading requests and writing the AOF), AOF bytes and memory per job.
The median of each figure is taken on its own, so the phases' medians need not add up to the scripts' median.
One client sends one call at a time, so under `appendfsync always` every script call has its own fsync, where a
server's concurrent callers share them: compare these figures with each other (an A/B of a script change), not with
an end-to-end run's Redis CPU.

It flushes the Redis it is given (FLUSHALL): it refuses one that holds keys unless --force is given.
"""
import argparse
import json
import os
import re
import socket
import statistics
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_scripts(folder):
    """The C# constants `const string Name = A + B + \"\"\"...\"\"\";` of the scripts files, with their concatenations."""
    text = "".join(open(os.path.join(folder, name)).read() for name in ("RedisScripts.Jobs.cs", "RedisScripts.Deliveries.cs"))
    consts = {}
    for m in re.finditer(r'const string (\w+) = ((?:\w+ \+ )*)"""\n(.*?)\n([ \t]*)""";', text, re.S):
        name, parts, body, indent = m.groups()
        lines = [line[len(indent):] if line.startswith(indent) else line.lstrip() for line in body.split("\n")]
        consts[name] = ([p.strip() for p in parts.split("+") if p.strip()], "\n".join(lines))

    def full(name):
        parts, body = consts[name]
        return "".join(full(p) for p in parts) + body

    return {name: full(name) for name in consts}


class Redis:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.file = self.sock.makefile("rb")

    def __call__(self, *args):
        parts = [a if isinstance(a, bytes) else str(a).encode() for a in args]
        self.sock.sendall(b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts))
        return self._read()

    def _read(self):
        line = self.file.readline()[:-2]
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self.file.read(n + 2)[:-2].decode()
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._read() for _ in range(n)]
        raise RuntimeError(f"unexpected reply {line!r}")

    def info(self, section, pattern):
        return re.search(pattern, self("INFO", section))


def check(condition, message):
    if not condition:
        raise SystemExit(f"redis-scripts: check failed: {message}")


def run(redis, sha, jobs, batch):
    prefix, tenant, owner, dispatcher = "scriptbench", "b0962662e937d44c", "vm/1/worker", "vm/1/dispatch"
    url, host = "http://127.0.0.1:9/hook", "http://127.0.0.1:9"
    now = time.time()
    ids = [str(uuid.uuid4()) for _ in range(jobs)]
    redis("FLUSHALL")
    redis("CONFIG", "RESETSTAT")
    memory_start = int(redis.info("memory", r"used_memory:(\d+)")[1])
    aof_start = int((redis.info("persistence", r"aof_current_size:(\d+)") or [0, 0])[1])
    cpu = lambda: sum(float(x) for x in redis.info("cpu", r"used_cpu_sys:([\d.]+)\r\nused_cpu_user:([\d.]+)").groups())
    script_usec = lambda: int((redis.info("commandstats", r"cmdstat_evalsha:calls=\d+,usec=(\d+)") or [0, 0])[1])
    phases = {}

    def phase(name, body):
        usec = script_usec()
        body()
        phases[name] = (script_usec() - usec) / jobs

    def submit():
        for b in range(0, jobs, batch["submit"]):
            chunk = ids[b:b + batch["submit"]]
            active = redis("EVALSHA", sha["SubmitRead"], 0, prefix)[0]
            args = [prefix, now, 1_000_000, active, "0", len(chunk)]
            for job in chunk:
                args += [job, tenant, "echo", "255", "", "", url, "0", ""]
            check(redis("EVALSHA", sha["Submit"], 0, *args) == 1, "a submit was refused")

    claimed = []

    def claim():
        while batch_of := redis("EVALSHA", sha["Claim"], 0, prefix, owner, now + 30, now, batch["claim"]):
            claimed.extend(batch_of)

    leased = []

    def finish():
        for b in range(0, len(claimed), batch["finish"]):
            chunk = claimed[b:b + batch["finish"]]
            args = [prefix, now, owner, len(chunk)]
            for c in chunk:
                job, attempt = c[0], c[4]
                payload = json.dumps({"error": None, "event": "job.completed", "finished_at": now, "job_id": job, "kind": "echo",
                                      "progress": 100, "result": 255, "started_at": now, "status": "completed", "tenant_id": tenant},
                                     separators=(",", ":"))
                args += [job, attempt, "completed", "255", "1", "", "",
                         "msg_" + job.replace("-", ""), job, tenant, "job.completed", "1", url, host, payload, "pending", "", repr(now), ""]
            args += [dispatcher, now + 30, len(chunk)]
            for c, r in zip(chunk, redis("EVALSHA", sha["Finish"], 0, *args)):
                check(isinstance(r, list), f"job {c[0]}: finish returned {r!r}, not a delivery leased to the dispatcher")
                leased.append((r[0], c[0]))

    def attempts():
        for b in range(0, len(leased), batch["attempts"]):
            chunk = leased[b:b + batch["attempts"]]
            args = [prefix, dispatcher, now, len(chunk)]
            for seq, job in chunk:
                record = json.dumps({"webhook_id": "msg_" + job.replace("-", ""), "event": "job.completed", "attempt": 1, "started_at": now,
                                     "duration_ms": 0.8, "http_status": 200, "error": None, "response_body": None},
                                    separators=(",", ":"))
                args += [seq, job, record, "1", "success", 200, "", "", repr(now)]
            check(redis("EVALSHA", sha["RecordAttempts"], 0, *args) == [1] * len(chunk), "an attempt was not recorded")

    cpu_start = cpu()
    for name, body in (("submit", submit), ("claim", claim), ("finish", finish), ("attempts", attempts)):
        phase(name, body)
    cpu_per_job = (cpu() - cpu_start) / jobs
    # What the run did, from Redis: every job completed once, every delivery delivered, nothing left behind.
    check(len(claimed) == jobs and len({c[0] for c in claimed}) == jobs, "each job claimed exactly once")
    counts = dict(zip(*[iter(redis("HGETALL", f"{prefix}:counts"))] * 2))
    check(counts == {"completed": str(jobs)}, f"counts {counts}")
    check(redis("ZCARD", f"{prefix}:delivered") == jobs and redis("SCARD", f"{prefix}:active") == 0, "delivered, active")
    check(redis("ZCARD", f"{prefix}:dleased") == 0 and redis("ZCARD", f"{prefix}:running") == 0, "no lease left")
    sample = ids[jobs // 2]
    check(redis("HGET", f"{prefix}:job:{sample}", "callback_status") == "success", "a job's callback_status")
    aof = int((redis.info("persistence", r"aof_current_size:(\d+)") or [0, 0])[1]) - aof_start
    memory = int(redis.info("memory", r"used_memory:(\d+)")[1]) - memory_start
    return {**{k: v for k, v in phases.items()}, "scripts": sum(phases.values()), "redis_cpu": cpu_per_job * 1e6,
            "aof_bytes": aof / jobs, "memory_bytes": memory / jobs}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--jobs", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scripts", default=os.path.join(ROOT, "src/Boomerang.Server/Storage/Redis"),
                        help="folder of RedisScripts.*.cs (another checkout's, for an A/B of its scripts; the arguments "
                             "sent are still this checkout's layout)")
    parser.add_argument("--force", action="store_true", help="run on a Redis that holds keys (they are flushed)")
    options = parser.parse_args()
    redis = Redis(options.port)
    if redis("DBSIZE") > 0 and not options.force:
        raise SystemExit(f"redis-scripts: the Redis on port {options.port} holds keys and would be flushed; use a throw-away "
                         "one (scripts/redis-server.sh) or pass --force")
    sha = {name: redis("SCRIPT", "LOAD", body) for name, body in read_scripts(options.scripts).items()}
    batch = {"submit": 1000, "claim": 64, "finish": 25, "attempts": 25}
    version = redis.info("server", r"redis_version:([\d.]+)")[1]
    print(f"redis {version}, appendonly {redis('CONFIG', 'GET', 'appendonly')[1]}, "
          f"appendfsync {redis('CONFIG', 'GET', 'appendfsync')[1]}; {options.jobs} jobs a round; batches {batch}")
    # An automatic AOF rewrite would land in one round and not another: off while measuring, one between rounds.
    rewrite = redis("CONFIG", "GET", "auto-aof-rewrite-percentage")[1]
    redis("CONFIG", "SET", "auto-aof-rewrite-percentage", "0")
    rounds = []

    def wait_for_rewrite():
        while redis.info("persistence", r"aof_rewrite_in_progress:(\d)")[1] != "0" or \
                redis.info("persistence", r"aof_rewrite_scheduled:(\d)")[1] != "0":
            time.sleep(0.1)

    try:
        wait_for_rewrite()
        for r in range(options.rounds):
            figures = run(redis, sha, options.jobs, batch)
            rounds.append(figures)
            print(f"round {r + 1}: " + format_figures(figures))
            redis("FLUSHALL")
            if redis("CONFIG", "GET", "appendonly")[1] == "yes":
                redis("BGREWRITEAOF")
                wait_for_rewrite()
    finally:
        redis("CONFIG", "SET", "auto-aof-rewrite-percentage", rewrite)
    print("median:  " + format_figures({k: statistics.median(f[k] for f in rounds) for k in rounds[0]}))


def format_figures(f):
    return (f"scripts {f['scripts']:.1f} us/job (submit {f['submit']:.1f}, claim {f['claim']:.1f}, finish {f['finish']:.1f}, "
            f"attempts {f['attempts']:.1f}); redis CPU {f['redis_cpu']:.1f} us/job; AOF {f['aof_bytes']:.0f} B/job; "
            f"memory {f['memory_bytes']:.0f} B/job")


if __name__ == "__main__":
    main()
