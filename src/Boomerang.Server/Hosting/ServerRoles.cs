namespace Boomerang.Server.Hosting;

/// <summary>
/// What this process does (<c>Boomerang:Roles</c>, comma-separated, default all): <c>api</c> serves the jobs API,
/// <c>worker</c> runs jobs, <c>dispatcher</c> sends callbacks. Health and readiness are always served.
/// </summary>
internal sealed record ServerRoles(bool Api, bool Worker, bool Dispatcher)
{
    public const string Key = "Boomerang:Roles";
    private static readonly string[] Known = ["api", "worker", "dispatcher"];

    public static ServerRoles From(IConfiguration configuration)
    {
        var raw = configuration[Key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return new ServerRoles(true, true, true);
        }
        var roles = raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(r => r.ToLowerInvariant()).ToHashSet();
        if (roles.Count == 0 || roles.Any(r => !Known.Contains(r)))
        {
            throw new ArgumentException($"{Key} must list any of {string.Join(", ", Known)}; got '{raw}'");
        }
        return new ServerRoles(roles.Contains("api"), roles.Contains("worker"), roles.Contains("dispatcher"));
    }
}
