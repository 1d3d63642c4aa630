namespace Boomerang.Server.Storage;

/// <summary>
/// The attempt log as both SQL stores read and keep it (the same text runs on SQLite and PostgreSQL): the logged rows
/// plus each delivery's attempt kept on its own row (<see cref="JobLifecycle.KeptOnDelivery"/>).
/// </summary>
internal static class AttemptLogSql
{
    /// <summary>A job's attempts (@job) in the order they started; a delivery's kept attempt is its last one.</summary>
    public const string List = """
        SELECT webhook_id, event, attempt, started_at, duration_ms, http_status, error, response_body FROM (
            SELECT webhook_id, event, attempt, started_at, duration_ms, http_status, error, response_body,
                delivery_seq AS delivery, 0 AS kept, seq
            FROM delivery_attempts WHERE job_id = @job
            UNION ALL
            SELECT webhook_id, event, 1, attempt_started_at, attempt_duration_ms, http_status, NULL, attempt_response_body,
                seq, 1, 0
            FROM deliveries WHERE job_id = @job AND attempt_started_at IS NOT NULL) AS log
        ORDER BY started_at, delivery, kept, seq
        """;

    /// <summary>Before a redelivery resets delivery @seq: its kept attempt, if it has one, becomes a logged row.</summary>
    public const string MoveKept = """
        INSERT INTO delivery_attempts (delivery_seq, job_id, webhook_id, event, attempt, started_at, duration_ms,
            http_status, error, response_body)
        SELECT seq, job_id, webhook_id, event, 1, attempt_started_at, attempt_duration_ms, http_status, NULL, attempt_response_body
        FROM deliveries WHERE seq = @seq AND attempt_started_at IS NOT NULL
        """;
}
