using Boomerang.Drawing.Features;

namespace Boomerang.Drawing.Indexing;

/// <summary>One drawing in a tenant's index.</summary>
public sealed record IndexedDrawing(long DrawingId, string FileHash, string FileName, DrawingFeatures Features);
