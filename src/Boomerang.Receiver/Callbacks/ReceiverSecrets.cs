using Boomerang.Signing;
using Microsoft.Extensions.Options;

namespace Boomerang.Receiver.Callbacks;

/// <summary>The configured secrets, parsed once (options validation has already proved they parse).</summary>
internal sealed class ReceiverSecrets(IOptions<BoomerangReceiverOptions> options)
{
    public IReadOnlyList<WebhookSecret> Keys { get; } = options.Value.Secrets.Select(WebhookSecret.Parse).ToArray();
}
