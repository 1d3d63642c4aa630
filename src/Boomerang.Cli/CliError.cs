namespace Boomerang.Cli;

/// <summary>A failure the CLI reports as one line on stderr, with its exit code.</summary>
internal sealed class CliError(string message, int exitCode = ExitCodes.Error) : Exception(message)
{
    public int ExitCode => exitCode;
}

/// <summary>The exit codes, as the README lists them.</summary>
internal static class ExitCodes
{
    /// <summary>Done; for <c>submit --wait</c> the job completed; for <c>verify</c> the signature is valid.</summary>
    public const int Ok = 0;
    /// <summary>The command ran but the answer is no: the job failed or was canceled, the signature is not valid.</summary>
    public const int Negative = 1;
    /// <summary>Could not do it: bad arguments or settings, server unreachable, an error answer from the server.</summary>
    public const int Error = 2;
}
