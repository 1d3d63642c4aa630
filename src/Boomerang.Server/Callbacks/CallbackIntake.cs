using Boomerang.Callbacks;
using Boomerang.Server.Metrics;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Callbacks;

/// <summary>Why a submitted callback URL was refused; the API turns it into its error.</summary>
internal enum CallbackRefusal
{
    /// <summary>Callbacks are off on this server.</summary>
    Disabled,
    /// <summary>The URL breaks the callback URL policy.</summary>
    InvalidUrl,
}

/// <summary>The outcome of <see cref="CallbackIntake.CheckAsync"/>: the URL to store (or none), or why it was refused.</summary>
internal sealed record CallbackIntakeCheck(string? Url, CallbackRefusal? Refusal = null, string? Reason = null)
{
    public static CallbackIntakeCheck NoCallback { get; } = new((string?)null);
}

/// <summary>Checks a submitted callback URL (before the capacity check, as in the seed) and returns the normalised URL to store.</summary>
internal sealed class CallbackIntake(CallbackUrlPolicy policy, IHostResolver resolver, IOptions<CallbacksOptions> options,
    BoomerangMetrics metrics)
{
    /// <param name="callbackUrl">The URL as submitted.</param>
    /// <param name="batch">Checks already made for this request: a batch of jobs naming one host resolves it once, not
    /// once per job. Per request only, so a later request sees DNS changes.</param>
    /// <param name="ct">Cancels the DNS lookup.</param>
    public async Task<CallbackIntakeCheck> CheckAsync(string? callbackUrl, Dictionary<string, CallbackUrlCheck>? batch, CancellationToken ct)
    {
        if (callbackUrl is null)
        {
            return CallbackIntakeCheck.NoCallback;
        }
        if (!options.Value.Enabled)
        {
            return new(null, CallbackRefusal.Disabled, "callback_url requires Boomerang:Callbacks:Enabled=true");
        }
        if (batch is null || !batch.TryGetValue(callbackUrl, out var check))
        {
            check = await policy.CheckAsync(callbackUrl, resolver, ct).ConfigureAwait(false);
            batch?.TryAdd(callbackUrl, check);
        }
        if (!check.IsValid) { metrics.CallbackBlocked("submit"); }
        return check.IsValid ? new(check.NormalizedUrl) : new(null, CallbackRefusal.InvalidUrl, check.Error);
    }
}
