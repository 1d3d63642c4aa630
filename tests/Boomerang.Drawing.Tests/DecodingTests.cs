using System.Diagnostics;
using Boomerang.Drawing.Decoding;
using SkiaSharp;

namespace Boomerang.Drawing.Tests;

public sealed class DecodingTests
{
    private static readonly DrawingDecoder Decoder = new(new DrawingLimits());

    private static Task<DecodedDrawing> Decode(byte[] bytes, string name = "x") => Decoder.DecodeAsync(bytes, name, CancellationToken.None);

    private static void AssertLooksLikePage(GrayImage image, int width, int height)
    {
        Assert.Equal(width, image.Width);
        Assert.Equal(height, image.Height);
        Assert.True(image.Pixels[(height / 2) * width + width / 4] < 60, "the filled rectangle reads as ink");
        Assert.True(image.Pixels[(height / 2) * width + width * 3 / 4] > 200, "the right half reads as paper");
    }

    public static TheoryData<string> RasterFormats => ["png", "jpeg", "webp", "bmp", "gif"];

    [Theory]
    [MemberData(nameof(RasterFormats))]
    public async Task Each_raster_format_decodes_to_the_drawn_page(string format)
    {
        using var page = TestImages.Page();
        var bytes = format switch
        {
            "png" => TestImages.Png(page),
            "jpeg" => TestImages.Encode(page, SKEncodedImageFormat.Jpeg, 90),
            "webp" => TestImages.Encode(page, SKEncodedImageFormat.Webp, 90),
            "bmp" => TestImages.Bmp(page),
            _ => TestImages.Gif(page),
        };
        var decoded = await Decode(bytes);
        Assert.Equal(format switch { "png" => DrawingFormat.Png, "jpeg" => DrawingFormat.Jpeg, "webp" => DrawingFormat.WebP, "bmp" => DrawingFormat.Bmp, _ => DrawingFormat.Gif }, decoded.Format);
        AssertLooksLikePage(decoded.Image, 400, 300);
    }

    [Fact]
    public async Task A_pdf_first_page_is_rasterised_by_pdftoppm()
    {
        using var page = TestImages.Page();
        var decoded = await Decode(TestImages.Pdf(page), "a.pdf");
        Assert.Equal(DrawingFormat.Pdf, decoded.Format);
        var img = decoded.Image;
        Assert.True(img.Width > 100 && img.Height > 100);
        Assert.True(img.Pixels[(img.Height / 2) * img.Width + img.Width / 4] < 80);
        Assert.True(img.Pixels[(img.Height / 2) * img.Width + img.Width * 3 / 4] > 200);
    }

    [Fact]
    public async Task A_pdf_without_pdftoppm_installed_is_415_naming_the_package()
    {
        var decoder = new DrawingDecoder(new DrawingLimits { PdftoppmPath = "/nonexistent/pdftoppm" });
        using var page = TestImages.Page();
        var ex = await Assert.ThrowsAsync<DrawingFileException>(() => decoder.DecodeAsync(TestImages.Pdf(page), "a.pdf", CancellationToken.None));
        Assert.Equal(415, ex.StatusCode);
        Assert.Contains("apt-get install poppler-utils", ex.Message);
    }

    [Fact]
    public async Task A_decompression_bomb_is_refused_from_its_header_without_decoding()
    {
        var ex = await Assert.ThrowsAsync<DrawingFileException>(() => Decode(TestImages.PngClaiming(29_000, 29_000)));
        Assert.Equal(413, ex.StatusCode);
        Assert.Contains("29000×29000", ex.Message);
    }

    [Fact]
    public async Task A_truncated_png_is_422()
    {
        using var page = TestImages.Page();
        var png = TestImages.Png(page);
        var ex = await Assert.ThrowsAsync<DrawingFileException>(() => Decode(png[..(png.Length / 2)]));
        Assert.Equal(422, ex.StatusCode);
    }

    [Fact]
    public async Task Unknown_bytes_are_415_and_an_empty_file_is_400()
    {
        var ex = await Assert.ThrowsAsync<DrawingFileException>(() => Decode("hello, this is not a drawing"u8.ToArray(), "a.txt"));
        Assert.Equal(415, ex.StatusCode);
        var empty = await Assert.ThrowsAsync<DrawingFileException>(() => Decode([]));
        Assert.Equal(400, empty.StatusCode);
    }

    [Fact]
    public async Task Dwg_without_a_converter_is_415_with_a_clear_message()
    {
        var ex = await Assert.ThrowsAsync<DrawingFileException>(() => Decode("AC1032\0\0\0\0\0\0"u8.ToArray(), "a.dwg"));
        Assert.Equal(415, ex.StatusCode);
        Assert.Contains("DWG", ex.Message);
    }

    [Fact]
    public async Task A_converter_that_hangs_is_killed_at_the_timeout_and_the_file_refused()
    {
        var decoder = new DrawingDecoder(new DrawingLimits { DwgConverter = "sleep 60", ConverterTimeout = TimeSpan.FromSeconds(1) });
        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<DrawingFileException>(() => decoder.DecodeAsync("AC1032\0\0\0\0\0\0"u8.ToArray(), "a.dwg", CancellationToken.None));
        Assert.Equal(422, ex.StatusCode);
        Assert.Equal("CONVERTER_TIMEOUT", ex.Code);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "the hung converter did not hold the request");
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_413()
    {
        var decoder = new DrawingDecoder(new DrawingLimits { MaxFileBytes = 100 });
        using var page = TestImages.Page();
        var ex = await Assert.ThrowsAsync<DrawingFileException>(() => decoder.DecodeAsync(TestImages.Png(page), "a.png", CancellationToken.None));
        Assert.Equal(413, ex.StatusCode);
    }
}
