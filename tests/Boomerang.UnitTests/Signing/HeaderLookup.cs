namespace Boomerang.UnitTests.Signing;

internal static class HeaderLookup
{
    /// <summary>A receiver's header lookup over a dictionary; case-insensitive when the dictionary is.</summary>
    public static Func<string, string?> Lookup(Dictionary<string, string> headers) =>
        name => headers.TryGetValue(name, out var value) ? value : null;
}
