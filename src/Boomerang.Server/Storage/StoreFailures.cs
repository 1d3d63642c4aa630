using Microsoft.Data.Sqlite;
using Npgsql;

namespace Boomerang.Server.Storage;

/// <summary>Which database errors mean "the store cannot serve now" (retry later, 503) rather than a defect.</summary>
internal static class StoreFailures
{
    /// <summary>PostgreSQL unreachable, restarting or shutting down (SQLSTATE classes 08 and 57P, or a transient error);
    /// SQLite out of disk (SQLITE_FULL) or failing it (SQLITE_IOERR).</summary>
    public static bool IsDatabaseUnavailable(Exception e) => e switch
    {
        PostgresException p => p.IsTransient || p.SqlState.StartsWith("57P", StringComparison.Ordinal) || p.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException n => n.IsTransient || n.InnerException is System.Net.Sockets.SocketException or IOException or TimeoutException,
        SqliteException { SqliteErrorCode: SqliteFull or SqliteIoError } => true,
        _ => false,
    };

    public const int SqliteFull = 13;
    public const int SqliteIoError = 10;
}
