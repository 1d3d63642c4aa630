using System.Text.RegularExpressions;

namespace Boomerang.Server.Auth;

/// <summary>The rules for <c>Boomerang:Auth:Tenants:&lt;name&gt;</c>.</summary>
internal static partial class NamedTenants
{
    public const string NameRule = "Boomerang:Auth:Tenants:<name>: a name is 1..64 of a-z, 0-9, '-', '_' starting with a letter or digit, "
        + "and not 16 hex digits (those are the tenant ids derived from plain keys)";

    public static bool IsValidName(string name) => ValidName().IsMatch(name) && !DerivedTenantId().IsMatch(name);

    /// <summary>The first key listed twice, or null (never shown: it is a secret).</summary>
    public static string? RepeatedKey(AuthOptions options) =>
        options.ApiKeys.Concat(options.Tenants.Values.SelectMany(t => t.Keys)).Select(k => k.Trim())
            .GroupBy(k => k, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex ValidName();

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex DerivedTenantId();
}
