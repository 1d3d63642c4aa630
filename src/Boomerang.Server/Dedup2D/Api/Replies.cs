using Microsoft.AspNetCore.Http.HttpResults;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Boomerang.Server.Dedup2D.Engine;

namespace Boomerang.Server.Dedup2D.Api;

/// <summary>Typed answers in the seed's wire format.</summary>
internal static class Replies
{
    public static JsonHttpResult<T> Ok<T>(T value) => TypedResults.Json(value, Dedup2DJson.Options);

    public static JsonHttpResult<Dedup2DError> Error(int status, JsonNode? detail) =>
        TypedResults.Json(new Dedup2DError(detail), Dedup2DJson.Options, statusCode: status);

    public static JsonHttpResult<Dedup2DError> Error(int status, string detail) => Error(status, JsonValue.Create(detail));

    public static JsonHttpResult<Dedup2DError> Coded(int status, string error, string message) =>
        Error(status, new JsonObject { ["error"] = error, ["message"] = message });

    public static JsonHttpResult<Dedup2DError> Engine(HttpContext http, DrawingEngineException e)
    {
        if (e.RetryAfterSeconds is { } seconds)
        {
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }
        return Error(e.StatusCode is >= 400 and <= 599 ? e.StatusCode : 502, e.Detail?.DeepClone());
    }

    /// <summary>A FastAPI-style 422: <c>{"detail":[{"type","loc","msg","input"}]}</c>, the field named in <c>loc</c>.</summary>
    public static JsonHttpResult<Dedup2DError> Invalid(string where, string field, string type, string message, string? input = null) =>
        Error(422, JsonSerializer.SerializeToNode(new[] { new ValidationItem(type, [where, field], message, input) }, Dedup2DJson.Options));

    public static JsonHttpResult<Dedup2DError> Missing(string where, string field) => Invalid(where, field, "missing", "Field required");

    public static RouteHandlerBuilder Errors(this RouteHandlerBuilder route, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            route.Produces<Dedup2DError>(status);
        }
        return route;
    }
}
