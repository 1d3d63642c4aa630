namespace Boomerang.Server.Dashboard;

internal static class DashboardRegistration
{
    public static IServiceCollection AddBoomerangDashboard(this IServiceCollection services)
    {
        services.AddSingleton<DashboardSessions>();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "boomerang_dashboard_af";
            o.Cookie.Path = DashboardEndpoints.Root;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__antiforgery";
            o.SuppressXFrameOptionsHeader = false;
        });
        return services;
    }
}
