using Microsoft.Data.Sqlite;

namespace Boomerang.Server.Storage.Sqlite;

/// <summary>
/// The writer's connection as a write sees it: each statement is prepared once, on first use, and kept for the
/// writer's lifetime; a later use only rebinds its parameters. A command keeps its prepared statement while its text
/// is unchanged and it is not disposed, so callers never dispose a command from here, and a reader over one is always
/// disposed before the write returns (<c>using</c>), which resets the statement even when the write throws.
/// </summary>
/// <remarks>Keyed by SQL text: writer SQL is constant text with bound parameters, so the cache stays as small as the
/// set of statements in this folder.</remarks>
internal sealed class SqliteStatements(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);

    /// <summary>For work that is not a cached statement (migrations).</summary>
    public SqliteConnection Connection => connection;

    /// <summary>The statement for <paramref name="sql"/>, bound to <paramref name="parameters"/> (null binds NULL).
    /// Every use of one text binds the same names.</summary>
    public SqliteCommand Command(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (!_prepared.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, _) in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }
            _prepared[sql] = command;
        }
        if (parameters.Length != command.Parameters.Count)
        {
            throw new InvalidOperationException($"A cached statement was bound with {parameters.Length} parameters, not {command.Parameters.Count}.");
        }
        var bound = command.Parameters;
        for (var i = 0; i < parameters.Length; i++)
        {
            var (name, value) = parameters[i];
            // Same order as the first use in the common case; by name otherwise.
            var parameter = bound[i].ParameterName == name ? bound[i] : bound[name];
            parameter.Value = value ?? DBNull.Value;
        }
        return command;
    }

    public int Run(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters) =>
        Command(sql, parameters).ExecuteNonQuery();

    /// <summary>The rowid (for these tables, the seq) of the last row this connection inserted successfully
    /// (<c>sqlite3_last_insert_rowid</c>, read without a statement). A failed insert or a rollback does not reset it,
    /// so read it only right after an INSERT that inserted one row.</summary>
    public long LastInsertRowId => SQLitePCL.raw.sqlite3_last_insert_rowid(connection.Handle);

    public void Dispose()
    {
        foreach (var command in _prepared.Values)
        {
            command.Dispose();
        }
        _prepared.Clear();
    }
}
