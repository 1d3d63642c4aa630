using Npgsql;

namespace Boomerang.Server.Storage.Postgres;

/// <summary>Outbox rows written with one INSERT.</summary>
internal static class DeliveryRows
{
    public static Task InsertAsync(this OutboxRows rows, NpgsqlConnection c, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return Task.CompletedTask;
        }
        var (sql, parameters) = rows.InsertStatement();
        return c.RunAsync(sql, ct, parameters);
    }

    /// <summary>The INSERT, for a caller that sends it in a batch with other statements; with leased rows it returns
    /// (webhook id, seq) pairs.</summary>
    public static (string Sql, (string Name, object? Value)[] Parameters) InsertStatement(this OutboxRows rows)
    {
        T[] Column<T>(Func<OutboxEntry, T> field) => rows.Rows.Select(r => field(r.Entry)).ToArray();
        return ("""
            INSERT INTO deliveries (webhook_id, job_id, tenant_id, event, terminal, url, host, payload, status,
                last_error, next_attempt_at, finished_at, created_at, lease_owner, lease_expires_at)
            SELECT * FROM unnest(@wids::text[], @jobs::text[], @tenants::text[], @events::text[], @terminal::boolean[],
                @urls::text[], @hosts::text[], @payloads::bytea[], @statuses::text[], @reasons::text[],
                @next::double precision[], @finished::double precision[], @created::double precision[],
                @lowners::text[], @luntil::double precision[])
            """ + (rows.LeasedCount > 0 ? " RETURNING webhook_id, seq" : ""),
            [("wids", Column(e => e.WebhookId)), ("jobs", Column(e => e.JobId)), ("tenants", Column(e => e.TenantId)),
            ("events", Column(e => e.Event)), ("terminal", Column(e => e.Terminal)), ("urls", Column(e => e.Url)),
            ("hosts", Column(e => e.Host)), ("payloads", Column(e => e.Payload)), ("statuses", Column(e => e.Status)),
            ("reasons", Column(e => e.LastError)), ("next", Column(e => e.NextAttemptAt)), ("finished", Column(e => e.FinishedAt)),
            ("created", Column(e => e.CreatedAt)), ("lowners", rows.Rows.Select(r => r.LeaseOwner).ToArray()),
            ("luntil", rows.Rows.Select(r => r.LeaseUntil).ToArray())]);
    }
}
