namespace Boomerang.Client;

/// <summary>A job the server accepted.</summary>
/// <param name="JobId">The job's id.</param>
/// <param name="Status">Its status at the time of the answer (<c>pending</c> for a new job).</param>
/// <param name="PollUrl">The path to read it from.</param>
/// <param name="Created">True when the job is new (202); false when an idempotency key matched an existing job (200).</param>
public sealed record SubmittedJob(string JobId, string Status, string PollUrl, bool Created);
