using Boomerang.Server.Hosting;
using Boomerang.Server.Storage;
using Microsoft.Extensions.Options;

try
{
    await BoomerangServer.Build(args).RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    Console.Error.WriteLine($"Boomerang: invalid configuration: {string.Join("; ", e.Failures)}");
    return 2;
}
catch (StoreUnavailableException e)
{
    Console.Error.WriteLine($"Boomerang: the store could not be reached at start: {e.Message}");
    return 3;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"Boomerang: invalid configuration: {e.Message}");
    return 2;
}
catch (InvalidOperationException e) when (e.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase)
    || e.Message.StartsWith("DEDUP2D_", StringComparison.Ordinal) || e.Message.StartsWith("API_KEY", StringComparison.Ordinal))
{
    Console.Error.WriteLine($"Boomerang: invalid configuration: {e.Message}");
    return 2;
}
