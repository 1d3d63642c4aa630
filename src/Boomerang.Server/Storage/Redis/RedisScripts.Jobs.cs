namespace Boomerang.Server.Storage.Redis;

/// <summary>
/// The Lua scripts: each change that touches more than one key is one script, which Redis runs atomically and writes
/// to its AOF as one unit, so no crash lands between two of its commands. ARGV[1] is always the key prefix. Times are
/// the caller's clock (epoch seconds), as on the other providers. Scripts that act on what the caller read first are
/// fenced: they re-check the job's status, lease owner and attempt and do nothing for a job that moved meanwhile.
/// </summary>
internal static partial class RedisScripts
{
    /// <summary>Shared helpers: key names, and the outbox entry a job's change writes in the same script.</summary>
    private const string Prelude = """
        local p = ARGV[1]
        local function job(id) return p .. ':job:' .. id end
        -- A whole number as text, for redis.call (Redis 7.0 formats a Lua number with snprintf on every use); not
        -- tostring(), whose %.14g turns 1e14 and above into exponent form.
        local function int(n) return string.format('%d', n) end
        -- Writes to shared keys gathered while a hot script (submit, claim, finish, attempts) runs and made at its end,
        -- one variadic command per key and command (ZADD, ZREM, SADD, SREM) in first-use order, then the counts in one
        -- HINCRBY per status: one command for a batch instead of one per job (each command inside a script costs a
        -- call, a lookup and an AOF entry). No script adds and removes the same member of one key, so the order within
        -- a key does not matter. A script that uses these (or tally, finished, add_delivery) calls flush() before it returns.
        local later_lists, later_order, deltas = {}, {}, {}
        local function later(cmd, key, a, b)
          local name = cmd .. ' ' .. key
          local l = later_lists[name]
          if not l then
            l = { cmd, key }
            later_lists[name] = l
            later_order[#later_order + 1] = l
          end
          l[#l + 1] = a
          if b ~= nil then l[#l + 1] = b end
        end
        -- The indexes the listings, the dashboard, the gauges and retention read (RedisKeys): a tenant's jobs per status
        -- (sorted sets by seq), jobs per status overall (a hash; a field that reaches 0 goes, so a purged store leaves
        -- none). Through later(): the caller flushes.
        local function tally(tenant, id, seq, from, to)
          local t = p .. ':tenant:' .. (tenant or '') .. ':s:'
          if from then
            deltas[from] = (deltas[from] or 0) - 1
            later('ZREM', t .. from, id)
          end
          if to then
            deltas[to] = (deltas[to] or 0) + 1
            later('ZADD', t .. to, seq, id)
          end
        end
        local function flush()
          for _, l in ipairs(later_order) do
            for i = 3, #l, 4000 do redis.call(l[1], l[2], unpack(l, i, math.min(i + 3999, #l))) end
          end
          local c = p .. ':counts'
          for status, d in pairs(deltas) do
            if d ~= 0 and redis.call('HINCRBY', c, status, d) <= 0 then redis.call('HDEL', c, status) end
          end
          later_lists, later_order, deltas = {}, {}, {}
        end
        -- Finished jobs by finished_at, overall and per tenant.
        local function finished(id, tenant, at)
          later('ZADD', p .. ':finished', at, id)
          later('ZADD', p .. ':tenant:' .. (tenant or '') .. ':finished', at, id)
        end
        -- An outbox entry as Outbox built it, from ARGV[b .. b + 11]: webhook id, job id, tenant, event, terminal (1/0), url,
        -- host, payload, status, last error, next attempt, finished at ('' for none). Mirrored onto the job when terminal.
        -- With a lease owner, a pending entry due now is written leased to it (the finish's hand-off to its own
        -- dispatcher) and its seq returned; otherwise returns whether it is pending. Its index entries go through
        -- later() (the caller flushes). The job's fields (its list of deliveries, the mirror) are appended to jobset when
        -- the caller writes the job hash itself (then listed is the job's 'deliveries' as the caller read it);
        -- without jobset they are written here. seq is the entry's, as text, when the caller took a batch of them from
        -- dseq at once; else one is taken here. The delivery hash is written whole, empty fields included: written with fewer, it
        -- would pass 16 fields only when its attempt lands, and keep both hash tables of that growth (nothing reads it
        -- afterwards to finish the move), 128 bytes more a delivery.
        local function add_delivery(now, b, lease_owner, lease_until, jobset, listed, seq)
          local wid, job_id, tenant, event, terminal, url, host, payload, status, reason, nxt, fin =
            ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3], ARGV[b + 4], ARGV[b + 5], ARGV[b + 6], ARGV[b + 7], ARGV[b + 8], ARGV[b + 9], ARGV[b + 10], ARGV[b + 11]
          seq = seq or int(redis.call('INCR', p .. ':dseq'))
          local own = jobset == nil
          if own then
            jobset = {}
            listed = redis.call('HGET', job(job_id), 'deliveries')
          end
          -- Every delivery of a job is listed on it (space-separated), so retention deletes them with it.
          if listed and listed ~= '' then listed = listed .. ' ' .. seq else listed = seq end
          jobset[#jobset + 1] = 'deliveries'
          jobset[#jobset + 1] = listed
          later('ZADD', p .. ':deliveries', seq, seq)
          later('ZADD', p .. ':tenant:' .. tenant .. ':deliveries', seq, seq)
          local leased = status == 'pending' and lease_owner and lease_owner ~= '' and nxt ~= '' and tonumber(nxt) <= tonumber(now)
          local lo, le = '', ''
          if leased then
            lo, le = lease_owner, lease_until
            later('ZADD', p .. ':dleased', lease_until, seq)
          elseif status == 'pending' then
            later('ZADD', p .. ':due', nxt, seq)
          end
          redis.call('HSET', p .. ':delivery:' .. seq, 'webhook_id', wid, 'job_id', job_id, 'tenant_id', tenant, 'event', event,
            'terminal', terminal, 'url', url, 'host', host, 'payload', payload, 'status', status, 'attempts', '0',
            'http_status', '', 'last_error', reason, 'next_attempt_at', nxt, 'finished_at', fin, 'created_at', now,
            'lease_owner', lo, 'lease_expires_at', le)
          if terminal == '1' then
            for _, v in ipairs({ 'delivery', seq, 'callback_status', status, 'callback_attempts', '0', 'callback_http_status', '',
              'callback_finished_at', fin, 'callback_last_error', reason, 'callback_next_attempt_at', nxt }) do
              jobset[#jobset + 1] = v
            end
          end
          if own then redis.call('HSET', job(job_id), unpack(jobset)) end
          if leased then return seq end
          return status == 'pending'
        end

        """;

    /// <summary>What a submit decides on. ARGV: prefix, then idempotency-key fields. Returns the active count, then per
    /// field the job id, its status and its request fingerprint ('' for each when the key is free).</summary>
    public const string SubmitRead = Prelude + """
        local out = { redis.call('SCARD', p .. ':active') }
        for i = 2, #ARGV do
          local id = redis.call('HGET', p .. ':idem', ARGV[i])
          if id then
            local f = redis.call('HMGET', job(id), 'status', 'idempotency_fingerprint')
            out[#out + 1] = id
            out[#out + 1] = f[1] or 'pending'
            out[#out + 1] = f[2] or ''
          else
            out[#out + 1] = ''
            out[#out + 1] = ''
            out[#out + 1] = ''
          end
        end
        return out
        """;

    /// <summary>
    /// Writes what JobLifecycle.Admit decided, if what it decided on still holds: the active count is the one read (or,
    /// when nothing was refused, still leaves room for every created job) and no created job's key was taken meanwhile.
    /// Returns 1, or 0 and writes nothing (the caller reads and decides again). ARGV: prefix, now, max active, active
    /// read, anything refused (1/0), count, then per created job id, tenant, kind, input, idempotency field or '',
    /// idempotency key or '', callback URL or '', wants progress (1/0), request fingerprint or ''.
    /// </summary>
    public const string Submit = Prelude + """
        local now, max, seen, refused, n = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
        local active = redis.call('SCARD', p .. ':active')
        if active ~= seen and not (refused == '0' and active + n <= max) then return 0 end
        for i = 0, n - 1 do
          local field = ARGV[7 + i * 9 + 4]
          if field ~= '' and redis.call('HEXISTS', p .. ':idem', field) == 1 then return 0 end
        end
        local tenants = {}
        -- The batch's seqs in one step: the counter moves by n, the jobs take the n values it passed.
        local first = n > 0 and redis.call('INCRBY', p .. ':seq', n) - n or 0
        for i = 0, n - 1 do
          local b = 7 + i * 9
          local id, tenant, kind, input, field, key, url, wants, fp = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3], ARGV[b + 4], ARGV[b + 5], ARGV[b + 6], ARGV[b + 7], ARGV[b + 8]
          local seq = int(first + i + 1)
          local cbs = ''
          if url ~= '' then cbs = 'pending' end
          -- The seed's fields as the seed wrote them (empty ones included), then Boomerang's; an idempotency key and
          -- fingerprint only when the job has them.
          local h = { 'job_id', id, 'tenant_id', tenant, 'status', 'pending', 'created_at', now,
            'started_at', '', 'finished_at', '', 'error', '', 'cancel_requested', '0', 'callback_url', url,
            'callback_status', cbs, 'callback_attempts', '0', 'callback_http_status', '', 'callback_finished_at', '',
            'callback_last_error', '', 'seq', seq, 'kind', kind, 'input', input, 'wants_progress', wants, 'attempt', '0', 'progress', '0' }
          if key ~= '' then h[#h + 1], h[#h + 2], h[#h + 3], h[#h + 4] = 'idempotency_key', key, 'idempotency_fingerprint', fp end
          redis.call('HSET', job(id), unpack(h))
          later('ZADD', p .. ':pending', seq, id)
          later('SADD', p .. ':active', id)
          later('ZADD', p .. ':tenant:' .. tenant .. ':jobs', seq, id)
          later('ZADD', p .. ':jobs', seq, id)
          tally(tenant, id, seq, nil, 'pending')
          tenants[tenant] = true
          if field ~= '' then redis.call('HSET', p .. ':idem', field, id) end
        end
        flush()
        -- The seed gave this index a TTL; Boomerang keeps its jobs, so the index must not expire under them.
        for tenant in pairs(tenants) do redis.call('PERSIST', p .. ':tenant:' .. tenant .. ':jobs') end
        if n > 0 then redis.call('PUBLISH', p .. ':events', 'j') end
        return 1
        """;

    /// <summary>ARGV: prefix, owner, lease expires, now, max. Per claimed job, oldest first: id, tenant, kind, input,
    /// attempt, callback URL, wants progress, started at, progress.</summary>
    public const string Claim = Prelude + """
        local owner, expires, now, max = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
        local out = {}
        -- Popped whatever their state: an id in pending whose job is no longer pending is a stale entry.
        local popped = redis.call('ZPOPMIN', p .. ':pending', max)
        for i = 1, #popped, 2 do
          local id = popped[i]
          local k = job(id)
          local f = redis.call('HMGET', k, 'status', 'started_at', 'tenant_id', 'kind', 'input', 'callback_url', 'wants_progress', 'seq', 'progress', 'attempt')
          if f[1] == 'pending' then
            local attempt = int((tonumber(f[10]) or 0) + 1)
            local started = f[2]
            if not started or started == '' then started = now end
            redis.call('HSET', k, 'status', 'in_progress', 'lease_owner', owner, 'lease_expires_at', expires, 'attempt', attempt, 'started_at', started)
            later('ZADD', p .. ':running', expires, id)
            tally(f[3], id, f[8], 'pending', 'in_progress')
            out[#out + 1] = { id, f[3], f[4], f[5] or '', attempt, f[6] or '', f[7] or '0', started, f[9] or '0' }
          end
        end
        flush()
        return out
        """;

    /// <summary>ARGV: prefix, owner, lease expires, then pairs of id and attempt. Per job: h (held), c (held, cancel
    /// requested) or l (lost: another owner, or this owner under another attempt).</summary>
    public const string Heartbeat = Prelude + """
        local owner, expires = ARGV[2], ARGV[3]
        local out = {}
        for i = 4, #ARGV, 2 do
          local id, attempt = ARGV[i], ARGV[i + 1]
          local f = redis.call('HMGET', job(id), 'status', 'lease_owner', 'cancel_requested', 'attempt')
          if f[1] == 'in_progress' and f[2] == owner and f[4] == attempt then
            redis.call('HSET', job(id), 'lease_expires_at', expires)
            later('ZADD', p .. ':running', expires, id)
            if f[3] == '1' then out[#out + 1] = 'c' else out[#out + 1] = 'h' end
          else
            out[#out + 1] = 'l'
          end
        end
        flush()
        return out
        """;

    /// <summary>ARGV: prefix, now, owner, job id, attempt, progress, then (when a progress callback is due) its outbox
    /// entry. Fenced on owner and attempt.</summary>
    public const string Progress = Prelude + """
        local now, owner, id, attempt, progress = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
        local f = redis.call('HMGET', job(id), 'status', 'lease_owner', 'attempt')
        if f[1] ~= 'in_progress' or f[2] ~= owner or f[3] ~= attempt then return 0 end
        redis.call('HSET', job(id), 'progress', progress)
        if #ARGV >= 18 then
          add_delivery(now, 7)
          flush()
          redis.call('PUBLISH', p .. ':events', 'd')
        end
        return 1
        """;

    /// <summary>
    /// Terminal states and their outbox entries. ARGV: prefix, now, owner ('' for the rescuer, which finishes only
    /// jobs whose lease is still expired), count, then per job: id, attempt, status, result, has result (1/0), error,
    /// expected cancel flag ('' = any), and its outbox entry (12 values; all '' without a callback); last, the dispatcher
    /// to lease due deliveries to and until when ('' for none), and how many at most (the rest are left unleased). Per job: 0 (dropped), 1, or {seq} (as text) when its delivery was
    /// leased to the dispatcher. Publishes one hint for the batch, and only for deliveries left for any dispatcher. The job ids must be
    /// distinct (the caller keeps one outcome a job): every job's lease is checked before any is written.
    /// </summary>
    public const string Finish = Prelude + """
        local now, owner, n = ARGV[2], ARGV[3], tonumber(ARGV[4])
        local dispatcher, lease_until = ARGV[5 + n * 19], ARGV[6 + n * 19]
        local room, handed = tonumber(ARGV[7 + n * 19] or '') or n, 0
        local out, deliveries = {}, false
        -- First which jobs are still held, so that their deliveries' seqs come from dseq in one step.
        local rows, entries = {}, 0
        for i = 0, n - 1 do
          local b = 5 + i * 19
          local id, attempt, cancel = ARGV[b], ARGV[b + 1], ARGV[b + 6]
          local f = redis.call('HMGET', job(id), 'status', 'lease_owner', 'attempt', 'lease_expires_at', 'cancel_requested', 'tenant_id', 'seq', 'deliveries')
          local held = f[1] == 'in_progress' and f[3] == attempt
          if owner == '' then
            held = held and (tonumber(f[4]) or 0) < tonumber(now) and (cancel == '' or cancel == f[5])
          else
            held = held and f[2] == owner
          end
          if held then
            rows[i] = f
            if ARGV[b + 7] ~= '' then entries = entries + 1 end
          end
        end
        local dseq = entries > 0 and redis.call('INCRBY', p .. ':dseq', entries) - entries or 0
        for i = 0, n - 1 do
          local b = 5 + i * 19
          local id, status, result, has_result, err = ARGV[b], ARGV[b + 2], ARGV[b + 3], ARGV[b + 4], ARGV[b + 5]
          local k = job(id)
          local f = rows[i]
          if f then
            local set = { 'status', status, 'finished_at', now, 'error', err, 'lease_owner', '', 'lease_expires_at', '' }
            if status == 'completed' then
              set[#set + 1] = 'progress'
              set[#set + 1] = '100'
            end
            if has_result == '1' then redis.call('SET', p .. ':result:' .. id, result) end
            later('ZREM', p .. ':running', id)
            later('SREM', p .. ':active', id)
            tally(f[6], id, f[7], 'in_progress', status)
            finished(id, f[6], now)
            local added = false
            if ARGV[b + 7] ~= '' then
              dseq = dseq + 1
              added = add_delivery(now, b + 7, handed < room and dispatcher or '', lease_until, set, f[8], int(dseq))
            end
            redis.call('HSET', k, unpack(set))
            if type(added) == 'string' then
              handed = handed + 1
              out[#out + 1] = { added }
            else
              deliveries = added or deliveries
              out[#out + 1] = 1
            end
          else
            out[#out + 1] = 0
          end
        end
        flush()
        if deliveries then redis.call('PUBLISH', p .. ':events', 'd') end
        return out
        """;

    /// <summary>The rescuer's requeue. ARGV: prefix, now, then pairs of id and attempt; requeues each job still running
    /// that attempt with an expired lease and no cancel request. Returns how many moved.</summary>
    public const string Requeue = Prelude + """
        local now = tonumber(ARGV[2])
        local moved = 0
        for i = 3, #ARGV, 2 do
          local id, attempt = ARGV[i], ARGV[i + 1]
          local f = redis.call('HMGET', job(id), 'status', 'attempt', 'lease_expires_at', 'cancel_requested', 'seq', 'tenant_id')
          if f[1] == 'in_progress' and f[2] == attempt and (tonumber(f[3]) or 0) < now and f[4] ~= '1' then
            redis.call('HSET', job(id), 'status', 'pending', 'lease_owner', '', 'lease_expires_at', '')
            redis.call('ZREM', p .. ':running', id)
            redis.call('ZADD', p .. ':pending', f[5], id)
            tally(f[6], id, f[5], 'in_progress', 'pending')
            moved = moved + 1
          end
        end
        flush()
        if moved > 0 then redis.call('PUBLISH', p .. ':events', 'j') end
        return moved
        """;

    /// <summary>ARGV: prefix, owner, then pairs of id and attempt. Held jobs go back to pending without using the attempt; one asked to cancel
    /// keeps its state with an expired lease, so the rescuer ends it canceled with its callback.</summary>
    public const string Release = Prelude + """
        local owner = ARGV[2]
        local released = 0
        for i = 3, #ARGV, 2 do
          local id, attempt = ARGV[i], ARGV[i + 1]
          local f = redis.call('HMGET', job(id), 'status', 'lease_owner', 'cancel_requested', 'seq', 'attempt', 'tenant_id')
          if f[1] == 'in_progress' and f[2] == owner and f[5] == attempt then
            if f[3] == '1' then
              redis.call('HSET', job(id), 'lease_expires_at', 0)
              redis.call('ZADD', p .. ':running', 0, id)
            else
              redis.call('HSET', job(id), 'status', 'pending', 'lease_owner', '', 'lease_expires_at', '')
              redis.call('HINCRBY', job(id), 'attempt', -1)
              redis.call('ZREM', p .. ':running', id)
              redis.call('ZADD', p .. ':pending', f[4], id)
              tally(f[6], id, f[4], 'in_progress', 'pending')
              released = released + 1
            end
          end
        end
        flush()
        if released > 0 then redis.call('PUBLISH', p .. ':events', 'j') end
        return released
        """;

    /// <summary>ARGV: prefix, now, id, the status the caller saw, then for a pending job with a callback its outbox entry. Returns 'ok', or the job's status now ('' when missing) so the caller decides again.</summary>
    public const string Cancel = Prelude + """
        local now, id, seen = ARGV[2], ARGV[3], ARGV[4]
        local status = redis.call('HGET', job(id), 'status')
        if not status then return '' end
        if status ~= seen then return status end
        if seen == 'pending' then
          redis.call('HSET', job(id), 'status', 'canceled', 'cancel_requested', '1', 'finished_at', now, 'error', '')
          redis.call('ZREM', p .. ':pending', id)
          redis.call('SREM', p .. ':active', id)
          local g = redis.call('HMGET', job(id), 'tenant_id', 'seq')
          local tenant = g[1]
          tally(tenant, id, g[2], 'pending', 'canceled')
          finished(id, tenant, now)
          if #ARGV >= 16 then add_delivery(now, 5) end
          flush()
        elseif seen == 'in_progress' then
          redis.call('HSET', job(id), 'cancel_requested', '1')
          redis.call('PUBLISH', p .. ':events', 'c:' .. id)
        end
        return 'ok'
        """;
}
