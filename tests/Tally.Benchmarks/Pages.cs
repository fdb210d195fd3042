using System.Text;

namespace Tally.Benchmarks;

/// <summary>Deterministic 64 MiB pages: English-like plain text, and HTML with navigation, scripts, styles and entities.</summary>
internal static class Pages
{
    public const int Size = 64 * 1024 * 1024;

    private static readonly string[] Words =
        ["the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "counting", "words", "streams", "through", "pooled",
         "buffers", "café", "naïve", "Tally", "queue", "trigger", "results", "a", "of", "and", "to", "in", "is", "it", "—"];

    public static byte[] PlainText()
    {
        var random = new Random(42);
        var text = new StringBuilder(Size + 64);
        while (text.Length < Size)
        {
            text.Append(Words[random.Next(Words.Length)]).Append(random.Next(12) == 0 ? "\n" : " ");
        }

        return Truncate(text);
    }

    public static byte[] Html()
    {
        var random = new Random(7);
        var html = new StringBuilder(Size + 4096);
        html.Append("<!DOCTYPE html><html><head><title>Benchmark page</title><style>p{margin:0}</style></head><body>");
        while (html.Length < Size)
        {
            html.Append("<nav><ul><li><a href=\"/home\">Home</a></li><li><a href=\"/about\">About&nbsp;us</a></li></ul></nav>");
            html.Append("<script>window.x = (window.x || 0) + 1; if (a < b) { track('</p>'); }</script><article><h2>Section</h2><p>");
            for (var i = 0; i < 200; i++)
            {
                html.Append(i % 17 == 0 ? "<b>" : "").Append(Words[random.Next(Words.Length)]).Append(i % 17 == 0 ? "</b> " : i % 23 == 0 ? "&amp; " : " ");
            }

            html.Append("</p><!-- a comment --></article>");
        }

        return Truncate(html);
    }

    private static byte[] Truncate(StringBuilder text)
    {
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        return bytes.AsSpan(0, Size).ToArray();
    }
}
