using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Boomerang.Server.Dedup2D.Api;

internal static class MultipartDoc
{
    /// <summary>
    /// Describes a multipart body in the OpenAPI document without <c>Accepts</c> metadata, which would make routing answer
    /// a bare 415 to other content types; the handler answers those with the seed's 422 naming the missing field.
    /// </summary>
    public static RouteHandlerBuilder MultipartBody(this RouteHandlerBuilder route, string[] files, string[] required, params string[] fields) =>
        route.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            var properties = new Dictionary<string, IOpenApiSchema>();
            foreach (var file in files)
            {
                properties[file] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
            }
            foreach (var field in fields)
            {
                properties[field] = new OpenApiSchema { Type = JsonSchemaType.String };
            }
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["multipart/form-data"] = new()
                    {
                        Schema = new OpenApiSchema { Type = JsonSchemaType.Object, Properties = properties, Required = new HashSet<string>(required) },
                    },
                },
            };
            return Task.CompletedTask;
        });

    /// <summary>
    /// Describes a JSON body of type <typeparamref name="T"/> the same way, without <c>Accepts</c>: the handler answers
    /// another content type with the seed's 422, as FastAPI did.
    /// </summary>
    public static RouteHandlerBuilder JsonBodyOf<T>(this RouteHandlerBuilder route) =>
        route.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(T), null, ct) },
                },
            };
        });
}
