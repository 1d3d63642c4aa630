using Boomerang.HangfirePeer;

// Hangfire as a peer of Boomerang, and the callback receiver every system in scripts/bench-peers.sh posts to.
//   receive --expect N [--timeout-s T]
//       starts the receiver (bench/Boomerang.Bench's FastReceiver: answers 200 at once, one record per job id), prints
//       RECEIVER_URL <url>, and once N distinct jobs have called back prints RECEIVED <count> <first ms> <last ms>
//       (unix ms); keeps answering until stopped. After T seconds without reaching N it prints what it has and exits 1.
//   jobs --storage postgres|sqlite --connection CS|--file PATH --count N [--callback-url URL] [--defaults 1]
//        [--workers W] [--poll-ms P] [--submitters S] [--timeout-s T]
//       N echo jobs enqueued one at a time (Hangfire has no batch enqueue) by S submitters (default 4) while one
//       BackgroundJobServer runs them; each job POSTs {job_id, result, finished_at} to URL with HttpClient.
//       --defaults 1: Hangfire's own worker count and the storage's own poll interval; otherwise W workers (default
//       32) and a P ms queue poll (default 100). Prints FIRST_SUBMIT_MS and RESULT lines.
var mode = args.FirstOrDefault();
var options = PeerOptions.Parse(args.Skip(1).ToArray());
try
{
    return mode switch
    {
        "receive" => await ReceiveCommand.RunAsync(options),
        "jobs" => await HangfireJobsCommand.RunAsync(options),
        _ => Usage($"unknown mode '{mode}': use receive or jobs"),
    };
}
catch (ArgumentException e)
{
    return Usage(e.Message);
}

static int Usage(string message)
{
    Console.Error.WriteLine($"Boomerang.HangfirePeer: {message}");
    return 2;
}
