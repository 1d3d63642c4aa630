namespace Boomerang.Server.Api;

internal static class ApiRegistration
{
    /// <summary>The API's services, and its JSON conventions (snake_case) set once for responses and the OpenAPI document.</summary>
    public static IServiceCollection AddBoomerangApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => BoomerangJson.ApplyTo(o.SerializerOptions));
        services.AddSingleton<JobSubmission>();
        return services;
    }
}
