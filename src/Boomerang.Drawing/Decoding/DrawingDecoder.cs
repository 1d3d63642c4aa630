using Boomerang.Drawing.Dxf;

namespace Boomerang.Drawing.Decoding;

/// <summary>Entry point for uploads: detects the format from the bytes and decodes within <see cref="DrawingLimits"/>.
/// Every refusal is a <see cref="DrawingFileException"/> with a 4xx status.</summary>
public sealed class DrawingDecoder(DrawingLimits limits)
{
    /// <summary>The limits this decoder applies.</summary>
    public DrawingLimits Limits => limits;

    /// <summary>Decodes an upload to a raster (and DXF model for DXF/DWG).</summary>
    public async Task<DecodedDrawing> DecodeAsync(ReadOnlyMemory<byte> bytes, string? fileName, CancellationToken ct)
    {
        if (bytes.Length == 0) throw new DrawingFileException(400, "EMPTY_FILE", "Empty file.");
        if (bytes.Length > limits.MaxFileBytes)
            throw DrawingFileException.TooLarge($"The file is {bytes.Length:N0} bytes; the limit is {limits.MaxFileBytes:N0}.");
        var format = DrawingFormatSniffer.Detect(bytes.Span, fileName);
        switch (format)
        {
            case DrawingFormat.Png or DrawingFormat.Jpeg or DrawingFormat.WebP or DrawingFormat.Bmp or DrawingFormat.Gif:
                return new DecodedDrawing(format, RasterDecoder.Decode(bytes.Span, limits), null);
            case DrawingFormat.Pdf:
                return new DecodedDrawing(format, await PdfRasterizer.RasterizeAsync(bytes, limits, ct).ConfigureAwait(false), null);
            case DrawingFormat.Dxf:
                return FromDxf(format, DxfReader.Read(bytes.Span, limits));
            case DrawingFormat.BinaryDxf:
                return FromDxf(format, DxfReader.Read(BinaryDxfReader.ToAscii(bytes.Span, limits), limits));
            case DrawingFormat.Dwg:
                if (string.IsNullOrWhiteSpace(limits.DwgConverter))
                    throw DrawingFileException.Unsupported(
                        "DWG is a proprietary format the built-in engine cannot read; upload a DXF, PDF or image, or configure a DWG converter.");
                return FromDxf(format, DxfReader.Read(await DwgConverter.ConvertAsync(bytes, limits, ct).ConfigureAwait(false), limits));
            default:
                throw DrawingFileException.Unsupported("Unsupported file format: expected PNG, JPEG, WebP, BMP, GIF, PDF or DXF.");
        }
    }

    /// <summary>Parses a DXF without rendering it (geometry export).</summary>
    public DxfDocument ReadDxf(ReadOnlySpan<byte> bytes) =>
        DxfReader.Read(BinaryDxfReader.IsBinary(bytes) ? BinaryDxfReader.ToAscii(bytes, limits) : bytes, limits);

    private DecodedDrawing FromDxf(DrawingFormat format, DxfDocument doc) =>
        new(format, DxfRenderer.Render(doc, limits, limits.DxfRenderSize), doc);
}
