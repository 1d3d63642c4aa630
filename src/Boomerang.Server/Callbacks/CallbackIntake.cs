using System.Net;
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
    /// <summary>A resolver for the jobs of one request: each host is looked up once, whatever the path or query of each
    /// job's URL (a batch of 1,000 jobs naming one host made 1,000 lookups, one after another). Per request only, so a
    /// later request sees DNS changes.</summary>
    public IHostResolver ForOneRequest() => new OnceEachHost(resolver);

    /// <param name="callbackUrl">The URL as submitted.</param>
    /// <param name="hosts">The request's resolver (<see cref="ForOneRequest"/>), or null for the shared one.</param>
    /// <param name="ct">Cancels the DNS lookup.</param>
    public async Task<CallbackIntakeCheck> CheckAsync(string? callbackUrl, IHostResolver? hosts, CancellationToken ct)
    {
        if (callbackUrl is null)
        {
            return CallbackIntakeCheck.NoCallback;
        }
        if (!options.Value.Enabled)
        {
            return new(null, CallbackRefusal.Disabled, "callback_url requires Boomerang:Callbacks:Enabled=true");
        }
        var check = await policy.CheckAsync(callbackUrl, hosts ?? resolver, ct).ConfigureAwait(false);
        if (!check.IsValid) { metrics.CallbackBlocked("submit"); }
        return check.IsValid ? new(check.NormalizedUrl) : new(null, CallbackRefusal.InvalidUrl, check.Error);
    }

    private sealed class OnceEachHost(IHostResolver inner) : IHostResolver
    {
        private readonly Dictionary<string, Task<IPAddress[]>> _lookups = new(StringComparer.Ordinal);

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
        {
            lock (_lookups)
            {
                if (!_lookups.TryGetValue(host, out var lookup))
                {
                    _lookups[host] = lookup = inner.ResolveAsync(host, ct);
                }
                return lookup;
            }
        }
    }
}
