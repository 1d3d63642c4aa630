namespace Boomerang.Server.Storage.Redis;

internal static partial class RedisScripts
{
    /// <summary>Copies a terminal delivery's state onto its job hash, where the seed kept callback_* fields.</summary>
    private const string Mirror = """
        local function mirror(d)
          local f = redis.call('HMGET', d, 'terminal', 'job_id', 'status', 'attempts', 'http_status', 'finished_at', 'last_error', 'next_attempt_at')
          if f[1] == '1' then
            redis.call('HSET', job(f[2]), 'callback_status', f[3], 'callback_attempts', f[4], 'callback_http_status', f[5] or '',
              'callback_finished_at', f[6] or '', 'callback_last_error', f[7] or '', 'callback_next_attempt_at', f[8] or '')
          end
        end
        -- Successful deliveries by finished_at, globally and per tenant (the dashboard's callback rate).
        local function delivered(d, seq, at)
          redis.call('ZADD', p .. ':delivered', at, seq)
          redis.call('ZADD', p .. ':tenant:' .. redis.call('HGET', d, 'tenant_id') .. ':delivered', at, seq)
        end
        local function undelivered(d, seq)
          redis.call('ZREM', p .. ':delivered', seq)
          redis.call('ZREM', p .. ':tenant:' .. redis.call('HGET', d, 'tenant_id') .. ':delivered', seq)
        end

        """;

    /// <summary>
    /// ARGV: prefix, owner, lease expires, now, max, then the excluded hosts. Deliveries whose lease expired come first,
    /// then due ones by time. Scans in chunks, so a backlog for an excluded host does not hide the others. Per
    /// delivery: seq, webhook id, job id, tenant, event, url, host, payload, attempts.
    /// </summary>
    public const string ClaimDeliveries = Prelude + """
        local owner, expires, now, max = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
        local excluded = {}
        for i = 6, #ARGV do excluded[ARGV[i]] = true end
        local out, taken = {}, {}
        -- Index writes go through later(), so nothing leaves the set being read until the end: the scan pages by offset.
        local function take(set, upper)
          local offset = 0
          while #out < max and offset < 50000 do
            local seqs = redis.call('ZRANGEBYSCORE', set, '-inf', upper, 'LIMIT', offset, 256)
            if #seqs == 0 then return end
            offset = offset + #seqs
            for _, seq in ipairs(seqs) do
              if #out >= max then return end
              local d = p .. ':delivery:' .. seq
              local f = redis.call('HMGET', d, 'status', 'host', 'webhook_id', 'job_id', 'tenant_id', 'event', 'url', 'payload', 'attempts')
              if f[1] ~= 'pending' then
                later('ZREM', set, seq)
              elseif not excluded[f[2]] and not taken[seq] then
                taken[seq] = true
                redis.call('HSET', d, 'lease_owner', owner, 'lease_expires_at', expires)
                later('ZREM', p .. ':due', seq)
                later('ZADD', p .. ':dleased', expires, seq)
                out[#out + 1] = { seq, f[3], f[4], f[5], f[6], f[7], f[2], f[8], tonumber(f[9]) or 0 }
              end
            end
          end
        end
        take(p .. ':dleased', '(' .. now)
        take(p .. ':due', now)
        flush()
        return out
        """;

    /// <summary>
    /// ARGV: prefix, owner, now, count, then per attempt: seq, job id, the attempt record (JSON), whether the delivery
    /// keeps it (1/0: JobLifecycle.KeptOnDelivery), and where the delivery lands (JobLifecycle.Land): status, http status
    /// or '', error or '', next attempt or '', finished at or ''. Every attempt is logged: in the job's attempts list, or,
    /// for a kept one whose lease this owner still holds, in the delivery's 'attempt' field. The delivery moves only
    /// while this owner holds its lease. Per attempt: 1 or 0.
    /// </summary>
    public const string RecordAttempts = Prelude + """
        local owner, now, n = ARGV[2], ARGV[3], tonumber(ARGV[4])
        local out = {}
        for i = 0, n - 1 do
          local b = 5 + i * 9
          local seq, job_id, record, kept, status, http, err, nxt, fin = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3], ARGV[b + 4], ARGV[b + 5], ARGV[b + 6], ARGV[b + 7], ARGV[b + 8]
          local d = p .. ':delivery:' .. seq
          local f = redis.call('HMGET', d, 'lease_owner', 'attempts', 'terminal', 'job_id', 'tenant_id')
          local held = f[1] == owner
          if not (held and kept == '1') then redis.call('RPUSH', p .. ':attempts:' .. job_id, record) end
          if held then
            if status == 'pending' and nxt == '' then nxt = now end
            local attempts = int((tonumber(f[2]) or 0) + 1)
            local set = { 'attempts', attempts, 'status', status, 'http_status', http, 'last_error', err, 'next_attempt_at', nxt,
              'finished_at', fin, 'lease_owner', '', 'lease_expires_at', '' }
            if kept == '1' then
              set[#set + 1] = 'attempt'
              set[#set + 1] = record
            end
            redis.call('HSET', d, unpack(set))
            later('ZREM', p .. ':dleased', seq)
            if status == 'pending' then later('ZADD', p .. ':due', nxt, seq) end
            -- The terminal delivery's state mirrored onto its job, where the seed kept callback_* fields.
            if f[3] == '1' then
              redis.call('HSET', job(f[4]), 'callback_status', status, 'callback_attempts', attempts, 'callback_http_status', http,
                'callback_finished_at', fin, 'callback_last_error', err, 'callback_next_attempt_at', nxt)
            end
            if status == 'success' then
              later('ZADD', p .. ':delivered', fin, seq)
              later('ZADD', p .. ':tenant:' .. (f[5] or '') .. ':delivered', fin, seq)
            end
            out[#out + 1] = 1
          else
            out[#out + 1] = 0
          end
        end
        flush()
        return out
        """;

    /// <summary>ARGV: prefix, job id. Returns the job's attempts list, then per delivery the job lists (its older hashes
    /// name one in 'delivery' only) its seq, webhook id and kept attempt ('' for none); read in one step, so a redelivery
    /// moving a kept attempt to the list is seen before or after, never halfway.</summary>
    public const string ListAttempts = """
        local p, id = ARGV[1], ARGV[2]
        local deliveries = {}
        local f = redis.call('HMGET', p .. ':job:' .. id, 'deliveries', 'delivery')
        local listed = f[1]
        if not listed or listed == '' then listed = f[2] or '' end
        for seq in string.gmatch(listed, '%S+') do
          local d = redis.call('HMGET', p .. ':delivery:' .. seq, 'webhook_id', 'attempt')
          deliveries[#deliveries + 1] = seq
          deliveries[#deliveries + 1] = d[1] or ''
          deliveries[#deliveries + 1] = d[2] or ''
        end
        return { redis.call('LRANGE', p .. ':attempts:' .. id, 0, -1), deliveries }
        """;

    /// <summary>ARGV: prefix, owner, seq... Hands claimed deliveries back untried; one another owner holds is left alone.</summary>
    public const string ReleaseDeliveries = Prelude + """
        local owner = ARGV[2]
        for i = 3, #ARGV do
          local seq = ARGV[i]
          local d = p .. ':delivery:' .. seq
          local f = redis.call('HMGET', d, 'lease_owner', 'next_attempt_at', 'status')
          if f[1] == owner then
            redis.call('HSET', d, 'lease_owner', '', 'lease_expires_at', '')
            redis.call('ZREM', p .. ':dleased', seq)
            if f[3] == 'pending' then redis.call('ZADD', p .. ':due', f[2], seq) end
          end
        end
        return 0
        """;

    /// <summary>ARGV: prefix, now, delivery seq. The delivery starts over: pending now, no attempts, no lease; the attempt
    /// it kept, if any, moves to its job's attempts list first.</summary>
    public const string Redeliver = Prelude + Mirror + """
        local now, seq = ARGV[2], ARGV[3]
        local d = p .. ':delivery:' .. seq
        local kept = redis.call('HMGET', d, 'attempt', 'job_id')
        if kept[1] and kept[1] ~= '' then redis.call('RPUSH', p .. ':attempts:' .. kept[2], kept[1]) end
        redis.call('HSET', d, 'status', 'pending', 'attempts', 0, 'http_status', '', 'last_error', '', 'next_attempt_at', now,
          'finished_at', '', 'lease_owner', '', 'lease_expires_at', '')
        redis.call('HDEL', d, 'attempt')
        redis.call('ZREM', p .. ':dleased', seq)
        redis.call('ZADD', p .. ':due', now, seq)
        mirror(d)
        undelivered(d, seq)
        redis.call('PUBLISH', p .. ':events', 'd')
        return redis.call('HGET', d, 'webhook_id')
        """;
}
