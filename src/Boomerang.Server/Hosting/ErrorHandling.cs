using Boomerang.Server.Api;
using Boomerang.Server.Metrics;
using Boomerang.Server.Storage;

namespace Boomerang.Server.Hosting;

/// <summary>
/// Last line of defence: Kestrel's client errors (oversized or malformed requests) keep their 4xx status with a
/// JSON body, as do routing's bare answers (415 to a JSON route sent another content type, 404 for no route, 405 for
/// none with that method); anything unexpected is logged and answered with a generic 500 that leaks nothing.
/// </summary>
internal sealed partial class ErrorHandling(RequestDelegate next, ILogger<ErrorHandling> log)
{
    public async Task InvokeAsync(HttpContext http, BoomerangMetrics metrics)
    {
        try
        {
            await next(http);
            if (http.Response.HasStarted)
            {
                return;
            }
            if (http.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType)
            {
                // Routing refuses a body that is not JSON before the handler (and JsonBody) sees it, and says nothing.
                await ApiErrors.NotJson.ToResult(http).ExecuteAsync(http);
            }
            else if (RoutingSaidNothing(http))
            {
                // No route for the path, or none for the method: FastAPI's bodies, which the seed's clients know.
                await http.Response.WriteAsJsonAsync(new
                {
                    detail = http.Response.StatusCode == StatusCodes.Status404NotFound ? "Not Found" : "Method Not Allowed",
                });
            }
        }
        catch (BadHttpRequestException e) when (!http.Response.HasStarted)
        {
            http.Response.StatusCode = e.StatusCode;
            await http.Response.WriteAsJsonAsync(new { detail = new { error = "BAD_REQUEST", message = e.Message } });
        }
        // The job store wraps its outages; other code on the same database (the Dedup2D tables) may let the driver's
        // own exception through.
        catch (Exception e) when (!http.Response.HasStarted && (e is StoreUnavailableException || StoreFailures.IsDatabaseUnavailable(e)))
        {
            // Retrying the same request with its idempotency key once the store is back is safe either way. A driver's
            // own exception (a deadlock, an exhausted pool, as well as an outage) keeps its stack trace in the log.
            if (e is StoreUnavailableException)
            {
                LogStoreUnavailable(log, http.Request.Method, http.Request.Path, e.Message);
            }
            else
            {
                LogDatabaseUnavailable(log, http.Request.Method, http.Request.Path, e);
            }
            metrics.StoreError("api", e);
            http.Response.StatusCode = 503;
            http.Response.Headers.RetryAfter = "1";
            await http.Response.WriteAsJsonAsync(new { detail = new { error = "STORE_UNAVAILABLE", message = "The job store is unavailable; retry later" } });
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            LogUnhandled(log, http.Request.Method, http.Request.Path, e);
            http.Response.StatusCode = 500;
            await http.Response.WriteAsJsonAsync(new { detail = "Internal Server Error" });
        }
    }

    /// <summary>A 404 or 405 that no endpoint of the app answered: routing found none, or only its own 405 endpoint
    /// (a plain <see cref="Endpoint"/>; every route of the app is a <see cref="RouteEndpoint"/>).</summary>
    private static bool RoutingSaidNothing(HttpContext http) =>
        http.Response.StatusCode is StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed
        && http.GetEndpoint() is not RouteEndpoint;

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "{Method} {Path}: store unavailable ({Reason})")]
    private static partial void LogStoreUnavailable(ILogger logger, string method, string path, string reason);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Warning, Message = "{Method} {Path}: database unavailable or transiently failing; answered 503")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}
