using System.Net.Sockets;
using Boomerang.Server.Storage;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using Boomerang.Server.Configuration;

namespace Boomerang.Server.Hosting;

/// <summary>The process's exit codes, and the one line printed for a failure at start; chosen by exception type.</summary>
internal static class StartFailure
{
    public const int Ok = 0;
    public const int InvalidConfiguration = 2;
    public const int StoreUnavailable = 3;
    public const int AddressInUse = 4;

    /// <summary>The exit code and message for a known start failure; null for anything else (a bug: let it crash loudly).</summary>
    public static (int ExitCode, string Message)? Describe(Exception e) => e switch
    {
        BoomerangConfigurationException c => (InvalidConfiguration, $"invalid configuration: {c.Message}"),
        OptionsValidationException o => (InvalidConfiguration, $"invalid configuration: {string.Join("; ", o.Failures)}"),
        AggregateException a when a.InnerExceptions.Count > 0 && a.InnerExceptions.All(i => Describe(i)?.ExitCode == InvalidConfiguration) =>
            (InvalidConfiguration, "invalid configuration: " + string.Join("; ", a.InnerExceptions.Select(i => Describe(i)!.Value.Message["invalid configuration: ".Length..]))),
        StoreUnavailableException s => (StoreUnavailable, $"the store could not be reached at start: {s.Message}"),
        IOException { InnerException: AddressInUseException } io => (AddressInUse, $"cannot listen: {FirstSentence(io.Message)} (another process is using the port; choose another with --urls)"),
        SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } => (AddressInUse, "cannot listen: the address is already in use (choose another with --urls)"),
        _ => null,
    };

    private static string FirstSentence(string message) => message.Split('\n')[0].Trim();
}
