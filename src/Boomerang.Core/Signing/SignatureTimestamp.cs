using System.Globalization;

namespace Boomerang.Signing;

/// <summary>Unix-seconds timestamps in signature headers, and the replay window around them.</summary>
internal static class SignatureTimestamp
{
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>Digits only (no sign, no fraction, no spaces), and after 1970.</summary>
    public static bool TryParse(string? text, out long seconds) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out seconds) && seconds > 0;

    /// <summary>The tolerance to use: the given one (not negative), or 5 minutes.</summary>
    public static TimeSpan Window(TimeSpan? tolerance)
    {
        var window = tolerance ?? DefaultTolerance;
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.Zero, nameof(tolerance));
        return window;
    }

    /// <summary>Valid when |now - timestamp| is at most the window, in whole seconds.</summary>
    public static SignatureCheck Judge(long timestamp, DateTimeOffset now, TimeSpan window)
    {
        var age = (Int128)now.ToUnixTimeSeconds() - timestamp;
        var allowed = (Int128)(long)window.TotalSeconds;
        return age > allowed ? SignatureCheck.Expired
            : -age > allowed ? SignatureCheck.FutureDated
            : SignatureCheck.Valid;
    }

    public static string Format(long timestamp) =>
        timestamp > 0
            ? timestamp.ToString(CultureInfo.InvariantCulture)
            : throw new ArgumentOutOfRangeException(nameof(timestamp), timestamp, "The timestamp must be Unix seconds after 1970.");
}
