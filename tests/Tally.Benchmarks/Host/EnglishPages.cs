using System.Text;

namespace Tally.Benchmarks.Host;

/// <summary>
/// Plain-text English pages of about 16 KiB, the same every run: page <c>n</c> is sentences of common English words
/// drawn by a <see cref="Random"/> seeded with <c>n</c>, cut at the last whole word within 16 KiB.
/// </summary>
internal static class EnglishPages
{
    /// <summary>The most bytes a page holds.</summary>
    public const int PageBytes = 16 * 1024;

    private static readonly string[] Words =
    [
        "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on", "not",
        "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had", "they", "you", "were",
        "their", "one", "all", "we", "can", "her", "has", "there", "been", "if", "more", "when", "will", "would",
        "who", "so", "no", "time", "people", "year", "way", "day", "man", "thing", "woman", "life", "child", "world",
        "school", "state", "family", "student", "group", "country", "problem", "hand", "part", "place", "case",
        "week", "company", "system", "program", "question", "work", "government", "number", "night", "point",
        "home", "water", "room", "mother", "area", "money", "story", "fact", "month", "lot", "right", "study",
        "book", "eye", "job", "word", "business", "issue", "side", "kind", "head", "house", "service", "friend",
        "father", "power", "hour", "game", "line", "end", "member", "law", "car", "city", "community", "name",
        "president", "team", "minute", "idea", "kid", "body", "information", "back", "parent", "face", "others",
        "level", "office", "door", "health", "person", "art", "war", "history", "party", "result", "change",
        "morning", "reason", "research", "girl", "guy", "moment", "air", "teacher", "force", "education", "good",
        "new", "first", "last", "long", "great", "little", "own", "other", "old", "big", "high", "different",
        "small", "large", "next", "early", "young", "important", "few", "public", "bad", "same", "able", "said",
        "made", "went", "came", "took", "found", "gave", "told", "became", "left", "felt", "brought", "began",
        "kept", "held", "wrote", "stood", "heard", "meant", "quickly", "slowly", "never", "always", "often",
    ];

    /// <summary>Page <paramref name="n"/>, UTF-8.</summary>
    public static byte[] Page(int n)
    {
        var random = new Random(n);
        var text = new StringBuilder(PageBytes + 64);
        var sentences = 0;
        while (text.Length < PageBytes)
        {
            var length = random.Next(6, 17);
            for (var i = 0; i < length; i++)
            {
                var word = Words[random.Next(Words.Length)];
                text.Append(i == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : word);
                text.Append(i == length - 1 ? ". " : random.Next(12) == 0 ? ", " : " ");
            }

            if (++sentences % 7 == 0)
            {
                text.Length--; // the sentence's trailing space becomes the paragraph break
                text.Append("\n\n");
            }
        }

        var cut = text.ToString(0, PageBytes);
        return Encoding.ASCII.GetBytes(cut[..(cut.LastIndexOf(' ') + 1)]);
    }

    /// <summary>Words in <paramref name="page"/> as Python's <c>str.split()</c> counts them (the pages are ASCII).</summary>
    public static int WordCount(byte[] page) =>
        Encoding.ASCII.GetString(page).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}
