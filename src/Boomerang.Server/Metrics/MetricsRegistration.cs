using System.Diagnostics.Metrics;
using Boomerang.Server.Auth;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Boomerang.Server.Configuration;

namespace Boomerang.Server.Metrics;

/// <summary>
/// OpenTelemetry: Boomerang's meter plus ASP.NET Core and HttpClient instrumentation, scraped at <c>/metrics</c> in the
/// Prometheus text format, and pushed over OTLP (metrics and traces) when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
internal static class MetricsRegistration
{
    public const string Path = "/metrics";

    public static IServiceCollection AddBoomerangMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddBoomerangSection<MetricsOptions>(MetricsOptions.Section);
        services.AddSingleton<BoomerangMetrics>();
        services.AddSingleton<StoreGauges>();
        services.AddHostedService(sp => sp.GetRequiredService<StoreGauges>());
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("boomerang"))
            .WithMetrics(m =>
            {
                m.AddMeter(BoomerangMetrics.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddPrometheusExporter();
                // A meter listener hears every meter of that name in the process; keep only this host's, so two servers in
                // one process (the in-process tests, an app hosting two) never mix or duplicate series.
                ((IDeferredMeterProviderBuilder)m).Configure((sp, b) =>
                {
                    var own = sp.GetRequiredService<IMeterFactory>();
                    b.AddView(i => i.Meter.Scope is IMeterFactory other && !ReferenceEquals(other, own) ? MetricStreamConfiguration.Drop : null);
                });
                if (otlp)
                {
                    m.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            telemetry.WithTracing(t => t.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddOtlpExporter());
        }
        return services;
    }

    /// <summary>
    /// <c>GET /metrics</c>: the admin token first (unless <c>Boomerang:Metrics:Public</c>), then fresh store gauges, then
    /// the exporter. A middleware branch rather than an endpoint filter: the exporter's endpoint is a plain request delegate.
    /// </summary>
    public static WebApplication UseBoomerangMetrics(this WebApplication app)
    {
        var open = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.Public;
        app.UseWhen(http => http.Request.Path.Equals(Path, StringComparison.OrdinalIgnoreCase), branch =>
        {
            branch.Use(async (http, next) =>
            {
                if (!open && AdminTokenFilter.Refusal(http.RequestServices.GetRequiredService<AdminToken>()
                        .Check(AdminTokenFilter.Presented(http.Request))) is { } refused)
                {
                    await refused.ExecuteAsync(http);
                    return;
                }
                await http.RequestServices.GetRequiredService<StoreGauges>().RefreshAsync(http.RequestAborted);
                await next(http);
            });
            branch.UseOpenTelemetryPrometheusScrapingEndpoint(Path);
        });
        return app;
    }
}
