using System.Numerics;
using Boomerang.Drawing.Decoding;
using Boomerang.Drawing.Features;
using SkiaSharp;

namespace Boomerang.Drawing.Tests;

public sealed class FeatureTests
{
    private static readonly DrawingDecoder Decoder = new(new DrawingLimits());

    private static DrawingFeatures F(GrayImage image) => FeatureExtractor.Extract(image);

    [Fact]
    public void The_same_drawing_at_another_resolution_shift_and_line_weight_keeps_its_hashes_close_and_its_l2_high()
    {
        var doc = TestDrawings.Sheet(1);
        var original = F(TestDrawings.Render(doc));
        foreach (var variant in new[]
                 {
                     TestDrawings.Render(doc, 800, 566, 1f),
                     TestDrawings.Render(doc, scale: 0.97, shift: 0.02),
                     TestDrawings.Render(doc, stroke: 5f),
                 })
        {
            var f = F(variant);
            Assert.True(BitOperations.PopCount(f.PHash ^ original.PHash) <= 8);
            Assert.True(BitOperations.PopCount(f.DHash ^ original.DHash) <= 8);
            Assert.True(FeatureExtractor.OverlapSimilarity(f.Descriptor, original.Descriptor) > 0.95);
            Assert.True(FeatureExtractor.DescriptorSimilarity(f.Descriptor, original.Descriptor) > 0.95);
        }
    }

    [Fact]
    public async Task A_jpeg_at_quality_60_keeps_its_features()
    {
        var image = TestDrawings.Render(TestDrawings.Sheet(2));
        using var bmp = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(image.Pixels, 0, bmp.GetPixels(), image.Pixels.Length);
        var jpeg = TestImages.Encode(bmp, SKEncodedImageFormat.Jpeg, 60);
        var decoded = await Decoder.DecodeAsync(jpeg, "a.jpg", CancellationToken.None);
        var a = F(image);
        var b = F(decoded.Image);
        Assert.True(BitOperations.PopCount(a.PHash ^ b.PHash) <= 6);
        Assert.True(FeatureExtractor.OverlapSimilarity(a.Descriptor, b.Descriptor) > 0.95);
    }

    [Fact]
    public void Scan_noise_and_gray_paper_do_not_count_as_ink()
    {
        var image = TestDrawings.Render(TestDrawings.Sheet(3));
        var rng = new Random(1);
        var noisy = image.Pixels.Select(p => (byte)Math.Clamp(p * 0.85 + 25 + (rng.NextDouble() - 0.5) * 40 + (rng.NextDouble() < 0.002 ? -200 : 0), 0, 255)).ToArray();
        var a = F(image);
        var b = F(new GrayImage(image.Width, image.Height, noisy));
        Assert.True(FeatureExtractor.OverlapSimilarity(a.Descriptor, b.Descriptor) > 0.95);
        Assert.True(BitOperations.PopCount(a.PHash ^ b.PHash) <= 6);
    }

    [Fact]
    public void Different_drawings_on_the_same_frame_score_clearly_lower_than_duplicates()
    {
        var a = F(TestDrawings.Render(TestDrawings.Sheet(10)));
        var dup = F(TestDrawings.Render(TestDrawings.Sheet(10), 1000, 707, 1.5f));
        var other = F(TestDrawings.Render(TestDrawings.Sheet(11)));
        Assert.True(FeatureExtractor.OverlapSimilarity(a.Descriptor, other.Descriptor) + 0.05 < FeatureExtractor.OverlapSimilarity(a.Descriptor, dup.Descriptor));
        Assert.True(FeatureExtractor.DescriptorSimilarity(a.Descriptor, other.Descriptor) < FeatureExtractor.DescriptorSimilarity(a.Descriptor, dup.Descriptor));
    }

    [Fact]
    public void White_margins_are_trimmed_so_a_drawing_on_a_larger_page_has_the_same_features()
    {
        var image = TestDrawings.Render(TestDrawings.Sheet(4), 1000, 700);
        var big = GrayImage.White(1600, 1300);
        for (var y = 0; y < image.Height; y++) Array.Copy(image.Pixels, y * image.Width, big.Pixels, (y + 250) * 1600 + 300, image.Width);
        var a = F(image);
        var b = F(big);
        Assert.True(BitOperations.PopCount(a.PHash ^ b.PHash) <= 4);
        Assert.True(FeatureExtractor.OverlapSimilarity(a.Descriptor, b.Descriptor) > 0.97);
    }

    [Fact]
    public void Features_round_trip_through_their_storage_bytes_and_fit_in_a_kibibyte()
    {
        var f = F(TestDrawings.Render(TestDrawings.Sheet(5)));
        var bytes = f.ToBytes();
        Assert.True(bytes.Length <= 1024);
        var back = DrawingFeatures.FromBytes(bytes)!;
        Assert.Equal(f.PHash, back.PHash);
        Assert.Equal(f.DHash, back.DHash);
        Assert.Equal(f.Descriptor, back.Descriptor);
        Assert.Null(DrawingFeatures.FromBytes(bytes[..100]));
    }
}
