using Npgsql;

namespace Boomerang.Server.Storage.Postgres;

/// <summary>Outbox entries gathered in a transaction and written with one INSERT.</summary>
internal sealed class DeliveryRows
{
    private readonly List<OutboxEntry> _entries = [];

    public int Count => _entries.Count;

    public void Add(OutboxEntry? entry)
    {
        if (entry is not null)
        {
            _entries.Add(entry);
        }
    }

    public Task InsertAsync(NpgsqlConnection c, CancellationToken ct)
    {
        if (Count == 0)
        {
            return Task.CompletedTask;
        }
        var (sql, parameters) = InsertStatement();
        return c.RunAsync(sql, ct, parameters);
    }

    /// <summary>The INSERT, for a caller that sends it in a batch with other statements.</summary>
    public (string Sql, (string Name, object? Value)[] Parameters) InsertStatement() => ("""
        INSERT INTO deliveries (webhook_id, job_id, tenant_id, event, terminal, url, host, payload, status,
            last_error, next_attempt_at, finished_at, created_at)
        SELECT * FROM unnest(@wids::text[], @jobs::text[], @tenants::text[], @events::text[], @terminal::boolean[],
            @urls::text[], @hosts::text[], @payloads::bytea[], @statuses::text[], @reasons::text[],
            @next::double precision[], @finished::double precision[], @created::double precision[])
        """,
        [("wids", Column(e => e.WebhookId)), ("jobs", Column(e => e.JobId)), ("tenants", Column(e => e.TenantId)),
        ("events", Column(e => e.Event)), ("terminal", Column(e => e.Terminal)), ("urls", Column(e => e.Url)),
        ("hosts", Column(e => e.Host)), ("payloads", Column(e => e.Payload)), ("statuses", Column(e => e.Status)),
        ("reasons", Column(e => e.LastError)), ("next", Column(e => e.NextAttemptAt)), ("finished", Column(e => e.FinishedAt)),
        ("created", Column(e => e.CreatedAt))]);

    private T[] Column<T>(Func<OutboxEntry, T> field) => _entries.Select(field).ToArray();
}
