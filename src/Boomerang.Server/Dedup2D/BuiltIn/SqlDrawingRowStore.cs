using System.Data.Common;
using System.Globalization;
using Boomerang.Server.Dedup2D.Storage;
using Boomerang.Server.Storage;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Dedup2D.BuiltIn;

/// <summary>The built-in engine's tables in Boomerang's database (SQLite file or PostgreSQL schema of the job store, migration
/// step 6): <c>dedup2d_drawings</c> and the change sequence <c>dedup2d_index_changes</c>. On PostgreSQL every write that
/// appends a change takes one transaction-level advisory lock first, so sequence numbers commit in order and a node
/// reading "after seq N" never skips a change that commits late.</summary>
internal sealed class SqlDrawingRowStore(IServiceProvider services, IOptions<StorageOptions> storage, TimeProvider time) : IDrawingRowStore
{
    private const long ChangeLock = 0x0B00_2D1C;
    private const string Columns = "tenant_id, file_hash, drawing_id, file_name, user_name, features, format";

    public Task UpsertAsync(DrawingRow row, CancellationToken ct) => WriteAsync(row.TenantId, row.FileHash, false, async (c, tx) =>
    {
        await using var command = Command(c, tx, $"""
            INSERT INTO dedup2d_drawings ({Columns}, created_at) VALUES (@t, @h, @i, @n, @u, @f, @fmt, @c)
            ON CONFLICT (tenant_id, file_hash) DO UPDATE SET features = excluded.features, format = excluded.format
            """, ("@t", row.TenantId), ("@h", row.FileHash), ("@i", row.DrawingId), ("@n", row.FileName), ("@u", row.UserName),
            ("@f", row.Features), ("@fmt", row.Format), ("@c", Now()));
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
    }, ct);

    public Task<bool> UpdateFeaturesAsync(string tenantId, string fileHash, byte[] features, string format, CancellationToken ct) =>
        WriteAsync(tenantId, fileHash, false, async (c, tx) =>
    {
        await using var command = Command(c, tx, "UPDATE dedup2d_drawings SET features = @f, format = @fmt WHERE tenant_id = @t AND file_hash = @h",
            ("@t", tenantId), ("@h", fileHash), ("@f", features), ("@fmt", format));
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
    }, ct);

    public Task<bool> DeleteAsync(string tenantId, string fileHash, CancellationToken ct) => WriteAsync(tenantId, fileHash, true, async (c, tx) =>
    {
        await using var command = Command(c, tx, "DELETE FROM dedup2d_drawings WHERE tenant_id = @t AND file_hash = @h", ("@t", tenantId), ("@h", fileHash));
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
    }, ct);

    public async Task<DrawingRow?> GetAsync(string tenantId, string fileHash, CancellationToken ct) =>
        (await ReadRowsAsync($"SELECT {Columns} FROM dedup2d_drawings WHERE tenant_id = @t AND file_hash = @h", ct, ("@t", tenantId), ("@h", fileHash))
            .ConfigureAwait(false)).FirstOrDefault();

    public async Task<bool> HashInUseAsync(string fileHash, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT 1 FROM dedup2d_drawings WHERE file_hash = @h LIMIT 1", ("@h", fileHash));
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null;
    }

    public Task<List<DrawingRow>> ListAsync(string? tenantId, CancellationToken ct) => tenantId is null
        ? ReadRowsAsync($"SELECT {Columns} FROM dedup2d_drawings ORDER BY created_at, file_hash", ct)
        : ReadRowsAsync($"SELECT {Columns} FROM dedup2d_drawings WHERE tenant_id = @t ORDER BY created_at, file_hash", ct, ("@t", tenantId));

    public async Task<List<DrawingSummary>> PageAsync(string tenantId, DrawingPosition? after, int limit, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var where = after is null ? "" : " AND (d.created_at > @a OR (d.created_at = @a AND d.file_hash > @ah))";
        await using var command = Command(connection, null, $"""
            SELECT d.drawing_id, d.file_hash, d.file_name, d.created_at,
                   EXISTS (SELECT 1 FROM dedup2d_geometry g WHERE g.file_hash = d.file_hash)
            FROM dedup2d_drawings d WHERE d.tenant_id = @t{where} ORDER BY d.created_at, d.file_hash LIMIT @l
            """, ("@t", tenantId), ("@l", limit));
        if (after is not null)
        {
            command.AddParameter("@a", after.IndexedAt);
            command.AddParameter("@ah", after.FileHash);
        }
        var page = new List<DrawingSummary>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            page.Add(new DrawingSummary(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetDouble(3),
                Convert.ToBoolean(reader.GetValue(4), CultureInfo.InvariantCulture)));
        }
        return page;
    }

    public async Task<string> ChangePositionAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT COALESCE(MAX(seq), 0) FROM dedup2d_index_changes");
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture)
            .ToString(CultureInfo.InvariantCulture);
    }

    public async Task<List<IndexChange>> ChangesAfterAsync(string position, int limit, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = Command(connection, null,
            "SELECT seq, tenant_id, file_hash, op FROM dedup2d_index_changes WHERE seq > @s ORDER BY seq LIMIT @l",
            ("@s", long.Parse(position, CultureInfo.InvariantCulture)), ("@l", limit));
        var changes = new List<IndexChange>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            changes.Add(new IndexChange(reader.GetInt64(0).ToString(CultureInfo.InvariantCulture), reader.GetString(1), reader.GetString(2),
                reader.GetString(3) == "delete"));
        }
        return changes;
    }

    public async Task PruneChangesAsync(double olderThan, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = Command(connection, null, "DELETE FROM dedup2d_index_changes WHERE created_at < @c", ("@c", olderThan));
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Runs a row write and, when it changed something, appends the change, in one transaction.</summary>
    private async Task<bool> WriteAsync(string tenantId, string fileHash, bool deleted, Func<DbConnection, DbTransaction, Task<bool>> write,
        CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        if (storage.Value.UsesPostgres)
        {
            await using var lockCommand = Command(connection, tx, "SELECT pg_advisory_xact_lock(@k)", ("@k", ChangeLock));
            await lockCommand.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        var changed = await write(connection, tx).ConfigureAwait(false);
        if (changed)
        {
            await using var change = Command(connection, tx,
                "INSERT INTO dedup2d_index_changes (tenant_id, file_hash, op, created_at) VALUES (@t, @h, @o, @c)",
                ("@t", tenantId), ("@h", fileHash), ("@o", deleted ? "delete" : "add"), ("@c", Now()));
            await change.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return changed;
    }

    private async Task<List<DrawingRow>> ReadRowsAsync(string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = Command(connection, null, sql, parameters);
        var rows = new List<DrawingRow>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            try
            {
                rows.Add(new DrawingRow(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4),
                    (byte[])reader.GetValue(5), reader.GetString(6)));
            }
            catch (InvalidCastException)
            {
                // A damaged row reads as absent; rebuild from the original repairs it.
            }
        }
        return rows;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.AddParameter(name, value);
        }
        return command;
    }

    private double Now() => time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    private Task<DbConnection> OpenAsync(CancellationToken ct) => SqlConnections.OpenAsync(services, storage.Value, ct);
}
