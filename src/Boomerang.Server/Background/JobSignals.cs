namespace Boomerang.Server.Background;

/// <summary>In-process hints between the API and the background loops.</summary>
internal sealed class JobSignals
{
    public WakeUp Jobs { get; } = new();
    public DeliveryWake Deliveries { get; } = new();

    /// <summary>Raised when the owner of a running job asked to cancel it.</summary>
    public event Action<string>? CancelRequested;

    public void RequestCancel(string jobId) => CancelRequested?.Invoke(jobId);
}
