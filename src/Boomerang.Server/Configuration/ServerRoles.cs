namespace Boomerang.Server.Configuration;

/// <summary>
/// What this process does (<c>Boomerang:Roles</c>, a list: <c>api,worker</c> or <c>Roles:0=api</c>, default all):
/// <c>api</c> serves the jobs API, <c>worker</c> runs jobs, <c>dispatcher</c> sends callbacks. Health and readiness
/// are always served.
/// </summary>
internal sealed record ServerRoles(bool Api, bool Worker, bool Dispatcher)
{
    public const string Key = "Boomerang:Roles";
    private static readonly string[] Known = ["api", "worker", "dispatcher"];

    public static ServerRoles From(IConfiguration configuration)
    {
        var items = ConfigList.Read(configuration.GetSection(Key));
        if (items is null || items.Count == 0)
        {
            return new ServerRoles(true, true, true);
        }
        var roles = items.Select(r => r.ToLowerInvariant()).ToHashSet();
        if (roles.Any(r => !Known.Contains(r)))
        {
            throw new BoomerangConfigurationException($"{Key} must list any of {string.Join(", ", Known)}; got '{string.Join(",", items)}'");
        }
        return new ServerRoles(roles.Contains("api"), roles.Contains("worker"), roles.Contains("dispatcher"));
    }
}
