namespace Boomerang.Server.Storage.Postgres;

internal sealed partial class PostgresJobStore
{
    /// <summary>One statement, one transaction: the batch of jobs is locked (skipping rows another sweeper holds), then
    /// their attempts, deliveries and the jobs themselves go. Autovacuum reuses the space.</summary>
    public Task<int> PurgeFinishedAsync(TimeSpan olderThan, int batch, CancellationToken ct) => RunAsync(c => c.RunAsync("""
        WITH old AS (
            SELECT j.seq, j.id FROM jobs j
            WHERE j.status IN ('completed', 'failed', 'canceled') AND j.finished_at < @cutoff
              AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.job_id = j.id AND d.status = 'pending')
            ORDER BY j.finished_at LIMIT @n FOR UPDATE SKIP LOCKED),
        attempts AS (DELETE FROM delivery_attempts a USING old WHERE a.job_id = old.id),
        deliveries AS (DELETE FROM deliveries d USING old WHERE d.job_id = old.id)
        DELETE FROM jobs j USING old WHERE j.seq = old.seq
        """, ct, ("cutoff", Now - olderThan.TotalSeconds), ("n", batch)), ct);
}
