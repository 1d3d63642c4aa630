using Boomerang.Server.Hosting;
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
