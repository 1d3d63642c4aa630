using System.Globalization;
using System.Text;

namespace Boomerang.Callbacks;

/// <summary>
/// Host names as the policy judges them: one ASCII (IDNA) form per name, so a look-alike (<c>ＬＯＣＡＬＨＯＳＴ</c>,
/// <c>ⓛⓞⓒⓐⓛⓗⓞⓢⓣ</c>) is judged as the name it becomes, and invisible characters are refused rather than guessed at.
/// </summary>
internal static class HostNames
{
    private static readonly IdnMapping Idna = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    // RFC 6761 reserves localhost and *.localhost for loopback; the rest are the loopback names Debian's /etc/hosts has.
    private static readonly string[] LoopbackNames = ["localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"];

    /// <summary>
    /// The ASCII form of a host written with non-ASCII characters: refuses format characters (soft hyphen,
    /// zero-width space/joiners, BOM), applies NFKC, then IDNA (UTS #46 mapping, STD3 rules). Null and the reason when
    /// the name cannot be a host.
    /// </summary>
    public static string? ToAscii(string host, out string? error)
    {
        error = null;
        if (host.Any(c => CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.Control))
        {
            error = "its host contains invisible characters (such as a soft hyphen or a zero-width space)";
            return null;
        }
        try
        {
            return Idna.GetAscii(host.Normalize(NormalizationForm.FormKC)).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            error = "its host is not a valid internationalised domain name";
            return null;
        }
    }

    /// <summary>True for names that always mean this machine, in any case and with or without the trailing dot.</summary>
    public static bool IsLoopbackName(string asciiHost)
    {
        var name = asciiHost.EndsWith('.') ? asciiHost[..^1] : asciiHost;
        return LoopbackNames.Contains(name, StringComparer.OrdinalIgnoreCase)
            || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
    }
}
