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
}
