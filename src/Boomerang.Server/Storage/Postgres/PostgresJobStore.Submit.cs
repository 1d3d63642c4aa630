using Npgsql;

namespace Boomerang.Server.Storage.Postgres;

internal sealed partial class PostgresJobStore
{
    /// <summary>
    /// Submits serialise on the admitted-count row, so the capacity check holds across every API process: the count
    /// read after taking that lock includes every job admitted before, and finished jobs only ever lower it.
    /// Idempotency keys are checked under the same lock and backed by a unique index.
    /// </summary>
    public Task<IReadOnlyList<SubmitOutcome>> SubmitAsync(IReadOnlyList<NewJob> jobs, int maxActive, CancellationToken ct) =>
        InTransactionAsync<IReadOnlyList<SubmitOutcome>>(async c =>
        {
            long active;
            // The sum is a second statement, so it takes a new snapshot: it sees every submit that committed while
            // this one waited for the lock.
            await using (var count = c.Batch(("SELECT n FROM active_jobs WHERE slot = 0 FOR UPDATE", []),
                ("SELECT sum(n)::bigint FROM active_jobs", [])))
            await using (var r = await count.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                await r.NextResultAsync(ct).ConfigureAwait(false);
                await r.ReadAsync(ct).ConfigureAwait(false);
                active = r.GetInt64(0);
            }
            var admission = JobLifecycle.Admit(jobs, active, maxActive, await KnownKeysAsync(c, jobs, ct).ConfigureAwait(false));
            var created = admission.Created;
            if (created.Count > 0)
            {
                await using var insert = c.Batch(InsertJobs(created),
                    ("UPDATE active_jobs SET n = n + @k WHERE slot = 0", [("k", (long)created.Count)]),
                    NotifyStatement(PostgresListener.JobsHint));
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            return admission.Outcomes;
        }, ct);

    private static async Task<Dictionary<(string Tenant, string Key), KnownKey>> KnownKeysAsync(
        NpgsqlConnection c, IReadOnlyList<NewJob> jobs, CancellationToken ct)
    {
        var known = new Dictionary<(string Tenant, string Key), KnownKey>();
        var keyed = jobs.Where(j => j.IdempotencyKey is not null).ToList();
        if (keyed.Count == 0)
        {
            return known;
        }
        await using var command = c.Command("""
            SELECT j.tenant_id, j.idempotency_key, j.id, j.status, j.request_fingerprint
            FROM jobs j JOIN unnest(@tenants::text[], @keys::text[]) AS k(tenant_id, idempotency_key)
              ON j.tenant_id = k.tenant_id AND j.idempotency_key = k.idempotency_key
            """, ("tenants", keyed.Select(j => j.TenantId).ToArray()), ("keys", keyed.Select(j => j.IdempotencyKey!).ToArray()));
        await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            known[(r.GetString(0), r.GetString(1))] = new KnownKey(r.GetString(2), r.GetString(3), r.NullableString(4));
        }
        return known;
    }

    private (string Sql, (string, object?)[] Parameters) InsertJobs(IReadOnlyList<AdmittedJob> admitted)
    {
        var jobs = admitted.Select(a => a.Job).ToList();
        return ("""
            INSERT INTO jobs (id, tenant_id, kind, status, input, idempotency_key, request_fingerprint, callback_url,
                wants_progress, created_at)
            SELECT id, tenant_id, kind, 'pending', input, idempotency_key, fingerprint, callback_url, wants_progress, @now
            FROM unnest(@ids::text[], @tenants::text[], @kinds::text[], @inputs::text[], @keys::text[], @fps::text[],
                    @urls::text[], @wps::boolean[])
                WITH ORDINALITY AS n(id, tenant_id, kind, input, idempotency_key, fingerprint, callback_url, wants_progress, ord)
            ORDER BY ord
            """,
            [("now", Now), ("ids", jobs.Select(j => j.Id).ToArray()), ("tenants", jobs.Select(j => j.TenantId).ToArray()),
            ("kinds", jobs.Select(j => j.Kind).ToArray()), ("inputs", jobs.Select(j => j.InputJson).ToArray()),
            ("keys", jobs.Select(j => j.IdempotencyKey).ToArray()), ("fps", admitted.Select(a => a.Fingerprint).ToArray()),
            ("urls", jobs.Select(j => j.CallbackUrl).ToArray()), ("wps", jobs.Select(j => j.WantsProgressCallbacks).ToArray())]);
    }
}
