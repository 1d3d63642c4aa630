namespace ContentGenerator;

/// <summary>The generated article.</summary>
internal sealed record Article(string Topic, string Title, IReadOnlyList<string> Sections, string Body, int WordCount);

/// <summary>Writes a short, plain article from a topic: a title, three sections, a body. Deterministic.</summary>
internal static class Writer
{
    private static readonly string[] Headings = ["Why it matters", "How it works", "Where to start"];

    public static Article Write(string topic, Action<int> progress)
    {
        var sections = new List<string>(Headings.Length);
        for (var i = 0; i < Headings.Length; i++)
        {
            progress((i * 100) / (Headings.Length + 1));
            sections.Add(Section(Headings[i], topic));
        }
        progress(90);
        var title = $"{char.ToUpperInvariant(topic[0])}{topic[1..]}: a short guide";
        var body = string.Join("\n\n", sections);
        return new Article(topic, title, Headings, body, body.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Length);
    }

    private static string Section(string heading, string topic) => heading switch
    {
        "Why it matters" => $"{heading}\n{topic} shapes how teams plan and decide. Knowing its basics saves time and avoids common mistakes.",
        "How it works" => $"{heading}\nAt its core, {topic} follows a few simple ideas. Learn them one at a time and test each in practice.",
        _ => $"{heading}\nPick one small problem where {topic} helps, try it this week, and write down what you learned.",
    };
}
