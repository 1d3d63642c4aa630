using System.Text.Json;
using System.Text.Json.Nodes;
using Boomerang.Server.Api;
using Boomerang.Server.Auth;
using Boomerang.Server.Dedup2D.Precision;
using Boomerang.Server.Dedup2D.Search;
using Boomerang.Server.Dedup2D.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Boomerang.Server.Dedup2D.Api;

/// <summary>Per-tenant search defaults (reference §3.4). PUT and DELETE also need the admin token.</summary>
internal static class ConfigEndpoints
{
    private static readonly string[] Modes = ["fast", "balanced", "precise"];
    private static readonly string[] Profiles = ["strict", "version"];

    public static void MapDedup2DConfig(this RouteGroupBuilder group)
    {
        group.MapGet("/config", GetAsync).Errors(401);
        group.MapPut("/config", PutAsync).JsonBodyOf<Dedup2DTenantConfig>().RequireAdminToken().Errors(400, 401, 403, 422);
        group.MapDelete("/config", DeleteAsync).RequireAdminToken().Errors(401, 403);
    }

    private static async Task<JsonHttpResult<Dedup2DTenantConfigResponse>> GetAsync(HttpContext http, Dedup2DStore store, CancellationToken ct)
    {
        var tenant = ApiKeyFilter.TenantOf(http);
        return Replies.Ok(new Dedup2DTenantConfigResponse(tenant, await store.GetConfigAsync(tenant, ct)));
    }

    private static async Task<JsonHttpResult<Dedup2DTenantConfigResponse>> DeleteAsync(HttpContext http, Dedup2DStore store, CancellationToken ct)
    {
        var tenant = ApiKeyFilter.TenantOf(http);
        await store.DeleteConfigAsync(tenant, ct);
        return Replies.Ok(new Dedup2DTenantConfigResponse(tenant, new JsonObject()));
    }

    private static async Task<Results<JsonHttpResult<Dedup2DTenantConfigResponse>, JsonHttpResult<Dedup2DError>>> PutAsync(
        HttpContext http, Dedup2DStore store, CancellationToken ct)
    {
        // FastAPI read a body of another content type as no object at all.
        if (JsonBody.IsNotJson(http.Request))
        {
            return NotAnObject();
        }
        byte[] bytes;
        using (var buffer = new MemoryStream())
        {
            await http.Request.Body.CopyToAsync(buffer, ct);
            bytes = buffer.ToArray();
        }
        JsonNode? body;
        try
        {
            // The project's text rule first (invalid UTF-8, a lone surrogate escape), naming the field in the message.
            if (JsonTextRule.FindViolation(bytes) is { } violation)
            {
                return Replies.Invalid("body", "", "string_unicode", violation);
            }
            body = JsonNode.Parse(bytes);
        }
        catch (JsonException e)
        {
            return Replies.Invalid("body", "", "json_invalid", $"JSON decode error: {e.Message}");
        }
        if (body is not JsonObject input)
        {
            return NotAnObject();
        }
        var config = new JsonObject();
        foreach (var field in new[] { "preset", "mode", "precision_profile", "version_gate" })
        {
            if (input[field] is null)
            {
                continue;
            }
            if (input[field]!.GetValueKind() != JsonValueKind.String)
            {
                return Replies.Invalid("body", field, "string_type", "Input should be a valid string");
            }
            config[field] = input[field]!.GetValue<string>();
        }
        if (Int(input, "precision_top_n", 1, out var topNError) is { } topN) { config["precision_top_n"] = topN; }
        if (topNError is not null) { return topNError; }
        foreach (var (field, max) in new[] { ("precision_visual_weight", double.PositiveInfinity), ("precision_geom_weight", double.PositiveInfinity),
            ("duplicate_threshold", 1.0), ("similar_threshold", 1.0) })
        {
            if (input[field] is null)
            {
                continue;
            }
            if (input[field] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue<double>(out var d)
                || !double.IsFinite(d))
            {
                return Replies.Invalid("body", field, "float_type", "Input should be a valid number");
            }
            if (d < 0 || d > max)
            {
                return Replies.Invalid("body", field, max == 1.0 ? "less_than_equal" : "greater_than_equal",
                    max == 1.0 ? "Input should be between 0 and 1" : "Input should be greater than or equal to 0");
            }
            config[field] = d;
        }
        if (config["similar_threshold"] is { } sim && config["duplicate_threshold"] is { } dup && sim.GetValue<double>() > dup.GetValue<double>())
        {
            return Replies.Invalid("body", "similar_threshold", "value_error", "Value error, similar_threshold must be <= duplicate_threshold");
        }
        if (config["version_gate"] is { } gate)
        {
            var g = gate.GetValue<string>().Trim().ToLowerInvariant();
            if (!VersionGate.Modes.Contains(g))
            {
                return Replies.Invalid("body", "version_gate", "value_error", "Value error, version_gate must be one of off, auto, file_name, meta");
            }
            config["version_gate"] = g;
        }
        if (config["preset"] is { } preset)
        {
            var raw = preset.GetValue<string>();
            if (Presets.Normalize(raw) is not { } name || !Presets.All.ContainsKey(name))
            {
                return Replies.Error(400, $"Unknown preset: {raw}");
            }
            config["preset"] = name;
        }
        if (config["mode"] is { } mode && !Modes.Contains(mode.GetValue<string>()))
        {
            return Replies.Error(400, $"Invalid mode: {mode.GetValue<string>()}");
        }
        if (config["precision_profile"] is { } profile && !Profiles.Contains(profile.GetValue<string>()))
        {
            return Replies.Error(400, $"Invalid precision_profile: {profile.GetValue<string>()}");
        }
        var tenant = ApiKeyFilter.TenantOf(http);
        await store.PutConfigAsync(tenant, config, ct);
        return Replies.Ok(new Dedup2DTenantConfigResponse(tenant, config));
    }

    private static int? Int(JsonObject input, string field, int min, out JsonHttpResult<Dedup2DError>? error)
    {
        error = null;
        if (input[field] is null)
        {
            return null;
        }
        if (input[field] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue<int>(out var n))
        {
            error = Replies.Invalid("body", field, "int_type", "Input should be a valid integer");
            return null;
        }
        if (n < min)
        {
            error = Replies.Invalid("body", field, "greater_than_equal", $"Input should be greater than or equal to {min}");
            return null;
        }
        return n;
    }

    private static JsonHttpResult<Dedup2DError> NotAnObject() =>
        Replies.Invalid("body", "", "model_attributes_type", "Input should be a valid dictionary or object to extract fields from");
}
