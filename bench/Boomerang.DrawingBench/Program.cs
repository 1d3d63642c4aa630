using Boomerang.DrawingBench;

var command = args.Length > 0 ? args[0] : "help";
int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
switch (command)
{
    case "quality": await QualityBench.RunAsync(Arg("--drawings", 1000), args.Contains("--fast") ? "fast" : "balanced"); break;
    case "speed": await SpeedBench.RunAsync(Arg("--index", 100_000), Arg("--queries", 200), Arg("--adds", 200), Arg("--runs", 3)); break;
    case "profile-add": AddProfile.Run(Arg("--iterations", 30)); break;
    case "calibrate": await Calibrate.RunAsync(Arg("--drawings", 1000), Arg("--queries", 150)); break;
    default:
        Console.WriteLine("usage: DrawingBench quality [--drawings 1000] | speed [--index 100000] [--queries 200] [--adds 200] [--runs 3] | calibrate [--drawings 1000] [--queries 150]");
        return 2;
}
return 0;
