using System.Text.RegularExpressions;
using Npgsql;

namespace Boomerang.Server.Storage.Postgres;

/// <summary>
/// Where one deployment lives inside a PostgreSQL database: its schema (set as the connections' search path),
/// its NOTIFY channel and its migration lock. Deployments under different schemas never see each other.
/// </summary>
internal sealed partial record PostgresSchema(string Name)
{
    /// <summary>Wake-up hints for idle workers (<c>j</c>), dispatchers (<c>d</c>) and running jobs to cancel (<c>c:&lt;id&gt;</c>).</summary>
    public string Channel => $"boomerang_{Name}";
    public string Quoted => $"\"{Name}\"";

    public static bool IsValid(string? name) => name is not null && Identifier().IsMatch(name);

    public static bool IsValidConnectionString(string connectionString)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            return false;
        }
    }

    /// <summary>A data source whose connections resolve Boomerang's tables in <paramref name="schema"/>.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString, PostgresSchema schema)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var cs = builder.ConnectionStringBuilder;
        cs.SearchPath = schema.Name;
        if (string.IsNullOrEmpty(cs.ApplicationName))
        {
            cs.ApplicationName = "boomerang";
        }
        // The same few statements run all day; prepared once per connection they skip parsing and planning.
        if (cs.MaxAutoPrepare == 0)
        {
            cs.MaxAutoPrepare = 64;
        }
        // Boomerang leaves no session state behind (transaction-level locks only), so returning a connection to the
        // pool need not reset it: that saves three statements per use.
        cs.NoResetOnClose = true;
        return builder.Build();
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,39}$")]
    private static partial Regex Identifier();
}
