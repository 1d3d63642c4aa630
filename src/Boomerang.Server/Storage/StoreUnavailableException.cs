namespace Boomerang.Server.Storage;

/// <summary>The store could not be reached (database down, restarting, network cut). Retrying later may succeed.</summary>
internal sealed class StoreUnavailableException(string message, Exception inner) : Exception(message, inner);
