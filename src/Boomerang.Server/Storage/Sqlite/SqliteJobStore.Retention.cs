using System.Text.Json;

namespace Boomerang.Server.Storage.Sqlite;

internal sealed partial class SqliteJobStore
{
    // Pages handed back per sweep batch: bounded, so giving space back never holds the writer for long.
    private const int VacuumPages = 2000;

    public async Task<int> PurgeFinishedAsync(TimeSpan olderThan, int batch, CancellationToken ct)
    {
        var purged = await _writer.WriteAsync(c => Purge(c, Now - olderThan.TotalSeconds, batch), ct).ConfigureAwait(false);
        if (purged > 0)
        {
            await _writer.WriteAsync(c => c.Run($"PRAGMA incremental_vacuum({VacuumPages})"), ct).ConfigureAwait(false);
        }
        return purged;
    }

    private static int Purge(SqliteStatements c, double cutoff, int batch)
    {
        var ids = new List<string>(batch);
        using (var r = c.Command("""
            SELECT id FROM jobs j
            WHERE status IN ('completed', 'failed', 'canceled') AND finished_at < $cutoff
              AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.job_id = j.id AND d.status = 'pending')
            ORDER BY finished_at LIMIT $n
            """, ("$cutoff", cutoff), ("$n", batch)).ExecuteReader())
        {
            while (r.Read())
            {
                ids.Add(r.GetString(0));
            }
        }
        if (ids.Count == 0)
        {
            return 0;
        }
        var json = JsonSerializer.Serialize(ids);
        c.Run("DELETE FROM delivery_attempts WHERE job_id IN (SELECT value FROM json_each($ids))", ("$ids", json));
        c.Run("DELETE FROM deliveries WHERE job_id IN (SELECT value FROM json_each($ids))", ("$ids", json));
        c.Run("DELETE FROM jobs WHERE id IN (SELECT value FROM json_each($ids))", ("$ids", json));
        return ids.Count;
    }
}
