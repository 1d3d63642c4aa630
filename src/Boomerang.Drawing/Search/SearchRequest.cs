using Boomerang.Drawing.Decoding;
using Boomerang.Drawing.Features;

namespace Boomerang.Drawing.Search;

/// <summary>A search: the query's features (and raster, for diffs), the contract's options, and the query's file hash
/// for <c>exclude_self</c>.</summary>
public sealed record SearchRequest(
    DrawingFeatures Features,
    GrayImage? Image,
    string FileHash,
    string Mode = "balanced",
    int MaxResults = 50,
    bool ComputeDiff = false,
    bool ExcludeSelf = false,
    double DuplicateThreshold = 0.95,
    double SimilarThreshold = 0.80,
    double DecodeMilliseconds = 0);
