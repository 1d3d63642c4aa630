using Boomerang.Jobs;
using Microsoft.Data.Sqlite;

namespace Boomerang.Server.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Writes go through <see cref="SqliteWriter"/>
/// (one writer, group commit); reads open their own pooled connections and never wait for it.
/// </summary>
internal sealed partial class SqliteJobStore : IJobStore, IDeliveryHandOffStore, IFinishedJobPurge, IAsyncDisposable
{
    private const string JobColumns = """
        j.seq, j.id, j.tenant_id, j.kind, j.status, j.created_at, j.started_at, j.finished_at, j.attempt, j.progress,
        j.result, j.error, j.callback_url,
        d.status, d.attempts, d.http_status, d.finished_at, d.last_error, d.next_attempt_at
        FROM jobs j LEFT JOIN deliveries d ON d.job_id = j.id AND d.terminal = 1
        """;

    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly SqliteWriter _writer;

    public SqliteJobStore(string path, int maxGroup, TimeProvider time, string synchronous = "FULL")
    {
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _time = time;
        _writer = new SqliteWriter(_connectionString, maxGroup, synchronous);
    }

    private double Now => _time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    public Task MigrateAsync(CancellationToken ct) =>
        _writer.WriteAsync(c => { SqliteMigrations.Apply(c.Connection); return 0; }, ct);

    /// <summary>Ready when the file answers and its schema is at least the version this build expects.</summary>
    public Task<bool> PingAsync(CancellationToken ct) => ReadAsync(async (c, ct) =>
    {
        await using var command = c.Command("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct).ConfigureAwait(false),
            System.Globalization.CultureInfo.InvariantCulture) >= SqliteMigrations.Latest;
    }, ct);

    public Task<IReadOnlyList<SubmitOutcome>> SubmitAsync(IReadOnlyList<NewJob> jobs, int maxActive, CancellationToken ct) =>
        _writer.WriteAsync(c =>
        {
            var admission = JobLifecycle.Admit(jobs, ActiveCount(c, jobs.Count, maxActive), maxActive, KnownKeys(c, jobs));
            var now = Now;
            foreach (var (job, fingerprint) in admission.Created)
            {
                c.Run("""
                    INSERT INTO jobs (id, tenant_id, kind, status, input, idempotency_key, request_fingerprint, callback_url,
                        wants_progress, created_at)
                    VALUES ($id, $t, $kind, 'pending', $input, $k, $fp, $url, $wp, $now)
                    """, ("$id", job.Id), ("$t", job.TenantId), ("$kind", job.Kind), ("$input", job.InputJson), ("$k", job.IdempotencyKey),
                    ("$fp", fingerprint), ("$url", job.CallbackUrl), ("$wp", job.WantsProgressCallbacks ? 1 : 0), ("$now", now));
            }
            return admission.Outcomes;
        }, ct);

    private static Dictionary<(string Tenant, string Key), KnownKey> KnownKeys(SqliteStatements c, IReadOnlyList<NewJob> jobs)
    {
        var known = new Dictionary<(string Tenant, string Key), KnownKey>();
        foreach (var job in jobs)
        {
            if (job.IdempotencyKey is not { } key || known.ContainsKey((job.TenantId, key)))
            {
                continue;
            }
            using var r = c.Command("SELECT id, status, request_fingerprint FROM jobs WHERE tenant_id = $t AND idempotency_key = $k",
                ("$t", job.TenantId), ("$k", key)).ExecuteReader();
            if (r.Read())
            {
                known[(job.TenantId, key)] = new KnownKey(r.GetString(0), r.GetString(1), r.NullableString(2));
            }
        }
        return known;
    }

    /// <summary>Pending plus running jobs, for admission. Counting pending jobs walks their whole index (milliseconds
    /// per submit with a deep queue), so it is counted only when it can decide something: the pending jobs lie between
    /// the oldest pending seq and the newest seq, and when that upper bound leaves room for the whole batch it admits
    /// exactly what the count would.</summary>
    private static long ActiveCount(SqliteStatements c, int batch, int maxActive)
    {
        var bound = (long)c.Command("""
            SELECT COALESCE((SELECT MAX(seq) FROM jobs) - (SELECT MIN(seq) FROM jobs WHERE status = 'pending') + 1, 0)
                + (SELECT COUNT(*) FROM jobs WHERE status = 'in_progress')
            """).ExecuteScalar()!;
        return bound + batch < maxActive ? bound : (long)c.Command(
            "SELECT (SELECT COUNT(*) FROM jobs WHERE status = 'pending') + (SELECT COUNT(*) FROM jobs WHERE status = 'in_progress')")
            .ExecuteScalar()!;
    }

    public Task<JobRecord?> GetAsync(string jobId, CancellationToken ct) => ReadAsync(async (c, ct) =>
    {
        await using var command = c.Command($"SELECT {JobColumns} WHERE j.id = $id", ("$id", jobId));
        await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await r.ReadAsync(ct).ConfigureAwait(false) ? JobRecordReader.Read(r) : null;
    }, ct);

    public Task<JobPage> ListAsync(string tenantId, string? status, int limit, long? beforeSeq, CancellationToken ct) => ReadAsync(async (c, ct) =>
    {
        var sql = $"SELECT {JobColumns} WHERE j.tenant_id = $t"
            + (status is null ? "" : " AND j.status = $s")
            + (beforeSeq is null ? "" : " AND j.seq < $before")
            + " ORDER BY j.seq DESC LIMIT $limit";
        await using var command = c.Command(sql, ("$t", tenantId), ("$s", status), ("$before", beforeSeq), ("$limit", JobLifecycle.PageFetch(limit)));
        await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var jobs = new List<JobRecord>(JobLifecycle.PageFetch(limit));
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            jobs.Add(JobRecordReader.Read(r));
        }
        return JobLifecycle.Page(jobs, limit);
    }, ct);

    public Task<CancelResult> CancelAsync(string jobId, CancellationToken ct) => _writer.WriteAsync(c =>
    {
        var status = (string?)c.Command("SELECT status FROM jobs WHERE id = $id", ("$id", jobId)).ExecuteScalar();
        switch (status)
        {
            case null:
                return CancelResult.NotFound;
            case JobStatus.Pending:
                var now = Now;
                using (var r = c.Command("""
                    UPDATE jobs SET status = 'canceled', cancel_requested = 1, finished_at = $now
                    WHERE id = $id AND status = 'pending' RETURNING tenant_id, callback_url, kind
                    """, ("$id", jobId), ("$now", now)).ExecuteReader())
                {
                    if (r.Read() && Outbox.CanceledPending(jobId, r.GetString(0), r.GetString(2), r.NullableString(1), now) is { } entry)
                    {
                        InsertDelivery(c, entry);
                    }
                }
                return CancelResult.Canceled;
            case JobStatus.InProgress:
                c.Run("UPDATE jobs SET cancel_requested = 1 WHERE id = $id", ("$id", jobId));
                return CancelResult.CancelRequested;
            default:
                return CancelResult.AlreadyFinished;
        }
    }, ct);

    /// <summary>Reads on a pooled connection of their own (WAL: they never wait for the writer), cancellable.</summary>
    private async Task<T> ReadAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        return await read(connection, ct).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
