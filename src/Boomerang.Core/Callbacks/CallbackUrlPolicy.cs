using System.Collections.Concurrent;
using System.Net;

namespace Boomerang.Callbacks;

/// <summary>
/// Decides which callback URLs a job may name (at submit) and which addresses the callback client may
/// connect to (at connect time, after DNS, so a name that later resolves to a private address is still caught).
/// </summary>
/// <param name="options">The settings; read once, here. Bad allowlist or network entries throw <see cref="ArgumentException"/>.</param>
public sealed class CallbackUrlPolicy(CallbackUrlPolicyOptions options)
{
    private const string PrivateNetwork = "callback_url hostname resolves to private network";

    private readonly CallbackUrlPolicyOptions _options = Copy(options);
    private readonly HostAllowlist _allowlist = new(options.Allowlist);
    private readonly IpNetwork[] _allowedNetworks = ParseNetworks(options.AllowedNetworks);

    // Judgements of recent URLs. A judgement depends only on the URL and this policy's settings, which never change, and
    // the same URL is judged over and over (every job of a batch at submit, every attempt at send), so it is kept rather
    // than parsed again. Bounded: at MemoSize entries the memo starts over; long URLs are not kept.
    private const int MemoSize = 4096;
    private const int MemoUrlLength = 512;
    private readonly ConcurrentDictionary<string, (CallbackUrlTarget? Target, string? Error)> _memo = new(StringComparer.Ordinal);

    /// <summary>
    /// Checks <paramref name="url"/> without DNS: scheme, userinfo, host, allowlist, and for IP literals
    /// (in any numeric form) the private-network block. Host names pass; the connect-time check catches them.
    /// </summary>
    public CallbackUrlCheck Check(string? url)
    {
        var target = Judge(url, out var error);
        return target is null ? CallbackUrlCheck.Invalid(error!) : CallbackUrlCheck.Valid(target.NormalizedUrl);
    }

    /// <summary>
    /// Like <see cref="Check"/>, and when <see cref="CallbackUrlPolicyOptions.ResolveDns"/> and
    /// <see cref="CallbackUrlPolicyOptions.BlockPrivateNetworks"/> are on, also resolves a host name and
    /// rejects it when any of its addresses is blocked.
    /// </summary>
    public async Task<CallbackUrlCheck> CheckAsync(string? url, IHostResolver resolver, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        var target = Judge(url, out var error);
        if (target is null)
        {
            return CallbackUrlCheck.Invalid(error!);
        }

        if (!_options.BlockPrivateNetworks || !_options.ResolveDns || target.Addresses.Count != 0)
        {
            return CallbackUrlCheck.Valid(target.NormalizedUrl);
        }

        IPAddress[] resolved;
        try
        {
            resolved = await resolver.ResolveAsync(target.Host, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return CallbackUrlCheck.Invalid($"callback_url DNS resolution failed: {ex.Message}");
        }

        if (resolved is null || resolved.Length == 0)
        {
            return CallbackUrlCheck.Invalid("callback_url DNS resolution failed: no addresses");
        }

        return Array.TrueForAll(resolved, IsAddressAllowed)
            ? CallbackUrlCheck.Valid(target.NormalizedUrl)
            : CallbackUrlCheck.Invalid(PrivateNetwork);
    }

    /// <summary>
    /// The connect-time check: false when private networks are blocked, <paramref name="address"/> is
    /// blocked (<see cref="IpClassifier.IsBlocked"/>) and it is not inside an allowed network.
    /// </summary>
    public bool IsAddressAllowed(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return !_options.BlockPrivateNetworks ||
               !IpClassifier.IsBlocked(address) ||
               Array.Exists(_allowedNetworks, n => n.Contains(address));
    }

    private CallbackUrlTarget? Judge(string? url, out string? error)
    {
        if (url is null || url.Length > MemoUrlLength)
        {
            return JudgeNow(url, out error);
        }
        if (!_memo.TryGetValue(url, out var judged))
        {
            judged.Target = JudgeNow(url, out judged.Error);
            if (_memo.Count >= MemoSize)
            {
                _memo.Clear();
            }
            _memo[url] = judged;
        }
        error = judged.Error;
        return judged.Target;
    }

    private CallbackUrlTarget? JudgeNow(string? url, out string? error)
    {
        var target = CallbackUrlTarget.Read(url, _options.AllowHttp, out error);
        if (target is null)
        {
            return null;
        }

        if (!_allowlist.IsEmpty && !_allowlist.Matches(target.Host))
        {
            error = "callback_url hostname not in allowlist";
            return null;
        }

        if (!target.Addresses.All(IsAddressAllowed))
        {
            error = PrivateNetwork;
            return null;
        }

        // RFC 6761: these names mean loopback, and resolvers answer them so; judged as loopback without asking DNS.
        if (target.IsLoopbackName && !IsAddressAllowed(IPAddress.Loopback) && !IsAddressAllowed(IPAddress.IPv6Loopback))
        {
            error = "callback_url hostname is a name for this machine (loopback), which is blocked";
            return null;
        }

        return target;
    }

    private static CallbackUrlPolicyOptions Copy(CallbackUrlPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new CallbackUrlPolicyOptions
        {
            AllowHttp = options.AllowHttp,
            BlockPrivateNetworks = options.BlockPrivateNetworks,
            ResolveDns = options.ResolveDns,
        };
    }

    private static IpNetwork[] ParseNetworks(IEnumerable<string> networks)
    {
        var parsed = new List<IpNetwork>();
        foreach (var text in networks.Where(n => !string.IsNullOrWhiteSpace(n)))
        {
            try
            {
                parsed.Add(IpNetwork.Parse(text.Trim()));
            }
            catch (FormatException ex)
            {
                throw new ArgumentException($"AllowedNetworks entry {ex.Message}", nameof(networks), ex);
            }
        }

        return [.. parsed];
    }
}
