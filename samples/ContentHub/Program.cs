using ContentHub;

try
{
    await ContentHubApp.Build(args).RunAsync();
    return 0;
}
catch (ContentHubSettingsException e)
{
    Console.Error.WriteLine($"ContentHub: invalid configuration: {e.Message}");
    return 2;
}
catch (Microsoft.Extensions.Options.OptionsValidationException e)
{
    Console.Error.WriteLine($"ContentHub: invalid configuration: {string.Join("; ", e.Failures)}");
    return 2;
}
