namespace Boomerang.Drawing.Decoding;

/// <summary>Runs the configured DWG→DXF command (<c>{input}</c>/<c>{output}</c> placeholders) with the converter timeout.</summary>
internal static class DwgConverter
{
    public static async Task<byte[]> ConvertAsync(ReadOnlyMemory<byte> bytes, DrawingLimits limits, CancellationToken ct)
    {
        var parts = limits.DwgConverter!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var dir = Directory.CreateTempSubdirectory("boomerang-dwg-");
        try
        {
            var input = Path.Combine(dir.FullName, "in.dwg");
            var output = Path.Combine(dir.FullName, "out.dxf");
            await File.WriteAllBytesAsync(input, bytes.ToArray(), ct).ConfigureAwait(false);
            var args = parts.Skip(1).Select(a => a.Replace("{input}", input, StringComparison.Ordinal).Replace("{output}", output, StringComparison.Ordinal)).ToList();
            await ExternalConverter.RunAsync(parts[0], args, limits.ConverterTimeout,
                $"The configured DWG converter '{parts[0]}' cannot be started.", ct).ConfigureAwait(false);
            if (!File.Exists(output)) throw DrawingFileException.Corrupt("The DWG converter produced no DXF.");
            var info = new FileInfo(output);
            if (info.Length > limits.MaxFileBytes) throw DrawingFileException.TooLarge("The converted DXF exceeds the file size limit.");
            return await File.ReadAllBytesAsync(output, ct).ConfigureAwait(false);
        }
        finally
        {
            try { dir.Delete(recursive: true); } catch (IOException) { }
        }
    }
}
