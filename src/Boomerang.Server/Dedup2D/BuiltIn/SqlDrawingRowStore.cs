using Boomerang.Server.Dedup2D.Storage;
using System.Data.Common;
using Boomerang.Server.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Boomerang.Server.Dedup2D.BuiltIn;

/// <summary>The built-in engine's table in Boomerang's database (SQLite file or PostgreSQL schema of the job store).</summary>
internal sealed class SqlDrawingRowStore(IServiceProvider services, IOptions<StorageOptions> storage, TimeProvider time) : IDrawingRowStore
{
    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private volatile bool _schemaReady;

    public async Task UpsertAsync(DrawingRow row, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO dedup2d_drawings (tenant_id, file_hash, drawing_id, file_name, user_name, features, format, created_at)
            VALUES (@t, @h, @i, @n, @u, @f, @fmt, @c)
            ON CONFLICT (tenant_id, file_hash) DO UPDATE SET features = excluded.features, format = excluded.format
            """;
        command.AddParameter("@t", row.TenantId);
        command.AddParameter("@h", row.FileHash);
        command.AddParameter("@i", row.DrawingId);
        command.AddParameter("@n", row.FileName);
        command.AddParameter("@u", row.UserName);
        command.AddParameter("@f", row.Features);
        command.AddParameter("@fmt", row.Format);
        command.AddParameter("@c", time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string tenantId, string fileHash, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM dedup2d_drawings WHERE tenant_id = @t AND file_hash = @h";
        command.AddParameter("@t", tenantId);
        command.AddParameter("@h", fileHash);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
    }

    public async Task<List<DrawingRow>> ListAsync(string? tenantId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT tenant_id, file_hash, drawing_id, file_name, user_name, features, format FROM dedup2d_drawings"
                              + (tenantId is null ? "" : " WHERE tenant_id = @t") + " ORDER BY created_at, file_hash";
        if (tenantId is not null) command.AddParameter("@t", tenantId);
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

    private async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = await SqlConnections.OpenAsync(services, storage.Value, ct).ConfigureAwait(false);
        if (!_schemaReady) await EnsureSchemaAsync(connection, ct).ConfigureAwait(false);
        return connection;
    }

    private async Task EnsureSchemaAsync(DbConnection connection, CancellationToken ct)
    {
        await _schemaLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_schemaReady) return;
            var (real, blob) = storage.Value.UsesPostgres ? ("double precision", "bytea") : ("REAL", "BLOB");
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                CREATE TABLE IF NOT EXISTS dedup2d_drawings (
                    tenant_id TEXT NOT NULL, file_hash TEXT NOT NULL, drawing_id BIGINT NOT NULL, file_name TEXT NOT NULL,
                    user_name TEXT NOT NULL, features {blob} NOT NULL, format TEXT NOT NULL, created_at {real} NOT NULL,
                    PRIMARY KEY (tenant_id, file_hash));
                """;
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            _schemaReady = true;
        }
        finally
        {
            _schemaLock.Release();
        }
    }
}
