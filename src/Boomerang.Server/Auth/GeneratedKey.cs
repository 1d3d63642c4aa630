using System.Security.Cryptography;

namespace Boomerang.Server.Auth;

/// <summary>
/// With no key configured the server does not run open: the first start makes a key, keeps it in the data
/// folder (mode 600), and prints it once to the console, never to the log.
/// </summary>
internal static class GeneratedKey
{
    public const string FileName = "api-key";

    public static string LoadOrCreate(string dataDirectory, string baseUrl, TextWriter console)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            if (existing.Length > 0)
            {
                console.WriteLine($"Boomerang: using the API key generated earlier, kept in {path}");
                return existing;
            }
        }
        Directory.CreateDirectory(dataDirectory);
        var key = "bk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var file = new StreamWriter(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
        {
            file.WriteLine(key);
        }
        console.WriteLine($"""

            Boomerang: no API key was configured, so one was generated and saved in {path}.
            It is shown this once:

                {key}

            Try it:

                curl -s -H 'X-API-Key: {key}' {baseUrl}/api/v1/jobs

            """);
        return key;
    }
}
