using Boomerang.Receiver.Tasks;
using Boomerang.Signing;

namespace Boomerang.Receiver.Hosting;

internal static class ReceiverOptionsValidation
{
    public static bool SecretsParse(BoomerangReceiverOptions o)
    {
        try
        {
            _ = o.Secrets.Select(WebhookSecret.Parse).ToList();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public static bool HasUsableBaseUrl(TaskTrackingOptions o) =>
        !o.CallbacksEnabled
        || (Uri.TryCreate(o.CallbackBaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https");
}
