using System.Data.Common;
using Boomerang.Server.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Boomerang.Server.Dedup2D.Storage;

/// <summary>Geometry and tenant config in Boomerang's own database: the SQLite file or the PostgreSQL schema the job store
/// uses (tables <c>dedup2d_geometry</c> and <c>dedup2d_tenant_config</c> from the stores' migrations, step 2).</summary>
internal sealed class SqlDedup2DRecords(IServiceProvider services, IOptions<StorageOptions> storage, TimeProvider time) : IDedup2DRecords
{
    public Task<string?> GetGeometryAsync(string fileHash, CancellationToken ct) =>
        ScalarAsync("SELECT geom_json FROM dedup2d_geometry WHERE file_hash = @k", fileHash, ct);

    public Task PutGeometryAsync(string fileHash, string json, CancellationToken ct) =>
        UpsertAsync("dedup2d_geometry", "file_hash", "geom_json", fileHash, json, ct);

    public Task<string?> GetConfigAsync(string tenantId, CancellationToken ct) =>
        ScalarAsync("SELECT config_json FROM dedup2d_tenant_config WHERE tenant_id = @k", tenantId, ct);

    public Task PutConfigAsync(string tenantId, string json, CancellationToken ct) =>
        UpsertAsync("dedup2d_tenant_config", "tenant_id", "config_json", tenantId, json, ct);

    public Task DeleteConfigAsync(string tenantId, CancellationToken ct) =>
        DeleteAsync("DELETE FROM dedup2d_tenant_config WHERE tenant_id = @k", tenantId, ct);

    public Task DeleteGeometryAsync(string fileHash, CancellationToken ct) =>
        DeleteAsync("DELETE FROM dedup2d_geometry WHERE file_hash = @k", fileHash, ct);

    private async Task DeleteAsync(string sql, string key, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.AddParameter("@k", key);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private async Task<string?> ScalarAsync(string sql, string key, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.AddParameter("@k", key);
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
    }

    private async Task UpsertAsync(string table, string keyColumn, string valueColumn, string key, string value, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // Same statement on both databases: INSERT … ON CONFLICT DO UPDATE.
        command.CommandText = $"""
            INSERT INTO {table} ({keyColumn}, {valueColumn}, updated_at) VALUES (@k, @v, @t)
            ON CONFLICT ({keyColumn}) DO UPDATE SET {valueColumn} = excluded.{valueColumn}, updated_at = excluded.updated_at
            """;
        command.AddParameter("@k", key);
        command.AddParameter("@v", value);
        command.AddParameter("@t", time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private Task<DbConnection> OpenAsync(CancellationToken ct) => SqlConnections.OpenAsync(services, storage.Value, ct);
}
