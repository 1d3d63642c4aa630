using Boomerang.Jobs;
using Microsoft.Data.Sqlite;

namespace Boomerang.Server.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Writes go through <see cref="SqliteWriter"/>
/// (one writer, group commit); reads open their own pooled connections and never wait for it.
/// </summary>
internal sealed partial class SqliteJobStore : IJobStore, IAsyncDisposable
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
        _writer.WriteAsync(c => { SqliteMigrations.Apply(c); return 0; }, ct);

    /// <summary>Ready when the file answers and its schema is at least the version this build expects.</summary>
    public Task<bool> PingAsync(CancellationToken ct) => Read(c =>
        Convert.ToInt32(c.Command("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").ExecuteScalar(),
            System.Globalization.CultureInfo.InvariantCulture) >= SqliteMigrations.Latest);

    public Task<IReadOnlyList<SubmitOutcome>> SubmitAsync(IReadOnlyList<NewJob> jobs, int maxActive, CancellationToken ct) =>
        _writer.WriteAsync<IReadOnlyList<SubmitOutcome>>(c =>
        {
            var now = Now;
            var active = ActiveCount(c);
            var outcomes = new List<SubmitOutcome>(jobs.Count);
            using var find = c.Command("SELECT id, status FROM jobs WHERE tenant_id = $t AND idempotency_key = $k", ("$t", ""), ("$k", ""));
            using var insert = c.Command("""
                INSERT INTO jobs (id, tenant_id, kind, status, input, idempotency_key, callback_url, wants_progress, created_at)
                VALUES ($id, $t, $kind, 'pending', $input, $k, $url, $wp, $now)
                """, ("$id", ""), ("$t", ""), ("$kind", ""), ("$input", ""), ("$k", null), ("$url", null), ("$wp", 0), ("$now", now));
            foreach (var job in jobs)
            {
                if (job.IdempotencyKey is not null)
                {
                    find.Parameters["$t"].Value = job.TenantId;
                    find.Parameters["$k"].Value = job.IdempotencyKey;
                    using var r = find.ExecuteReader();
                    if (r.Read())
                    {
                        outcomes.Add(new(SubmitResult.Existing, r.GetString(0), r.GetString(1)));
                        continue;
                    }
                }
                if (active >= maxActive)
                {
                    outcomes.Add(new(SubmitResult.QueueFull, null, null, active));
                    continue;
                }
                insert.Parameters["$id"].Value = job.Id;
                insert.Parameters["$t"].Value = job.TenantId;
                insert.Parameters["$kind"].Value = job.Kind;
                insert.Parameters["$input"].Value = job.InputJson;
                insert.Parameters["$k"].Value = (object?)job.IdempotencyKey ?? DBNull.Value;
                insert.Parameters["$url"].Value = (object?)job.CallbackUrl ?? DBNull.Value;
                insert.Parameters["$wp"].Value = job.WantsProgressCallbacks ? 1 : 0;
                insert.ExecuteNonQuery();
                active++;
                outcomes.Add(new(SubmitResult.Created, job.Id, JobStatus.Pending));
            }
            return outcomes;
        }, ct);

    private static long ActiveCount(SqliteConnection c) => (long)c.Command(
        "SELECT (SELECT COUNT(*) FROM jobs WHERE status = 'pending') + (SELECT COUNT(*) FROM jobs WHERE status = 'in_progress')")
        .ExecuteScalar()!;

    public Task<JobRecord?> GetAsync(string jobId, CancellationToken ct) => Read(c =>
    {
        using var r = c.Command($"SELECT {JobColumns} WHERE j.id = $id", ("$id", jobId)).ExecuteReader();
        return r.Read() ? JobRecordReader.Read(r) : null;
    });

    public Task<JobPage> ListAsync(string tenantId, string? status, int limit, long? beforeSeq, CancellationToken ct) => Read(c =>
    {
        var sql = $"SELECT {JobColumns} WHERE j.tenant_id = $t"
            + (status is null ? "" : " AND j.status = $s")
            + (beforeSeq is null ? "" : " AND j.seq < $before")
            + " ORDER BY j.seq DESC LIMIT $limit";
        using var r = c.Command(sql, ("$t", tenantId), ("$s", status), ("$before", beforeSeq), ("$limit", limit + 1)).ExecuteReader();
        var jobs = new List<JobRecord>(limit + 1);
        while (r.Read())
        {
            jobs.Add(JobRecordReader.Read(r));
        }
        long? next = null;
        if (jobs.Count > limit)
        {
            jobs.RemoveAt(limit);
            next = jobs[^1].Seq;
        }
        return new JobPage(jobs, next);
    });

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
                    if (r.Read() && r.NullableString(1) is { } url)
                    {
                        // Not sent (the seed's behaviour), but kept complete so a redelivery can send it.
                        var payload = CallbackEvent.Serialize(CallbackEvent.Canceled, jobId, r.GetString(0), r.GetString(2),
                            JobStatus.Canceled, 0, null, now, null, null);
                        InsertDelivery(c, jobId, r.GetString(0), CallbackEvent.Canceled, terminal: true, url, payload, now,
                            skippedBecause: "canceled_before_start");
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

    private Task<T> Read<T>(Func<SqliteConnection, T> read)
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return Task.FromResult(read(connection));
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
