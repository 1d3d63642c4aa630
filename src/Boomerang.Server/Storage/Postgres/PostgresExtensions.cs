using Npgsql;

namespace Boomerang.Server.Storage.Postgres;

internal static class PostgresExtensions
{
    public static NpgsqlCommand Command(this NpgsqlConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }

    /// <summary>Several statements in one round trip. Outside a transaction they run as one (all or nothing).</summary>
    public static NpgsqlBatch Batch(this NpgsqlConnection connection, params IEnumerable<(string Sql, (string Name, object? Value)[] Parameters)> statements)
    {
        var batch = new NpgsqlBatch(connection);
        foreach (var (sql, parameters) in statements)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }
            batch.BatchCommands.Add(command);
        }
        return batch;
    }

    public static async Task<int> RunAsync(this NpgsqlConnection connection, string sql, CancellationToken ct,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public static async Task<T> ScalarAsync<T>(this NpgsqlConnection connection, string sql, CancellationToken ct,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        return (T)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    public static string? NullableString(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    public static double? NullableDouble(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);
    public static int? NullableInt(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);
}
