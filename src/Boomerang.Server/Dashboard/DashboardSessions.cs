using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Boomerang.Server.Dashboard;

/// <summary>Who is signed in: one tenant (an API key) or every tenant (the admin token).</summary>
internal sealed record DashboardSession(string Id, string? TenantId, DateTimeOffset Created)
{
    public bool IsAdmin => TenantId is null;
    public DateTimeOffset LastSeen { get; set; } = Created;

    /// <summary>True when this session may see the job.</summary>
    public bool CanSee(string jobTenant) => IsAdmin || jobTenant == TenantId;
}

/// <summary>
/// Dashboard sessions, kept in this process: the cookie holds only a random 256-bit id, never a key. A session ends
/// after 30 idle minutes, 12 hours in all, at sign-out, or when the process restarts.
/// </summary>
internal sealed class DashboardSessions(TimeProvider time)
{
    public const string CookieName = "boomerang_dashboard";
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(12);

    private readonly ConcurrentDictionary<string, DashboardSession> _sessions = new(StringComparer.Ordinal);

    public DashboardSession Create(string? tenantId)
    {
        var now = time.GetUtcNow();
        foreach (var stale in _sessions.Values.Where(s => Expired(s, now)))
        {
            _sessions.TryRemove(stale.Id, out _);
        }
        var session = new DashboardSession(Base64Url(RandomNumberGenerator.GetBytes(32)), tenantId, now);
        _sessions[session.Id] = session;
        return session;
    }

    public DashboardSession? Find(HttpContext http)
    {
        if (http.Request.Cookies[CookieName] is not { Length: > 0 } id || !_sessions.TryGetValue(id, out var session))
        {
            return null;
        }
        var now = time.GetUtcNow();
        if (Expired(session, now))
        {
            _sessions.TryRemove(id, out _);
            return null;
        }
        session.LastSeen = now;
        return session;
    }

    public void End(HttpContext http)
    {
        if (http.Request.Cookies[CookieName] is { } id)
        {
            _sessions.TryRemove(id, out _);
        }
        http.Response.Cookies.Delete(CookieName, Options(http));
    }

    public static void SetCookie(HttpContext http, DashboardSession session) =>
        http.Response.Cookies.Append(CookieName, session.Id, Options(http));

    private static CookieOptions Options(HttpContext http) => new()
    {
        HttpOnly = true,
        Secure = http.Request.IsHttps,
        SameSite = SameSiteMode.Strict,
        Path = DashboardEndpoints.Root,
        IsEssential = true,
    };

    private static bool Expired(DashboardSession s, DateTimeOffset now) => now - s.LastSeen > IdleTimeout || now - s.Created > MaxAge;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
