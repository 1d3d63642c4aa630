using System.Diagnostics;

namespace Boomerang.Drawing.Tests;

/// <summary>Runs a Python script with Debian's python3-ezdxf to write reference DXF files (scripts/test.sh installs it).</summary>
internal static class Ezdxf
{
    public static void Run(string script)
    {
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var psi = new ProcessStartInfo(python) { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-");
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(script.Replace("\r", "", StringComparison.Ordinal));
        p.StandardInput.Close();
        var err = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException("python3 ezdxf script hung"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"ezdxf script failed (apt-get install python3-ezdxf): {err}");
    }
}
