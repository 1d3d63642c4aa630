using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Server.Storage;
using Boomerang.Server.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Boomerang.IntegrationTests.Storage;

public sealed class SqliteWriterTests
{
    [Fact]
    public async Task A_failing_write_fails_alone_and_the_writes_grouped_with_it_commit()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "w.db");
        await using (var writer = new SqliteWriter($"Data Source={path}", 100, "FULL"))
        {
            await writer.WriteAsync(c => c.Run("CREATE TABLE t (v INTEGER PRIMARY KEY)"), default);
            var writes = new List<Task<int>>();
            for (var i = 0; i < 50; i++)
            {
                var v = i % 10 == 5 ? 1 : i; // every tenth write collides with v = 1
                writes.Add(writer.WriteAsync(c => c.Run("INSERT INTO t (v) VALUES ($v)", ("$v", v)), default));
            }
            var outcomes = await Task.WhenAll(writes.Select(async w => { try { await w; return true; } catch (SqliteException) { return false; } }));

            Assert.Equal(5, outcomes.Count(ok => !ok));
        }
        await using var check = new SqliteConnection($"Data Source={path}");
        await check.OpenAsync();
        Assert.Equal(45L, (long)check.Command("SELECT COUNT(*) FROM t").ExecuteScalar()!);
    }

    [Fact]
    public async Task A_statement_is_prepared_once_and_reused_by_later_groups()
    {
        using var folder = new TempFolder();
        await using var writer = new SqliteWriter($"Data Source={Path.Combine(folder.Path, "w.db")}", 100, "FULL");
        await writer.WriteAsync(c => c.Run("CREATE TABLE t (v INTEGER PRIMARY KEY)"), default);

        var first = await writer.WriteAsync(c => Prepared(c, 1), default);
        var second = await writer.WriteAsync(c => Prepared(c, 2), default);

        Assert.Same(first.Command, second.Command);
        Assert.Same(first.Statement, second.Statement);
        Assert.Equal(2L, second.Rows);
    }

    [Fact]
    public async Task A_write_that_fails_with_a_cached_statement_open_rolls_back_and_the_next_group_reuses_the_statement()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "w.db");
        await using (var writer = new SqliteWriter($"Data Source={path}", 100, "FULL"))
        {
            await writer.WriteAsync(c => c.Run("CREATE TABLE t (v INTEGER PRIMARY KEY)"), default);
            var before = await writer.WriteAsync(c => Prepared(c, 1), default);

            // Fails halfway through reading its own cached statement, after a write of its own.
            var failing = writer.WriteAsync<int>(c =>
            {
                c.Run("INSERT INTO t (v) VALUES ($v)", ("$v", 2));
                using var r = c.Command("SELECT v FROM t ORDER BY v").ExecuteReader();
                r.Read();
                throw new InvalidOperationException("the write gives up mid-step");
            }, default);
            // Same group or the next: a duplicate key fails inside the cached INSERT itself.
            var duplicate = writer.WriteAsync(c => c.Run("INSERT INTO t (v) VALUES ($v)", ("$v", 1)), default);
            await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
            await Assert.ThrowsAsync<SqliteException>(() => duplicate);

            var after = await writer.WriteAsync(c => Prepared(c, 3), default);
            Assert.Same(before.Statement, after.Statement);
            Assert.Equal(2L, after.Rows);
        }
        await using var check = new SqliteConnection($"Data Source={path}");
        await check.OpenAsync();
        Assert.Equal("1,3", (string)check.Command("SELECT group_concat(v, ',') FROM (SELECT v FROM t ORDER BY v)").ExecuteScalar()!);
    }

    // Inserts v through a cached statement, then reads the row count through another, keeping what was prepared.
    private static (SqliteCommand Command, object Statement, long Rows) Prepared(SqliteStatements c, int v)
    {
        c.Run("INSERT INTO t (v) VALUES ($v)", ("$v", v));
        var count = c.Command("SELECT COUNT(*) FROM t");
        using var r = count.ExecuteReader();
        r.Read();
        return (count, r.Handle!, r.GetInt64(0));
    }
}
