using System.ComponentModel;
using System.Diagnostics;

namespace Boomerang.Drawing.Decoding;

/// <summary>Runs a converter (pdftoppm, a DWG converter) as a child process with a timeout; on timeout the whole
/// process tree is killed and the upload refused.</summary>
internal static class ExternalConverter
{
    public static async Task RunAsync(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, string missingHint,
        CancellationToken ct)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw DrawingFileException.Unsupported(missingHint);
        }
        catch (Win32Exception)
        {
            throw DrawingFileException.Unsupported(missingHint);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync(ct);
            _ = process.StandardOutput.ReadToEndAsync(ct);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                ct.ThrowIfCancellationRequested();
                throw new DrawingFileException(422, "CONVERTER_TIMEOUT",
                    $"{Path.GetFileName(fileName)} did not finish within {timeout.TotalSeconds:0.#} s; the file was refused.");
            }
            if (process.ExitCode != 0)
            {
                var text = (await stderr.ConfigureAwait(false)).Trim();
                if (text.Length > 300) text = text[..300];
                throw DrawingFileException.Corrupt($"{Path.GetFileName(fileName)} could not convert the file (exit {process.ExitCode}): {text}");
            }
        }
    }
}
