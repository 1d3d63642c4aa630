using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;
using Boomerang.Server.Storage;
using Boomerang.Server.Storage.Postgres;
using Npgsql;

namespace Boomerang.IntegrationTests.Postgres;

public sealed class PostgresStartupTests
{
    [Fact]
    public async Task Ten_processes_migrating_an_empty_database_at_once_apply_each_step_once()
    {
        await using var schema = new TestSchema();
        var connectionString = await TestPostgres.ConnectionStringAsync();
        var stores = Enumerable.Range(0, 10).Select(_ =>
        {
            var db = PostgresSchema.CreateDataSource(connectionString, new PostgresSchema(schema.Name));
            return (Db: db, Store: new PostgresJobStore(db, new PostgresSchema(schema.Name), TimeProvider.System));
        }).ToList();
        try
        {
            await Task.WhenAll(stores.Select(s => s.Store.MigrateAsync(default)));

            Assert.All(await Task.WhenAll(stores.Select(s => s.Store.PingAsync(default))), Assert.True);
            await using var command = stores[0].Db.CreateCommand("SELECT count(*) FROM schema_migrations");
            Assert.Equal(PostgresMigrations.Latest, Convert.ToInt32(await command.ExecuteScalarAsync()));
        }
        finally
        {
            foreach (var (db, _) in stores)
            {
                await db.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task BOOMERANG_POSTGRES_alone_puts_the_server_on_postgresql()
    {
        using var folder = new TempFolder();
        await using var schema = new TestSchema();
        var connectionString = await TestPostgres.ConnectionStringAsync();
        await using var server = await ServerProcess.StartReadyAsync(folder.Path,
            new Dictionary<string, string> { ["Boomerang:Auth:ApiKeys:0"] = TestServer.KeyA, ["Boomerang:Storage:Postgres:Schema"] = schema.Name },
            new Dictionary<string, string> { ["BOOMERANG_POSTGRES"] = connectionString });
        using var client = server.CreateClient();

        var job = await client.SubmitAsync(new { kind = "echo", input = 3 });
        await client.WaitForStatusAsync(job.JobId, JobStatus.Completed);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT status FROM \"{schema.Name}\".jobs WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", job.JobId);
        Assert.Equal(JobStatus.Completed, await command.ExecuteScalarAsync());
        Assert.False(File.Exists(Path.Combine(folder.Path, "data", "boomerang.db")));
    }

    [Fact]
    public async Task Provider_postgres_without_a_connection_string_stops_with_a_message_naming_the_setting()
    {
        using var folder = new TempFolder();
        await using var server = ServerProcess.Start(folder.Path, new Dictionary<string, string>
        {
            ["Boomerang:Auth:ApiKeys:0"] = TestServer.KeyA,
            ["Boomerang:Storage:Provider"] = "postgres",
        });

        Assert.Equal(2, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Boomerang:Storage:Postgres:ConnectionString", server.Stderr);
    }

    [Fact]
    public async Task A_database_that_never_comes_up_stops_the_process_after_the_startup_wait_with_a_message()
    {
        using var folder = new TempFolder();
        // Nothing listens there: no server the tests start is given it, and the system gives it to no connection.
        var port = FreePorts.Next();
        await using var server = ServerProcess.Start(folder.Path, new Dictionary<string, string>
        {
            ["Boomerang:Auth:ApiKeys:0"] = TestServer.KeyA,
            ["Boomerang:Storage:Postgres:ConnectionString"] = $"Host=127.0.0.1;Port={port};Username=postgres",
            ["Boomerang:Storage:Postgres:StartupWaitSeconds"] = "1",
        });

        Assert.Equal(3, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("the store could not be reached at start", server.Stderr);
    }
}
