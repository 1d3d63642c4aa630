namespace Boomerang.Drawing.Search;

/// <summary>Turns raw level scores into the contract's <c>similarity</c>, calibrated on the evaluation corpus
/// (bench/Boomerang.DrawingBench calibrate) so the default thresholds (duplicate 0.95, similar 0.80) separate
/// duplicates, revisions and unrelated sheets drawn on the same template.</summary>
internal static class Scoring
{
    /// <summary>Largest Hamming radius of L1 recall on either hash (chunk radius 4 in the multi-index tables).</summary>
    public const int L1Radius = 19;

    /// <summary>L1 widens its radius through these steps until it has <see cref="L2Candidates"/> candidates, so a
    /// dense index (sheets on one template hash close together) is not recalled wholesale.</summary>
    /// Each step is the largest radius for its chunk radius in the multi-index tables (⌊r/4⌋ = 1, 2, 3, 4): a radius of
    /// 11 probes exactly the buckets a radius of 8 does, and recalls more.
    public static readonly int[] L1RadiusSteps = [7, 11, 15, L1Radius];

    /// <summary>How many L1 candidates (closest first) L2 re-ranks.</summary>
    public const int L2Candidates = 200;

    // Raw L2 anchors: at or above DuplicateRaw a duplicate, at or above SimilarRaw similar. Chosen on the held-out
    // calibration corpus (`DrawingBench calibrate --drawings 1000 --queries 150`, seeds disjoint from `quality`'s):
    // duplicates p5 ≥ 0.887 (shift/scale, the hardest), revisions p15 0.839, the best-scoring indexed sheet for an
    // unrelated sheet in the same frame max 0.712.
    internal const double DuplicateRaw = 0.85;
    internal const double SimilarRaw = 0.75;

    /// <summary>Raw L2: the mean of the template-masked ink-map overlap with a one-cell tolerance and without.</summary>
    public static double L2Raw(double overlap, double strictOverlap) => 0.5 * overlap + 0.5 * strictOverlap;

    /// <summary>Piecewise-linear map of the raw L2 score onto the contract scale (monotone, 1 ↦ 1).</summary>
    public static double L2Similarity(double raw) => raw switch
    {
        >= DuplicateRaw => 0.95 + (raw - DuplicateRaw) / (1 - DuplicateRaw) * 0.05,
        >= SimilarRaw => 0.80 + (raw - SimilarRaw) / (DuplicateRaw - SimilarRaw) * 0.15,
        _ => Math.Max(0, 0.80 * raw / SimilarRaw - (SimilarRaw - raw) * 2),
    };

    /// <summary>Fast mode (L1 only): the mean Hamming distance of the two hashes, 4 bits ↦ 0.95, 16 bits ↦ 0.80.</summary>
    public static double L1Similarity(int phashDistance, int dhashDistance) =>
        Math.Max(0, 1 - (phashDistance + dhashDistance) / 2.0 / 80);
}
