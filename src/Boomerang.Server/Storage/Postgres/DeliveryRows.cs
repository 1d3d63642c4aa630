using Npgsql;

namespace Boomerang.Server.Storage.Postgres;

/// <summary>Outbox entries gathered in a transaction and written with one INSERT.</summary>
internal sealed class DeliveryRows
{
    private readonly List<OutboxEntry> _entries = [];
    private readonly List<string?> _leaseOwners = [];
    private readonly List<double?> _leaseUntil = [];

    public int Count => _entries.Count;
    /// <summary>Rows written already leased to a dispatcher (a hand-off); the INSERT then returns their seq.</summary>
    public int LeasedCount { get; private set; }

    public void Add(OutboxEntry? entry, string? leaseOwner = null, double? leaseUntil = null)
    {
        if (entry is not null)
        {
            _entries.Add(entry);
            _leaseOwners.Add(leaseOwner);
            _leaseUntil.Add(leaseUntil);
            LeasedCount += leaseOwner is null ? 0 : 1;
        }
    }

    /// <summary>The leased entries, once the INSERT's returned (webhook id, seq) rows are known.</summary>
    public IEnumerable<DueDelivery> Leased(IReadOnlyDictionary<string, long> seqs) => _entries
        .Where((_, i) => _leaseOwners[i] is not null).Select(e => Outbox.Leased(e, seqs[e.WebhookId]));

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
            last_error, next_attempt_at, finished_at, created_at, lease_owner, lease_expires_at)
        SELECT * FROM unnest(@wids::text[], @jobs::text[], @tenants::text[], @events::text[], @terminal::boolean[],
            @urls::text[], @hosts::text[], @payloads::bytea[], @statuses::text[], @reasons::text[],
            @next::double precision[], @finished::double precision[], @created::double precision[],
            @lowners::text[], @luntil::double precision[])
        """ + (LeasedCount > 0 ? " RETURNING webhook_id, seq" : ""),
        [("wids", Column(e => e.WebhookId)), ("jobs", Column(e => e.JobId)), ("tenants", Column(e => e.TenantId)),
        ("events", Column(e => e.Event)), ("terminal", Column(e => e.Terminal)), ("urls", Column(e => e.Url)),
        ("hosts", Column(e => e.Host)), ("payloads", Column(e => e.Payload)), ("statuses", Column(e => e.Status)),
        ("reasons", Column(e => e.LastError)), ("next", Column(e => e.NextAttemptAt)), ("finished", Column(e => e.FinishedAt)),
        ("created", Column(e => e.CreatedAt)), ("lowners", _leaseOwners.ToArray()), ("luntil", _leaseUntil.ToArray())]);

    private T[] Column<T>(Func<OutboxEntry, T> field) => _entries.Select(field).ToArray();
}
