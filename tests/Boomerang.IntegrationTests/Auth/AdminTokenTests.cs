using System.Net;
using System.Text.Json;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Server.Auth;
using Boomerang.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Boomerang.IntegrationTests.Auth;

public sealed class AdminTokenTests
{
    private const string Token = "an-admin-token-long-enough-to-mean-it";

    [Fact]
    public async Task Without_the_header_an_admin_route_answers_401()
    {
        await using var server = await AdminServer.StartAsync(Token);
        var response = await server.GetAsync(null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("ADMIN_TOKEN_MISSING", await ErrorCode(response));
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData("an-admin-token-long-enough-to-mean-i")]
    [InlineData("an-admin-token-long-enough-to-mean-itt")]
    [InlineData("test")]
    public async Task A_wrong_token_gets_403(string presented)
    {
        await using var server = await AdminServer.StartAsync(Token);
        var response = await server.GetAsync(presented);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("ADMIN_TOKEN_INVALID", await ErrorCode(response));
    }

    [Fact]
    public async Task The_configured_token_passes()
    {
        await using var server = await AdminServer.StartAsync(Token);
        var response = await server.GetAsync(Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("admin ok", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("test")]
    [InlineData("")]
    public async Task With_no_token_configured_admin_routes_are_closed_and_say_how_to_open_them(string? presented)
    {
        await using var server = await AdminServer.StartAsync(token: null);
        var response = await server.GetAsync(presented);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("ADMIN_DISABLED", body);
        Assert.Contains("Boomerang:Auth:AdminToken", body);
        Assert.Contains("ADMIN_TOKEN", body);
    }

    [Fact]
    public void The_ADMIN_TOKEN_environment_name_sets_the_token()
    {
        var config = new ConfigurationBuilder().AddSeedAliases(n => n == "ADMIN_TOKEN" ? Token : null).Build();
        Assert.Equal(Token, config[AdminToken.Setting]);
    }

    private static async Task<string?> ErrorCode(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("detail").GetProperty("error").GetString();
    }

    /// <summary>The real server with one test-only route behind <see cref="AdminTokenFilter"/>.</summary>
    private sealed class AdminServer(WebApplication app, TempFolder folder, HttpClient client) : IAsyncDisposable
    {
        public static async Task<AdminServer> StartAsync(string? token)
        {
            var folder = new TempFolder();
            var args = new List<string>
            {
                "--urls=http://127.0.0.1:0",
                $"--Boomerang:Storage:Sqlite:Path={Path.Combine(folder.Path, "boomerang.db")}",
                $"--Boomerang:Auth:ApiKeys:0={TestServer.KeyA}",
                "--Logging:LogLevel:Default=Warning",
            };
            if (token is not null)
            {
                args.Add($"--Boomerang:Auth:AdminToken={token}");
            }
            var app = BoomerangServer.Build([.. args]);
            app.MapGet("/test-admin", () => TypedResults.Text("admin ok")).RequireAdminToken();
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return new AdminServer(app, folder, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) });
        }

        public Task<HttpResponseMessage> GetAsync(string? token)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/test-admin");
            if (token is not null)
            {
                request.Headers.TryAddWithoutValidation(AdminTokenFilter.Header, token);
            }
            return client.SendAsync(request);
        }

        public async ValueTask DisposeAsync()
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
            folder.Dispose();
        }
    }
}
