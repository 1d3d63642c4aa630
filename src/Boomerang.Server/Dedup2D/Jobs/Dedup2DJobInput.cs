using System.Text.Json.Nodes;
using Boomerang.Server.Dedup2D.Search;

namespace Boomerang.Server.Dedup2D.Jobs;

/// <summary>A <c>dedup2d.search</c> job's input, shaped like the seed's job payload (§6.2): the upload by reference, never inline.</summary>
internal sealed record Dedup2DJobInput(
    string FileName,
    string ContentType,
    Dedup2DFileRef FileRef,
    JsonObject? QueryGeom,
    SearchParameters RequestParams,
    string? ForcedAsyncReason);

internal sealed record Dedup2DFileRef(string Backend, string Path);
