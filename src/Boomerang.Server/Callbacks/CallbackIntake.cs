using Boomerang.Callbacks;
using Boomerang.Server.Api;
using Boomerang.Server.Metrics;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Callbacks;

/// <summary>Checks a submitted callback URL (before the capacity check, as in the seed) and returns the normalised URL to store.</summary>
internal sealed class CallbackIntake(CallbackUrlPolicy policy, IHostResolver resolver, IOptions<CallbacksOptions> options,
    BoomerangMetrics metrics)
{
    public async Task<(string? Url, ApiError? Error)> CheckAsync(string? callbackUrl, CancellationToken ct)
    {
        if (callbackUrl is null)
        {
            return (null, null);
        }
        if (!options.Value.Enabled)
        {
            return (null, ApiErrors.BadRequest("CALLBACK_UNSUPPORTED", "callback_url requires Boomerang:Callbacks:Enabled=true"));
        }
        var check = await policy.CheckAsync(callbackUrl, resolver, ct).ConfigureAwait(false);
        if (!check.IsValid) { metrics.CallbackBlocked("submit"); }
        return check.IsValid ? (check.NormalizedUrl, null) : (null, ApiErrors.BadRequest("CALLBACK_URL_INVALID", check.Error!));
    }
}
