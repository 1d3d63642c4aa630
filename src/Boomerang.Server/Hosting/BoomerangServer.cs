using Boomerang.Callbacks;
using Boomerang.Server.Api;
using Boomerang.Server.Callbacks;
using Boomerang.Server.Dedup2D;
using Boomerang.Server.Auth;
using Boomerang.Server.Storage;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Hosting;

/// <summary>Builds the Boomerang web application; <c>Program</c> and the integration tests both use it.</summary>
public static class BoomerangServer
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddSeedAliases(Environment.GetEnvironmentVariable);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
            kestrel.Limits.MaxRequestBodySize = context.Configuration.GetSection(ApiOptions.Section).Get<ApiOptions>()?.MaxBodyBytes
                ?? new ApiOptions().MaxBodyBytes);
        var roles = ServerRoles.From(builder.Configuration);
        builder.Services.AddBoomerangServer(builder.Configuration, roles);
        builder.Services.AddSingleton(sp => CreateKeyRing(sp, builder.Configuration));
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseMiddleware<ErrorHandling>();
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).WithTags("Health");
        app.MapGet("/readyz", ReadyAsync).WithTags("Health");
        app.MapOpenApi();
        if (roles.Api)
        {
            app.MapJobsApi().MapDeliveriesApi();
            app.MapDedup2D();
        }
        // Fail at start, not on the first request or delivery: keys, signing secrets, the callback URL policy.
        _ = app.Services.GetRequiredService<ApiKeyRing>();
        _ = app.Services.GetRequiredService<CallbackSigning>();
        _ = app.Services.GetRequiredService<CallbackUrlPolicy>();
        return app;
    }

    private static ApiKeyRing CreateKeyRing(IServiceProvider sp, IConfiguration configuration)
    {
        var keys = sp.GetRequiredService<IOptions<AuthOptions>>().Value.ApiKeys;
        if (keys.Count > 0)
        {
            return new ApiKeyRing(keys);
        }
        var dbPath = Path.GetFullPath(sp.GetRequiredService<IOptions<StorageOptions>>().Value.Sqlite.Path);
        var url = configuration["urls"]?.Split(';')[0] ?? DefaultUrl;
        return new ApiKeyRing([GeneratedKey.LoadOrCreate(Path.GetDirectoryName(dbPath)!, url, Console.Out)]);
    }

    private static async Task<IResult> ReadyAsync(IJobStore store, CancellationToken ct)
    {
        try
        {
            if (await store.PingAsync(ct))
            {
                return TypedResults.Ok(new { status = "ready" });
            }
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // Unreachable store: not ready.
        }
        return TypedResults.Json(new { status = "unavailable" }, statusCode: 503);
    }
}
