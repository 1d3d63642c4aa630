using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;

namespace Boomerang.IntegrationTests.Jobs;

/// <summary>A command kind's own limit (<c>Commands:&lt;kind&gt;:Concurrency</c>) under a wide <c>Jobs:Concurrency</c>.</summary>
public sealed class CommandConcurrencyTests
{
    [Fact]
    public async Task No_more_than_the_kinds_limit_of_its_processes_run_at_once_and_waiting_for_a_slot_does_not_use_up_the_timeout()
    {
        using var scripts = new TempFolder();
        var path = Path.Combine(scripts.Path, "busy.sh");
        // Each process marks itself running, notes how many are running (itself included), works a second, unmarks.
        await File.WriteAllTextAsync(path, """
            #!/bin/bash
            cat > /dev/null
            here="$(dirname "$0")"
            mkdir -p "$here/running"
            touch "$here/running/$$"
            ls "$here/running" | wc -l >> "$here/counts"
            sleep 1
            rm "$here/running/$$"
            echo '{"ok": true}'
            """.ReplaceLineEndings("\n"));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await using var server = await TestServer.StartAsync(new Dictionary<string, string>
        {
            ["Boomerang:Jobs:Commands:busy:Path"] = path,
            ["Boomerang:Jobs:Commands:busy:Concurrency"] = "2",
            // Twelve one-second jobs two at a time take six seconds or more: longer than one job's timeout.
            ["Boomerang:Jobs:Commands:busy:TimeoutSeconds"] = "5",
        });

        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            ids.Add((await server.Client.SubmitAsync(new { kind = "busy", input = i })).JobId);
        }
        foreach (var id in ids)
        {
            var job = await server.Client.WaitForStatusAsync(id, JobStatus.Completed, JobStatus.Failed);
            Assert.Equal(JobStatus.Completed, job.Status);
        }

        var counts = (await File.ReadAllLinesAsync(Path.Combine(scripts.Path, "counts"))).Select(l => int.Parse(l.Trim())).ToList();
        Assert.Equal(12, counts.Count);
        Assert.True(counts.Max() <= 2, $"at most 2 at once, saw {counts.Max()}");
    }
}
