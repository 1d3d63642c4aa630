using System.Buffers.Text;
using System.Text;
using Boomerang.Server.Storage;

namespace Boomerang.Server.Api;

/// <summary>
/// The job list's <c>next_cursor</c>: an opaque token naming the last job of the page (not the store's global row
/// number, which would tell any tenant how many jobs the whole server has taken). Reading it finds that job again —
/// it must be the caller's own — and pages on from its position.
/// </summary>
internal static class ListCursor
{
    private const string Prefix = "j1.";

    public static string After(JobRecord last) => Prefix + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(last.Id));

    /// <summary>The store position after the job the cursor names, or null when it is not a cursor this tenant was given.</summary>
    public static async Task<long?> ReadAsync(string cursor, string tenantId, IJobStore store, CancellationToken ct)
    {
        if (!cursor.StartsWith(Prefix, StringComparison.Ordinal) || cursor.Length > 100)
        {
            return null;
        }
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(cursor.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return null;
        }
        if (!Guid.TryParse(Encoding.UTF8.GetString(bytes), out var id))
        {
            return null;
        }
        var job = await store.GetAsync(id.ToString(), ct).ConfigureAwait(false);
        return job is not null && job.TenantId == tenantId ? job.Seq : null;
    }
}
