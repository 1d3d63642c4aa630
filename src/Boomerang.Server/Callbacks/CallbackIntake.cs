namespace Boomerang.Server.Callbacks;

/// <summary>Checks a submitted callback URL and returns the URL to store. Delivery is not built yet.</summary>
internal sealed class CallbackIntake
{
    public Task<(string? Url, Api.ApiError? Error)> CheckAsync(string? callbackUrl, CancellationToken ct) =>
        Task.FromResult<(string?, Api.ApiError?)>(callbackUrl is null
            ? (null, null)
            : (null, Api.ApiErrors.BadRequest("CALLBACK_UNSUPPORTED", "callback_url is not supported by this server")));
}
