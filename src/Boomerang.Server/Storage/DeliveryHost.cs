namespace Boomerang.Server.Storage;

/// <summary>The destination a delivery is paced by: scheme, host and port of its URL.</summary>
internal static class DeliveryHost
{
    public static string Of(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}" : url;
}
