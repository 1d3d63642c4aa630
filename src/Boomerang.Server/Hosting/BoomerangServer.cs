using Boomerang.Callbacks;
using Boomerang.Server.Api;
using Boomerang.Server.Callbacks;
using Boomerang.Server.Dedup2D;
using Boomerang.Server.Auth;
using Boomerang.Server.Dashboard;
using Boomerang.Server.Metrics;
using Boomerang.Server.Storage;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Boomerang.Server.Configuration;

namespace Boomerang.Server.Hosting;

/// <summary>Builds the Boomerang web application; <c>Program</c> and the integration tests both use it.</summary>
public static class BoomerangServer
{
    /// <summary>Where the server listens when no <c>urls</c> setting is given: loopback only.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>Builds the application from command-line <paramref name="args"/>; <paramref name="configure"/> lets tests
    /// adjust the builder before the services are fixed.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Settings are read once, at start (options are validated then). Reloading appsettings.json on change would only
        // cost a watcher on the content root, recursive, which wakes on every write of a SQLite file under ./data.
        var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
        AddDefaultSettings(builder);
        // The short environment names rank as environment variables do: above appsettings.json, below the Boomerang__
        // variables and the command line.
        var above = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
        builder.Configuration.AddSeedAliases(Environment.GetEnvironmentVariable, above);
        Storage.Redis.RedisSeedAliases.AddRedisSeedAliases(builder.Configuration, Environment.GetEnvironmentVariable, above);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        // Through the validated options, so a bad value stops the process naming the setting (Kestrel's own check would crash).
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<ApiOptions>>(
            (kestrel, api) => kestrel.Limits.MaxRequestBodySize = api.Value.MaxBodyBytes);
        var roles = ServerRoles.From(builder.Configuration);
        try
        {
            builder.Services.AddBoomerangServer(builder.Configuration, roles);
        }
        catch (InvalidOperationException e) when (e.Source == typeof(ConfigurationBinder).Assembly.GetName().Name)
        {
            // A value the binder cannot convert, read while choosing services (e.g. the store).
            throw new BoomerangConfigurationException(e.Message, e);
        }
        builder.Services.AddSingleton(sp => CreateKeyRing(sp, builder.Configuration));
        configure?.Invoke(builder);

        // Every setting is checked before anything is created or printed (a generated API key included): unknown keys
        // first, so a typo is named rather than the default it fell back to.
        builder.Services.BoomerangSchema().Check(builder.Configuration);
        var app = builder.Build();
        app.Services.GetRequiredService<IStartupValidator>().Validate();
        CheckKindTimeouts(app.Services);
        app.UseMiddleware<ErrorHandling>();
        app.UseBoomerangMetrics();
        app.UseRateLimiter();
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).WithTags("Health");
        app.MapGet("/readyz", ReadyAsync).WithTags("Health");
        app.MapOpenApi();
        if (roles.Api)
        {
            app.MapJobsApi().MapDeliveriesApi();
            app.MapDedup2D();
            app.MapDashboard();
        }
        // Fail at start, not on the first request or delivery: signing secrets, the callback URL policy, keys. The key
        // ring comes last because it may generate and print a key, which a bad setting must stop first.
        _ = app.Services.GetRequiredService<CallbackSigning>();
        _ = app.Services.GetRequiredService<CallbackUrlPolicy>();
        _ = app.Services.GetRequiredService<ApiKeyRing>();
        return app;
    }

    /// <summary>A timeout for a kind that does not exist (a typo, a command removed) is named, not ignored.</summary>
    private static void CheckKindTimeouts(IServiceProvider services)
    {
        var handlers = services.GetRequiredService<Jobs.JobHandlers>();
        if (services.GetRequiredService<IOptions<Jobs.JobsOptions>>().Value.KindTimeoutSeconds.Keys
                .FirstOrDefault(kind => !handlers.IsKnown(kind)) is { } unknown)
        {
            throw new BoomerangConfigurationException(
                $"Boomerang:Jobs:KindTimeoutSeconds:{unknown}: there is no job kind '{unknown}' (known kinds: {string.Join(", ", handlers.Kinds)})");
        }
    }

    /// <summary>
    /// The appsettings.json shipped beside the server (log levels: at most one line per request) is read even when the
    /// process runs elsewhere, below everything the user sets. A failure to start is printed as one line by
    /// <c>Program</c>, so the host's own copy of it, with a stack trace, is not logged.
    /// </summary>
    private static void AddDefaultSettings(WebApplicationBuilder builder)
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        if (File.Exists(shipped) && !string.Equals(Path.GetFullPath(builder.Environment.ContentRootPath),
                Path.GetFullPath(AppContext.BaseDirectory), StringComparison.Ordinal))
        {
            builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
            {
                Path = "appsettings.json",
                Optional = true,
                FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(AppContext.BaseDirectory),
            });
        }
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
    }

    private static ApiKeyRing CreateKeyRing(IServiceProvider sp, IConfiguration configuration)
    {
        var auth = sp.GetRequiredService<IOptions<AuthOptions>>().Value;
        if (auth.HasKeys)
        {
            return ApiKeyRing.From(auth);
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
