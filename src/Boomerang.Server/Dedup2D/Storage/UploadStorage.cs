using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Dedup2D.Storage;

/// <summary>
/// Where an async search's upload waits for its job (reference §6.7, local backend): <c>{job_id}/{uuid}_{sanitised name}</c>
/// under <c>Boomerang:Dedup2D:UploadDir</c>, written atomically; a stored path that would leave the folder is refused.
/// </summary>
internal sealed partial class UploadStorage(IOptions<Dedup2DOptions> options)
{
    public string Root => Path.GetFullPath(options.Value.UploadDir);

    public static string Sanitize(string? fileName)
    {
        var name = (fileName ?? "").Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        name = Unsafe().Replace(name, "_").Trim('.', '_', '-');
        if (name.Length == 0)
        {
            name = "upload.bin";
        }
        return name.Length > 200 ? name[..200] : name;
    }

    /// <summary>Saves the bytes and returns the relative key to keep in the job.</summary>
    public async Task<string> SaveAsync(string jobId, string fileName, ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        var key = $"{Sanitize(jobId)}/{Guid.NewGuid():N}_{Sanitize(fileName)}";
        var full = Resolve(key);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp";
        await File.WriteAllBytesAsync(temp, bytes.ToArray(), ct).ConfigureAwait(false);
        File.Move(temp, full, overwrite: true);
        return key;
    }

    /// <summary>Saves a stream (copied in chunks, never whole in memory) and returns the relative key to keep in the job.</summary>
    public async Task<string> SaveAsync(string jobId, string fileName, Stream content, CancellationToken ct)
    {
        var key = $"{Sanitize(jobId)}/{Guid.NewGuid():N}_{Sanitize(fileName)}";
        var full = Resolve(key);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp";
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            await content.CopyToAsync(file, ct).ConfigureAwait(false);
        }
        File.Move(temp, full, overwrite: true);
        return key;
    }

    public Task<byte[]> LoadAsync(string key, CancellationToken ct) => File.ReadAllBytesAsync(Resolve(key), ct);

    /// <summary>Deletes the job's folder; a missing one is fine.</summary>
    public void DeleteJob(string jobId)
    {
        var dir = Path.Combine(Root, Sanitize(jobId));
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort, as in the seed; the sweep tries again.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public string Resolve(string key)
    {
        if (string.IsNullOrWhiteSpace(key) || Path.IsPathRooted(key) || key.Split('/', '\\').Any(p => p is ".." or "."))
        {
            throw new InvalidOperationException("upload reference is not a relative path inside the upload folder");
        }
        var root = Root + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(root, key));
        return full.StartsWith(root, StringComparison.Ordinal) ? full
            : throw new InvalidOperationException("upload reference leaves the upload folder");
    }

    [GeneratedRegex("[^A-Za-z0-9._-]+")]
    private static partial Regex Unsafe();
}
