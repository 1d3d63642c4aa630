using System.Data.Common;
using Boomerang.Server.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Boomerang.Server.Dedup2D.Storage;

/// <summary>Connections to the job store's own database for the Dedup2D tables (SQLite file or PostgreSQL schema).</summary>
internal static class SqlConnections
{
    public static async Task<DbConnection> OpenAsync(IServiceProvider services, StorageOptions storage, CancellationToken ct)
    {
        DbConnection connection = storage.UsesPostgres
            ? services.GetRequiredService<NpgsqlDataSource>().CreateConnection()
            : new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = Path.GetFullPath(storage.Sqlite.Path), Pooling = true, DefaultTimeout = 30,
            }.ToString());
        await connection.OpenAsync(ct).ConfigureAwait(false);
        return connection;
    }

    public static void AddParameter(this DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
