namespace Boomerang.Server.Configuration;

/// <summary>A setting that cannot be used: the process stops at start, naming it (exit code 2).</summary>
internal sealed class BoomerangConfigurationException : Exception
{
    public BoomerangConfigurationException(string message) : base(message) { }
    public BoomerangConfigurationException(string message, Exception inner) : base(message, inner) { }
}
