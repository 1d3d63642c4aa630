using System.CommandLine;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Boomerang.Cli.Commands;

/// <summary>
/// <c>boomerang listen</c>: a receiver on 127.0.0.1 for development. Every POST is verified (when a secret is given),
/// printed, optionally forwarded to the app, and answered: the app's answer when forwarding, 401 for a bad signature,
/// else 200.
/// </summary>
internal static class ListenCommand
{
    // Headers a proxy must not copy (hop-by-hop, or recomputed by HttpClient).
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    { "host", "content-length", "connection", "transfer-encoding", "keep-alive", "expect", "upgrade", "te" };

    public static Command Create(GlobalOptions global, CliConsole console)
    {
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (0 picks a free one)", DefaultValueFactory = _ => 9000 };
        var secret = new Option<string[]>("--secret")
        {
            Description = "Signing secret to verify with (repeat for rotation); a bad signature is answered 401",
            AllowMultipleArgumentsPerToken = false,
        };
        var forward = new Option<string?>("--forward-to") { Description = "Also POST each callback, headers and body unchanged, to this URL" };
        var tolerance = new Option<double>("--tolerance") { Description = "Accepted timestamp age in seconds", DefaultValueFactory = _ => 300 };
        var command = new Command("listen", "Receive callbacks locally: verify, print, optionally forward") { port, secret, forward, tolerance };
        command.SetAction(async (parse, ct) =>
        {
            var secrets = CallbackCheck.ParseSecrets(parse.GetValue(secret));
            Uri? target = null;
            if (parse.GetValue(forward) is { } f && (!Uri.TryCreate(f, UriKind.Absolute, out target) || target.Scheme is not ("http" or "https")))
            {
                throw new CliError($"--forward-to '{f}' is not an absolute http(s) URL");
            }
            var p = parse.GetValue(port);
            if (p is < 0 or > 65535)
            {
                throw new CliError($"--port {p} is not a port number (0..65535)");
            }
            var json = parse.GetValue(global.Json);
            var window = TimeSpan.FromSeconds(parse.GetValue(tolerance));
            using var forwarder = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var gate = new SemaphoreSlim(1);

            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, p));
            await using var app = builder.Build();
            app.Run(async http =>
            {
                using var buffer = new MemoryStream();
                await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
                var body = buffer.ToArray();
                var headers = http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
                var report = CallbackCheck.Check(http.Request.Method, http.Request.Path + http.Request.QueryString, headers, body, secrets,
                    DateTimeOffset.UtcNow, window);
                var rejected = secrets.Count > 0 && !CallbackCheck.IsValid(report);
                int status = rejected ? 401 : 200;
                byte[] reply = rejected ? "signature not valid"u8.ToArray() : "ok"u8.ToArray();
                if (!rejected && target is not null)
                {
                    (report, status, reply) = await ForwardAsync(forwarder, target, http, headers, body, report);
                }
                await gate.WaitAsync();
                try
                {
                    if (json) { await console.WriteJsonLineAsync(report); await console.Out.FlushAsync(); }
                    else { CallbackPrinter.Print(console.Ansi, report); }
                }
                finally
                {
                    gate.Release();
                }
                http.Response.StatusCode = status;
                await http.Response.Body.WriteAsync(reply);
            });
            try
            {
                await app.StartAsync(ct);
            }
            catch (IOException e)
            {
                throw new CliError($"cannot listen on 127.0.0.1:{p}: {e.Message}");
            }
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            // On stderr, so that stdout stays one JSON document per callback with --json.
            await console.Err.WriteLineAsync($"listening on {address}" + (target is null ? "" : $", forwarding to {target}")
                + (secrets.Count == 0 ? " (no --secret: signatures are not checked)" : "") + "; Ctrl+C to stop");
            await console.Err.FlushAsync(ct);
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: stop cleanly.
            }
            await app.StopAsync(CancellationToken.None);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<(CallbackReport, int, byte[])> ForwardAsync(HttpClient client, Uri target, HttpContext http,
        Dictionary<string, string> headers, byte[] body, CallbackReport report)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
        foreach (var (name, value) in headers)
        {
            if (NotForwarded.Contains(name))
            {
                continue;
            }
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        try
        {
            using var response = await client.SendAsync(request, http.RequestAborted);
            var reply = await response.Content.ReadAsByteArrayAsync(http.RequestAborted);
            return (report with { ForwardedStatus = (int)response.StatusCode }, (int)response.StatusCode, reply);
        }
        catch (HttpRequestException e)
        {
            // The sender retries a 502, as it would if the app itself were down.
            return (report with { ForwardError = e.Message }, 502, System.Text.Encoding.UTF8.GetBytes($"forward failed: {e.Message}"));
        }
    }
}
