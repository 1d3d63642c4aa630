using Boomerang.Server.Hosting;

if (Usage.IsRequested(args))
{
    Console.Out.Write(Usage.Text);
    return StartFailure.Ok;
}
try
{
    await BoomerangServer.Build(args).RunAsync();
    return StartFailure.Ok;
}
catch (Exception e) when (StartFailure.Describe(e) is { } failure)
{
    Console.Error.WriteLine($"Boomerang: {failure.Message}");
    return failure.ExitCode;
}
