namespace Boomerang.Drawing.Decoding;

/// <summary>A drawing file the engine cannot take, with the HTTP status it deserves (415 unsupported, 400/413/422 bad).</summary>
public sealed class DrawingFileException(int statusCode, string code, string message) : Exception(message)
{
    /// <summary>4xx status: 415 unsupported format, 413 too large, 422 corrupt or hostile content, 400 empty.</summary>
    public int StatusCode => statusCode;

    /// <summary>Stable machine-readable reason, e.g. <c>UNSUPPORTED_FORMAT</c>, <c>IMAGE_TOO_LARGE</c>.</summary>
    public string Code => code;

    internal static DrawingFileException Unsupported(string message) => new(415, "UNSUPPORTED_FORMAT", message);
    internal static DrawingFileException TooLarge(string message) => new(413, "FILE_TOO_LARGE", message);
    internal static DrawingFileException Corrupt(string message) => new(422, "CORRUPT_FILE", message);
}
