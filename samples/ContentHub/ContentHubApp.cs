namespace ContentHub;

/// <summary>Builds the ContentHub app; <c>Program</c> and the integration tests both use it.</summary>
public static class ContentHubApp
{
    public const string DefaultUrl = "http://127.0.0.1:8000";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        var settings = ContentHubSettings.Read(builder.Configuration);
        builder.Services.AddSingleton(settings);
        builder.Services.AddBoomerangClient(o =>
        {
            o.BaseAddress = settings.BoomerangUrl;
            o.ApiKey = settings.BoomerangApiKey;
        });
        builder.Services.AddBoomerangReceiver<ArticleReadyHandler>(settings.ConfigureReceiver, settings.ConfigureTasks);

        var app = builder.Build();
        app.MapContentApi();
        app.MapBoomerangCallback();
        return app;
    }
}
