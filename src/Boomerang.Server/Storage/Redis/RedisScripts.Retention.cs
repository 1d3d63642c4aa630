namespace Boomerang.Server.Storage.Redis;

internal static partial class RedisScripts
{
    /// <summary>
    /// Deletes finished jobs whose finished_at is before the cutoff, oldest first, with everything they own: the job
    /// hash, its result, its attempts list, every delivery listed on it and their index entries, its idempotency key
    /// (when it still names this job) and its counts. A job with a delivery still pending is kept (skipped).
    /// ARGV: prefix, cutoff, most to delete, offset into the candidates (the ones kept by earlier calls), how many to
    /// look at. Returns deleted, skipped, looked at.
    /// </summary>
    public const string Purge = Prelude + """
        local cutoff, most, offset, chunk = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
        -- The tenant's length in UTF-16 code units, as the idempotency field spells it (RedisJobStore.IdempotencyField).
        local function units(s)
          local n = 0
          for i = 1, #s do
            local b = s:byte(i)
            if b < 0x80 or b >= 0xF0 then n = n + (b >= 0xF0 and 2 or 1) elseif b >= 0xC0 then n = n + 1 end
          end
          return n
        end
        local ids = redis.call('ZRANGEBYSCORE', p .. ':finished', '-inf', '(' .. cutoff, 'LIMIT', offset, chunk)
        local deleted, skipped, seen = 0, 0, 0
        for _, id in ipairs(ids) do
          if deleted >= most then break end
          seen = seen + 1
          local k = job(id)
          local f = redis.call('HMGET', k, 'status', 'tenant_id', 'deliveries', 'delivery', 'idempotency_key')
          local status, tenant = f[1], f[2] or ''
          local t = p .. ':tenant:' .. tenant
          if status ~= 'completed' and status ~= 'failed' and status ~= 'canceled' then
            -- Not finished (cannot happen through Boomerang), or the hash is gone: drop the stale index entry.
            if not status then
              redis.call('ZREM', p .. ':finished', id)
            else
              skipped = skipped + 1
            end
          else
            local seqs = {}
            for s in string.gmatch(f[3] or '', '%S+') do seqs[#seqs + 1] = s end
            if #seqs == 0 and f[4] and f[4] ~= '' then seqs[1] = f[4] end
            local calling = false
            for _, s in ipairs(seqs) do
              if redis.call('HGET', p .. ':delivery:' .. s, 'status') == 'pending' then calling = true end
            end
            if calling then
              skipped = skipped + 1
            else
              for _, s in ipairs(seqs) do
                redis.call('DEL', p .. ':delivery:' .. s)
                for _, z in ipairs({ p .. ':due', p .. ':dleased', p .. ':deliveries', p .. ':delivered', t .. ':deliveries', t .. ':delivered' }) do
                  redis.call('ZREM', z, s)
                end
              end
              redis.call('DEL', k, p .. ':result:' .. id, p .. ':attempts:' .. id)
              for _, z in ipairs({ p .. ':finished', p .. ':jobs', p .. ':pending', p .. ':running', t .. ':jobs', t .. ':finished' }) do
                redis.call('ZREM', z, id)
              end
              redis.call('SREM', p .. ':active', id)
              if f[5] and f[5] ~= '' then
                local field = units(tenant) .. ':' .. tenant .. ':' .. f[5]
                if redis.call('HGET', p .. ':idem', field) == id then redis.call('HDEL', p .. ':idem', field) end
              end
              tally(tenant, id, nil, status, nil)
              deleted = deleted + 1
            end
          end
        end
        flush()
        return { deleted, skipped, #ids }
        """;
}
