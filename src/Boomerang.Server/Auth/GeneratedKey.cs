using System.Security.Cryptography;

namespace Boomerang.Server.Auth;

/// <summary>
/// With no key configured the server does not run open: the first start makes a key and keeps it in the data folder
/// (mode 600). The console names the file, never the key.
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
        // The key itself is not printed: the console of a service ends up in its logs (journald, docker logs).
        console.WriteLine($"""

            Boomerang: no API key was configured, so one was generated and saved in {path} (readable by this user
            only). Try it:

                curl -s -H "X-API-Key: $(cat '{path}')" {baseUrl}/api/v1/jobs

            """);
        return key;
    }
}
