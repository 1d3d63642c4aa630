// BullMQ through the same end-to-end workload as Boomerang's `bench jobs --callbacks 1`: N echo jobs submitted in
// batches of 1,000 (4 submitters, Queue.addBulk), each job's processor returns its input and POSTs one HTTP callback
// ({job_id, finished_at}) to a loopback receiver; timed from the first submit to the last callback received.
// Layout as Boomerang's bench: this process submits and receives; the worker runs in a child process.
// Usage: REDIS_HOST=127.0.0.1 REDIS_PORT=6379 node bullmq.mjs jobs [--count N] [--concurrency C] [--warmup W] [--timeline MS]
//   --warmup W: W jobs run to their callbacks first, on the same worker, before the clock starts.
//   --timeline MS: callbacks arrived per MS milliseconds of the run.
//   --concurrency omitted = BullMQ's default (Worker option `concurrency` left unset, i.e. 1).
import { fork } from "node:child_process";
import http from "node:http";
import net from "node:net";
import { Queue, Worker } from "bullmq";

const [mode = "jobs", ...rest] = process.argv.slice(2);
const opts = {};
for (let i = 0; i + 1 < rest.length; i += 2) opts[rest[i].replace(/^--/, "")] = rest[i + 1];
if (opts.timeline !== undefined && !(Number.isInteger(Number(opts.timeline)) && Number(opts.timeline) >= 1)) {
    console.error(`--timeline takes a step in whole milliseconds (1 or more), not ${opts.timeline}`);
    process.exit(2);
}
const connection = { host: process.env.REDIS_HOST ?? "127.0.0.1", port: Number(process.env.REDIS_PORT ?? 6379) };
const queueName = process.env.BULLMQ_QUEUE ?? "bench";

if (mode === "worker") {
    // The worker: one echo job = return the input, then POST its callback (a keep-alive agent, as a webhook
    // sender would use). A failed POST fails the job, so BullMQ's own retry would apply.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const callbackUrl = new URL(process.env.CALLBACK_URL);
    const post = (body) => new Promise((resolve, reject) => {
        const request = http.request(callbackUrl, {
            method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        }, (response) => {
            response.resume();
            response.on("end", () => (response.statusCode < 300 ? resolve() : reject(new Error(`callback ${response.statusCode}`))));
        });
        request.on("error", reject);
        request.end(body);
    });
    const settings = { connection: { ...connection, maxRetriesPerRequest: null } };
    if (opts.concurrency) settings.concurrency = Number(opts.concurrency);
    const worker = new Worker(queueName, async (job) => {
        const result = job.data;
        await post(JSON.stringify({ job_id: job.id, finished_at: Date.now() / 1000, result }));
        return result;
    }, settings);
    await worker.waitUntilReady();
    process.send({ ready: true });
    process.on("message", async (message) => {
        if (message === "cpu") {
            const { user, system } = process.cpuUsage();
            process.send({ cpuMicros: user + system });
        }
        if (message === "stop") {
            await worker.close();
            agent.destroy();
            process.exit(0);
        }
    });
} else if (mode === "jobs") {
    const count = Number(opts.count ?? 20000);
    const batch = Number(opts.batch ?? 1000);
    const submitters = Number(opts.submitters ?? 4);
    console.log(`bullmq mode=jobs count=${count} concurrency=${opts.concurrency ?? "default (1)"}`);

    // The receiver: answers 200 at once, notes each job's finish-to-callback delay.
    const latencies = new Map();
    const arrivals = [];
    let last, done, target, allIn;
    // Forgets what arrived so far and waits for count callbacks from here.
    const forget = () => {
        latencies.clear();
        arrivals.length = 0;
        last = 0;
        target = count;
        allIn = new Promise((resolve) => { done = resolve; });
    };
    forget();
    const receiver = http.createServer((request, response) => {
        const chunks = [];
        request.on("data", (c) => chunks.push(c));
        request.on("end", () => {
            const now = Date.now();
            const body = JSON.parse(Buffer.concat(chunks).toString());
            latencies.set(body.job_id, now - body.finished_at * 1000);
            last = now;
            arrivals.push(now);
            response.writeHead(200).end();
            if (latencies.size >= target) done();
        });
    });
    receiver.keepAliveTimeout = 60_000;
    await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const callbackUrl = `http://127.0.0.1:${receiver.address().port}/hook`;
    // One callback to itself, forgotten, as Boomerang's harness does: the receiver stands for a running app.
    const warm = await fetch(callbackUrl, { method: "POST", body: JSON.stringify({ job_id: "warm-up", finished_at: 0 }) });
    await warm.arrayBuffer();
    if (warm.status !== 200) throw new Error(`receiver warm-up answered ${warm.status}`);
    forget();

    const queue = new Queue(queueName, { connection });
    await queue.obliterate({ force: true });
    const workerArgs = ["worker", ...(opts.concurrency ? ["--concurrency", opts.concurrency] : [])];
    const worker = fork(new URL(import.meta.url).pathname, workerArgs, { env: { ...process.env, CALLBACK_URL: callbackUrl } });
    // If this process fails, its worker must not outlive it (it holds the output a calling script waits on).
    process.on("exit", () => worker.kill());
    await new Promise((resolve) => worker.once("message", resolve));
    // CPU of both processes (user and system) from the first submit to the last callback, as Boomerang's bench reports.
    const workerCpu = () => new Promise((resolve) => {
        worker.once("message", (m) => resolve(m.cpuMicros));
        worker.send("cpu");
    });
    const mainCpu = () => { const { user, system } = process.cpuUsage(); return user + system; };
    // redis-server's CPU (INFO cpu) over a plain connection of its own, as Boomerang's bench reads it.
    const redisCpu = () => new Promise((resolve, reject) => {
        const socket = net.connect(connection.port, connection.host, () => socket.write("INFO cpu\r\n"));
        let text = "";
        socket.on("data", (chunk) => {
            text += chunk.toString("latin1");
            const header = text.indexOf("\r\n");
            if (header > 0 && text.length >= header + 2 + Number(text.slice(1, header))) {
                socket.end();
                resolve([...text.matchAll(/^used_cpu_(?:user|sys):([\d.]+)/gm)].reduce((sum, m) => sum + Number(m[1]) * 1e6, 0));
            }
        });
        socket.on("error", reject);
    });
    let next = 0;
    const submitAll = async (n) => {
        let left = n;
        await Promise.all(Array.from({ length: submitters }, async () => {
            while (left > 0) {
                const take = Math.min(batch, left);
                left -= take;
                const first = next;
                next += take;
                await queue.addBulk(Array.from({ length: take }, (_, i) => ({ name: "echo", data: first + i })));
            }
        }));
    };
    // --warmup W: W jobs first, called back before the clock starts (a warm worker, not a fresh one).
    const warmup = Number(opts.warmup ?? 0);
    if (warmup > 0) {
        target = warmup;
        await submitAll(warmup);
        const warmTimeout = setTimeout(() => done(), 5 * 60_000);
        await allIn;
        clearTimeout(warmTimeout);
        if (latencies.size < warmup) {
            console.error(`warm-up: ${latencies.size} of ${warmup} callbacks within 5 minutes`);
            process.exit(1);
        }
        forget();
        console.log(`  warm-up              ${warmup} jobs run before the clock started`);
    }
    const cpuAtStart = { main: mainCpu(), worker: await workerCpu(), redis: await redisCpu() };

    const started = Date.now();
    await submitAll(count);
    const submitted = (Date.now() - started) / 1000;
    const timeout = setTimeout(() => done(), 5 * 60_000);
    await allIn;
    clearTimeout(timeout);
    // A worker that died (the timeout path) cannot be asked; its figure is then left out.
    const cpuAtEnd = { main: mainCpu(), worker: worker.connected ? await workerCpu() : NaN, redis: await redisCpu() };
    const span = (last - started) / 1000;
    // --timeline MS: callbacks arrived per MS milliseconds from the first submit (as Boomerang's harness prints them).
    if (opts.timeline !== undefined) {
        const step = Number(opts.timeline);
        const called = new Array(Math.floor((last - started) / step) + 1).fill(0);
        for (const at of arrivals) called[Math.min(called.length - 1, Math.max(0, Math.floor((at - started) / step)))]++;
        called.forEach((n, i) => console.log(`  timeline ${((i * step) / 1000).toFixed(3).padStart(7)} s  callbacks ${String(n).padStart(6)}`));
    }
    const sorted = [...latencies.values()].sort((a, b) => a - b);
    const pct = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
    console.log(`  submitted            ${count} jobs in ${submitted.toFixed(2)} s (${(count / submitted).toFixed(0)} jobs/s)`);
    console.log(`  callbacks            ${latencies.size} of ${count}`);
    console.log(`  with callbacks       ${(count / span).toFixed(0)} jobs/s (first submit to last callback ${span.toFixed(2)} s)`);
    console.log(`  finish-to-callback   p50 ${pct(50).toFixed(1)} ms  p99 ${pct(99).toFixed(1)} ms`);
    if (latencies.size < count) {
        console.log(`  INCOMPLETE: ${latencies.size} of ${count} callbacks within 5 minutes`);
    } else {
        console.log(`RESULT jobs_with_callbacks_per_s ${(count / span).toFixed(1)}`);
    }
    const perJob = (key) => (cpuAtEnd[key] - cpuAtStart[key]) / count;
    console.log(`  cpu per job          worker ${perJob("worker").toFixed(0)} µs, main ${perJob("main").toFixed(0)} µs, `
        + `redis-server ${perJob("redis").toFixed(0)} µs`);
    for (const [key, name] of [["worker", "worker"], ["main", "main"], ["redis", "redis"]]) {
        if (Number.isFinite(perJob(key))) console.log(`RESULT ${name}_cpu_us_per_job ${perJob(key).toFixed(1)}`);
    }
    if (worker.connected) {
        worker.send("stop");
        await new Promise((resolve) => worker.once("exit", resolve));
    }
    await queue.obliterate({ force: true });
    await queue.close();
    receiver.close();
    receiver.closeAllConnections();
} else {
    console.error(`unknown mode ${mode}: use jobs`);
    process.exit(2);
}
