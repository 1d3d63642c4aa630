using System.Net;
using System.Security.Cryptography;
using System.Text;
using Boomerang.IntegrationTests.Callbacks;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Server.Callbacks;
using Boomerang.Server.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Boomerang.IntegrationTests.Hosting;

/// <summary>Every list setting in both forms, through the real process and its environment, as issue 14.2 met them.</summary>
public sealed class ListSettingTests
{
    [Fact]
    public async Task A_single_signing_secret_as_a_plain_value_signs_callbacks()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var settings = CallbackSettings.Loopback();
        settings.Remove("Boomerang:Callbacks:SigningSecrets:0");
        settings["Boomerang:Callbacks:SigningSecrets"] = "s3cret";
        await using var server = await TestServer.StartAsync(settings);

        await server.Client.SubmitAsync(new { kind = "echo", input = 1, callback_url = receiver.Url() });
        var callback = (await receiver.WaitForAsync(1))[0];

        var signed = Encoding.UTF8.GetBytes($"{callback.Header("webhook-id")}.{callback.Header("webhook-timestamp")}.").Concat(callback.Body).ToArray();
        Assert.Equal($"v1,{Convert.ToBase64String(HMACSHA256.HashData("s3cret"u8, signed))}", callback.Header("webhook-signature"));
    }

    [Fact]
    public async Task Comma_separated_signing_secrets_sign_with_each()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var settings = CallbackSettings.Loopback();
        settings.Remove("Boomerang:Callbacks:SigningSecrets:0");
        settings["Boomerang:Callbacks:SigningSecrets"] = "first, second";
        await using var server = await TestServer.StartAsync(settings);

        await server.Client.SubmitAsync(new { kind = "echo", input = 1, callback_url = receiver.Url() });
        var callback = (await receiver.WaitForAsync(1))[0];

        var signed = Encoding.UTF8.GetBytes($"{callback.Header("webhook-id")}.{callback.Header("webhook-timestamp")}.").Concat(callback.Body).ToArray();
        Assert.Equal(
            $"v1,{Convert.ToBase64String(HMACSHA256.HashData("first"u8, signed))} v1,{Convert.ToBase64String(HMACSHA256.HashData("second"u8, signed))}",
            callback.Header("webhook-signature"));
    }

    [Fact]
    public async Task An_api_key_given_as_a_plain_environment_value_is_the_key()
    {
        using var folder = new TempFolder();
        await using var server = await ServerProcess.StartReadyAsync(folder.Path,
            environment: new Dictionary<string, string> { ["Boomerang__Auth__ApiKeys"] = "mykey,otherkey" });

        Assert.Equal(HttpStatusCode.OK, (await server.CreateClient("mykey").GetAsync("/api/v1/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.CreateClient("otherkey").GetAsync("/api/v1/jobs")).StatusCode);
        Assert.False(File.Exists(Path.Combine(folder.Path, "data", "api-key")));
    }

    [Theory]
    [InlineData("Boomerang:Roles:0", "api")]
    [InlineData("Boomerang:Roles", "api")]
    public async Task Roles_in_either_form_are_obeyed(string key, string value)
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string> { [key] = value });

        Assert.DoesNotContain(server.Services.GetServices<IHostedService>(), s => s is JobWorker or CallbackDispatcher);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/api/v1/jobs")).StatusCode);
    }

    [Fact]
    public async Task Worker_and_dispatcher_roles_as_a_list_run_no_api()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string>
        {
            ["Boomerang:Roles:0"] = "worker", ["Boomerang:Roles:1"] = "dispatcher",
        });

        Assert.Contains(server.Services.GetServices<IHostedService>(), s => s is JobWorker);
        Assert.Contains(server.Services.GetServices<IHostedService>(), s => s is CallbackDispatcher);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("/api/v1/jobs")).StatusCode);
    }

    [Theory]
    [InlineData("Boomerang__Callbacks__SigningSecrets", "whsec_not base64!", "Boomerang:Callbacks:SigningSecrets")]
    [InlineData("Boomerang__Callbacks__SigningSecrets", "good,,other", "Boomerang:Callbacks:SigningSecrets has an empty item")]
    [InlineData("Boomerang__Callbacks__SigningSecrets__0", " ", "Boomerang:Callbacks:SigningSecrets:0 is empty")]
    [InlineData("DEDUP2D_CALLBACK_HMAC_SECRET", "whsec_", "Boomerang:Callbacks:SigningSecrets")]
    public async Task A_server_configured_to_sign_that_cannot_sign_does_not_start(string name, string value, string named)
    {
        using var folder = new TempFolder();
        await using var server = ServerProcess.Start(folder.Path, environment: new Dictionary<string, string> { [name] = value });

        Assert.Equal(2, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(named, server.Stderr);
        Assert.DoesNotContain("not base64!", server.Stderr);
        Assert.False(File.Exists(Path.Combine(folder.Path, "data", "api-key")));
    }
}
