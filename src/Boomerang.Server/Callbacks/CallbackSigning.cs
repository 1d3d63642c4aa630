using Boomerang.Signing;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Callbacks;

/// <summary>
/// The secrets callbacks are signed with: a tenant's own (<c>Boomerang:Tenants:&lt;id&gt;:SigningSecrets</c>) or else
/// the global ones. Parsed once at start so a bad secret stops the server instead of a delivery.
/// </summary>
internal sealed class CallbackSigning
{
    private readonly IReadOnlyList<WebhookSecret> _global;
    private readonly Dictionary<string, IReadOnlyList<WebhookSecret>> _tenants;

    public CallbackSigning(IOptions<CallbacksOptions> options, IOptions<Dictionary<string, TenantSettings>> tenants)
    {
        _global = Parse(options.Value.SigningSecrets, "Boomerang:Callbacks:SigningSecrets");
        _tenants = tenants.Value.Where(t => t.Value.SigningSecrets.Count > 0).ToDictionary(
            t => t.Key, t => Parse(t.Value.SigningSecrets, $"Boomerang:Tenants:{t.Key}:SigningSecrets"), StringComparer.Ordinal);
    }

    public IReadOnlyList<WebhookSecret> SecretsFor(string tenantId) =>
        _tenants.TryGetValue(tenantId, out var own) ? own : _global;

    private static IReadOnlyList<WebhookSecret> Parse(IEnumerable<string> secrets, string setting)
    {
        try
        {
            return secrets.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => WebhookSecret.Parse(s.Trim())).ToList();
        }
        catch (ArgumentException e)
        {
            throw new OptionsValidationException(setting, typeof(CallbacksOptions), [$"{setting}: {e.Message}"]);
        }
    }
}
