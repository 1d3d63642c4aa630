namespace Boomerang.Server.Hosting;

/// <summary><c>--help</c>: what the server takes and how it ends, printed instead of starting.</summary>
internal static class Usage
{
    public static bool IsRequested(IEnumerable<string> args) =>
        args.Any(a => a is "--help" or "-h" or "-?" or "/?" or "/h" or "help");

    public const string Text = """
        Boomerang: an async job service that calls you back.

        Usage: Boomerang.Server [--setting=value ...]

        Every setting can be given on the command line (--Boomerang:Jobs:Concurrency=32), in appsettings.json, or as an
        environment variable (Boomerang__Jobs__Concurrency=32). Lists take either form: Boomerang__Roles=api,worker or
        Boomerang__Roles__0=api. An unknown key under Boomerang: stops the process.

        Common settings:
          --urls=http://127.0.0.1:8080                  where to listen
          --Boomerang:Roles=api,worker,dispatcher       what this process does
          --Boomerang:Auth:ApiKeys=key1,key2            accepted API keys (env API_KEYS); none: one is generated
          --Boomerang:Auth:AdminToken=...               admin token (env ADMIN_TOKEN); none: admin features off
          --Boomerang:Storage:Sqlite:Path=data/boomerang.db
          --Boomerang:Storage:Postgres:ConnectionString=...   (env BOOMERANG_POSTGRES) use PostgreSQL
          --Boomerang:Callbacks:SigningSecrets=whsec_...      callback signing secrets

        The full table is in README.md, section Configuration.

        Exit codes: 0 stopped normally (or --help); 2 invalid configuration; 3 store unreachable at start;
        4 the listening address is in use.

        """;
}
