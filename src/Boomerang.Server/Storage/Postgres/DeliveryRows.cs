using Npgsql;

namespace Boomerang.Server.Storage.Postgres;

/// <summary>Outbox rows gathered in a transaction and written with one INSERT.</summary>
internal sealed class DeliveryRows
{
    private readonly List<string> _webhookIds = [], _jobIds = [], _tenants = [], _events = [], _urls = [], _hosts = [], _statuses = [];
    private readonly List<string?> _reasons = [];
    private readonly List<bool> _terminal = [];
    private readonly List<byte[]> _payloads = [];
    private readonly List<double?> _next = [], _finished = [];

    public int Count => _webhookIds.Count;

    public void Add(string jobId, string tenantId, string @event, bool terminal, string url, byte[] payload, double now,
        string? skippedBecause = null)
    {
        _webhookIds.Add("msg_" + Guid.CreateVersion7().ToString("N"));
        _jobIds.Add(jobId);
        _tenants.Add(tenantId);
        _events.Add(@event);
        _terminal.Add(terminal);
        _urls.Add(url);
        _hosts.Add(DeliveryHost.Of(url));
        _payloads.Add(payload);
        _statuses.Add(skippedBecause is null ? "pending" : "skipped");
        _reasons.Add(skippedBecause);
        _next.Add(skippedBecause is null ? now : null);
        _finished.Add(skippedBecause is null ? null : now);
    }

    public Task InsertAsync(NpgsqlConnection c, double now, CancellationToken ct)
    {
        if (Count == 0)
        {
            return Task.CompletedTask;
        }
        var (sql, parameters) = InsertStatement(now);
        return c.RunAsync(sql, ct, parameters);
    }

    /// <summary>The INSERT, for a caller that sends it in a batch with other statements.</summary>
    public (string Sql, (string Name, object? Value)[] Parameters) InsertStatement(double now) => ("""
        INSERT INTO deliveries (webhook_id, job_id, tenant_id, event, terminal, url, host, payload, status,
            last_error, next_attempt_at, finished_at, created_at)
        SELECT *, @now FROM unnest(@wids::text[], @jobs::text[], @tenants::text[], @events::text[], @terminal::boolean[],
            @urls::text[], @hosts::text[], @payloads::bytea[], @statuses::text[], @reasons::text[],
            @next::double precision[], @finished::double precision[])
        """,
        [("now", now), ("wids", _webhookIds.ToArray()), ("jobs", _jobIds.ToArray()), ("tenants", _tenants.ToArray()),
        ("events", _events.ToArray()), ("terminal", _terminal.ToArray()), ("urls", _urls.ToArray()), ("hosts", _hosts.ToArray()),
        ("payloads", _payloads.ToArray()), ("statuses", _statuses.ToArray()), ("reasons", _reasons.ToArray()),
        ("next", _next.ToArray()), ("finished", _finished.ToArray())]);
}
