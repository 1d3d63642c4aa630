namespace Boomerang.Drawing.Decoding;

/// <summary>The first page of a PDF, rasterised by poppler's <c>pdftoppm</c> to a PNG and decoded like any raster.</summary>
internal static class PdfRasterizer
{
    public const string MissingHint =
        "PDF drawings need poppler's pdftoppm, which is not installed: apt-get install poppler-utils (or set the pdftoppm path).";

    public static async Task<GrayImage> RasterizeAsync(ReadOnlyMemory<byte> bytes, DrawingLimits limits, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("boomerang-pdf-");
        try
        {
            var input = Path.Combine(dir.FullName, "in.pdf");
            await File.WriteAllBytesAsync(input, bytes.ToArray(), ct).ConfigureAwait(false);
            var outputStem = Path.Combine(dir.FullName, "page");
            string[] args =
            [
                "-f", "1", "-l", "1", "-singlefile", "-png", "-gray",
                "-r", limits.PdfDpi.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-scale-to", limits.PdfMaxSide.ToString(System.Globalization.CultureInfo.InvariantCulture),
                input, outputStem,
            ];
            await ExternalConverter.RunAsync(limits.PdftoppmPath, args, limits.ConverterTimeout, MissingHint, ct).ConfigureAwait(false);
            var png = outputStem + ".png";
            if (!File.Exists(png)) throw DrawingFileException.Corrupt("The PDF has no page that could be rendered.");
            return RasterDecoder.Decode(await File.ReadAllBytesAsync(png, ct).ConfigureAwait(false), limits);
        }
        finally
        {
            try { dir.Delete(recursive: true); } catch (IOException) { }
        }
    }
}
