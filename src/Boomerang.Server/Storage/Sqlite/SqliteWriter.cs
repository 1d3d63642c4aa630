using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Boomerang.Server.Storage.Sqlite;

/// <summary>
/// The one connection that writes. Callers queue work; the loop runs everything queued so far in one
/// transaction (group commit), each piece inside its own savepoint so one failure spoils only itself,
/// and completes the callers' tasks after COMMIT, so an acknowledged write is on disk. Work sees the connection through
/// <see cref="SqliteStatements"/>: each statement is prepared once for the writer's lifetime, not once per use.
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    private readonly Channel<IWrite> _queue = Channel.CreateUnbounded<IWrite>(new() { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly SqliteStatements _statements;
    private readonly int _maxGroup;
    private readonly Task _loop;

    public SqliteWriter(string connectionString, int maxGroup, string synchronous)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        _statements = new SqliteStatements(_connection);
        // Incremental auto-vacuum lets retention hand freed pages back; it takes effect at once on a new file, and a
        // file made before it is rebuilt once (VACUUM) to switch.
        _connection.Run("PRAGMA busy_timeout=30000; PRAGMA auto_vacuum=INCREMENTAL;");
        using (var mode = _connection.CreateCommand())
        {
            mode.CommandText = "PRAGMA auto_vacuum";
            if (Convert.ToInt64(mode.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) != 2)
            {
                _connection.Run("VACUUM");
            }
        }
        _connection.Run($"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous};");
        _maxGroup = maxGroup;
        _loop = Task.Run(RunAsync);
    }

    public Task<T> WriteAsync<T>(Func<SqliteStatements, T> work, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var write = new Write<T>(work);
        if (!_queue.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(SqliteWriter));
        }
        return write.Task;
    }

    private async Task RunAsync()
    {
        var group = new List<IWrite>(_maxGroup);
        var done = new List<IWrite>(_maxGroup);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            done.Clear();
            while (group.Count < _maxGroup && _queue.Reader.TryRead(out var write))
            {
                group.Add(write);
            }
            try
            {
                Execute("BEGIN IMMEDIATE");
                foreach (var write in group)
                {
                    Execute("SAVEPOINT w");
                    try
                    {
                        write.Run(_statements);
                        Execute("RELEASE w");
                        done.Add(write);
                    }
                    catch (Exception e)
                    {
                        // Fail it first: if the rollback throws too, the whole group fails below.
                        write.Fail(e);
                        Execute("ROLLBACK TO w; RELEASE w");
                    }
                }
                Execute("COMMIT");
                foreach (var write in done)
                {
                    write.Complete();
                }
            }
            catch (Exception e)
            {
                // BEGIN, a savepoint or COMMIT failed (busy, disk full, I/O): nothing of the group is on disk, and every
                // caller hears so. Failing a write twice is harmless.
                TryRollback();
                foreach (var write in group)
                {
                    write.Fail(e);
                }
            }
        }
    }

    // Transaction control runs several times per group; like every write, its statements are prepared once.
    private void Execute(string sql) => _statements.Run(sql);

    private void TryRollback()
    {
        try { Execute("ROLLBACK"); } catch (SqliteException) { /* no transaction was open */ }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _statements.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    // A full disk (SQLITE_FULL) or a failing one (SQLITE_IOERR) is the store being unavailable: callers answer 503 with
    // Retry-After and background writes retry, and nothing of the failed group was committed.
    private static Exception Unavailable(Exception e) => e is SqliteException sqlite && StoreFailures.IsDatabaseUnavailable(sqlite)
        ? new StoreUnavailableException(sqlite.SqliteErrorCode == StoreFailures.SqliteFull ? "SQLite: the disk is full" : "SQLite: disk I/O error", sqlite)
        : e;

    private interface IWrite
    {
        void Run(SqliteStatements statements);
        void Complete();
        void Fail(Exception e);
    }

    private sealed class Write<T>(Func<SqliteStatements, T> work) : IWrite
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;
        public Task<T> Task => _done.Task;
        public void Run(SqliteStatements statements) => _result = work(statements);
        public void Complete() => _done.TrySetResult(_result);
        public void Fail(Exception e) => _done.TrySetException(Unavailable(e));
    }
}
