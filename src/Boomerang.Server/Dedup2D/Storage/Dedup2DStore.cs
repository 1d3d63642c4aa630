using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Boomerang.Server.Dedup2D.Precision;
using Boomerang.Server.Hosting;
using Boomerang.Server.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Boomerang.Server.Dedup2D.Storage;

/// <summary>
/// The geometry store (v2 JSON by file hash, reference §8.6) and the tenants' search defaults (§3.4), in Boomerang's own
/// database: the SQLite file or the PostgreSQL schema the job store uses (tables from the stores' migrations, step 2).
/// A row that cannot be read reads as absent.
/// </summary>
internal sealed partial class Dedup2DStore(IServiceProvider services, IOptions<StorageOptions> storage, TimeProvider time)
{
    public static bool IsSha256(string? hash) => hash is not null && Sha256().IsMatch(hash);

    public async Task<JsonObject?> GetGeometryAsync(string fileHash, CancellationToken ct)
    {
        RequireHash(fileHash);
        var text = await ScalarAsync("SELECT geom_json FROM dedup2d_geometry WHERE file_hash = @k", fileHash, ct).ConfigureAwait(false);
        return ParseObject(text);
    }

    public async Task<bool> GeometryExistsAsync(string fileHash, CancellationToken ct)
    {
        RequireHash(fileHash);
        return await GetGeometryAsync(fileHash, ct).ConfigureAwait(false) is not null;
    }

    public Task PutGeometryAsync(string fileHash, JsonObject geometry, CancellationToken ct)
    {
        RequireHash(fileHash);
        return UpsertAsync("dedup2d_geometry", "file_hash", "geom_json", fileHash, CanonicalJson.Text(geometry), ct);
    }

    public async Task<JsonObject> GetConfigAsync(string tenantId, CancellationToken ct) =>
        ParseObject(await ScalarAsync("SELECT config_json FROM dedup2d_tenant_config WHERE tenant_id = @k", tenantId, ct).ConfigureAwait(false))
        ?? new JsonObject();

    public Task PutConfigAsync(string tenantId, JsonObject config, CancellationToken ct) =>
        UpsertAsync("dedup2d_tenant_config", "tenant_id", "config_json", tenantId, config.ToJsonString(), ct);

    public async Task DeleteConfigAsync(string tenantId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM dedup2d_tenant_config WHERE tenant_id = @k";
        AddParameter(command, "@k", tenantId);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static void RequireHash(string fileHash)
    {
        if (!IsSha256(fileHash))
        {
            throw new ArgumentException("Invalid file_hash; expected 64-char lowercase hex sha256");
        }
    }

    private static JsonObject? ParseObject(string? text)
    {
        if (text is null)
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<string?> ScalarAsync(string sql, string key, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        AddParameter(command, "@k", key);
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
        AddParameter(command, "@k", key);
        AddParameter(command, "@v", value);
        AddParameter(command, "@t", time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }

    private async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        DbConnection connection = storage.Value.UsesPostgres
            ? services.GetRequiredService<NpgsqlDataSource>().CreateConnection()
            : new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = Path.GetFullPath(storage.Value.Sqlite.Path), Pooling = true, DefaultTimeout = 30,
            }.ToString());
        await connection.OpenAsync(ct).ConfigureAwait(false);
        return connection;
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256();
}
