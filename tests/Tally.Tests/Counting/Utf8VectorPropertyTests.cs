using System.Text;
using Tally.Counting;

namespace Tally.Tests.Counting;

/// <summary>
/// The vector paths (512, 256 and 128 bits) and the scalar path, for UTF-8 bytes and for UTF-16 text, against an independent reference:
/// .NET's UTF-8 decoder (invalid bytes become U+FFFD, as Python's "replace" does) and a split on
/// Python's 29 whitespace characters. A million random byte strings drawn from every script, every
/// whitespace character and invalid bytes, each fed in a random chunking.
/// </summary>
public sealed class Utf8VectorPropertyTests
{
    private const int Cases = 1_000_000;

    private static readonly int[] Widths = [512, 256, 128, 0];

    /// <summary>Python's <c>str.isspace()</c> characters, from the Unicode tables (see generate_counts.py).</summary>
    private static readonly char[] PythonSpaces =
    [
        '\u0009', '\u000A', '\u000B', '\u000C', '\u000D', '\u001C', '\u001D', '\u001E', '\u001F', '\u0020', '\u0085', '\u00A0',
        '\u1680', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200A',
        '\u2028', '\u2029', '\u202F', '\u205F', '\u3000',
    ];

    /// <summary>Pieces text is made of: letters of many scripts, punctuation that shares lead bytes with whitespace, and near misses.</summary>
    private static readonly byte[][] Pieces =
    [
        .. "aZ09.,;'\"-".Select(c => new[] { (byte)c }),
        .. new[] { "é", "ß", "Ж", "щ", "ع", "ش", "ह", "ก", "日", "本", "語", "中", "あ", "ア", "한", "’", "“", "”", "—", "…", "•", "€", "™", "\u200B", "\u180E", "\uFEFF", "\u00AD", "\u2060", "\u3001", "\u3002", "\u00A9", "\u0080", "\u0084", "\u0086", "\u169F", "\u1681", "\u200B", "\u2027", "\u202A", "\u202E", "\u205E", "\u2060", "\u3001", "😀", "𝄞" }
            .Select(Encoding.UTF8.GetBytes),
        .. PythonSpaces.Select(c => Encoding.UTF8.GetBytes(c.ToString())),
    ];

    public static TheoryData<int> Shards => [.. Enumerable.Range(0, 4)];

    [Theory]
    [MemberData(nameof(Shards))]
    public void EveryVectorWidth_CountsAsTheReference_OnRandomTextInRandomChunks(int shard)
    {
        var random = new Random(20261125 + shard);
        var buffer = new List<byte>(512);
        for (var n = 0; n < Cases / Shards.Count; n++)
        {
            buffer.Clear();
            var length = random.Next(0, 200);
            while (buffer.Count < length)
            {
                AddPiece(buffer, random);
            }

            var bytes = buffer.ToArray();
            var width = Widths[n % Widths.Length];
            var counted = Count(bytes, width, random);
            var expected = Reference(bytes);
            if (counted != expected)
            {
                Assert.Fail($"{width}-bit path counted {counted}, the reference {expected}, for {Convert.ToHexString(bytes)}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shards))]
    public void EveryVectorWidth_CountsUtf16TextAsTheReference_InRandomChunks(int shard)
    {
        // The decoded-text path (HTML and legacy charsets): the same pieces, as UTF-16, unpaired surrogates included.
        var random = new Random(4242 + shard);
        var text = new System.Text.StringBuilder();
        for (var n = 0; n < Cases / 4 / Shards.Count; n++)
        {
            text.Clear();
            var length = random.Next(0, 120);
            while (text.Length < length)
            {
                text.Append(random.Next(50) == 0 ? (char)random.Next(0xD800, 0xE000) : Encoding.UTF8.GetString(Pieces[random.Next(Pieces.Length)]));
            }

            var s = text.ToString();
            var width = Widths[n % Widths.Length];
            var counter = new TextWordCounter();
            for (var i = 0; i < s.Length;)
            {
                var chunk = Math.Min(s.Length - i, random.Next(1, 80));
                counter.Add(s.AsSpan(i, chunk), width);
                i += chunk;
            }

            var expected = s.Split(PythonSpaces, StringSplitOptions.RemoveEmptyEntries).Length;
            if (counter.Words != expected)
            {
                Assert.Fail($"{width}-bit path counted {counter.Words}, the reference {expected}, for {Convert.ToHexString(Encoding.Unicode.GetBytes(s))}");
            }
        }
    }

    [Fact]
    public void LongText_CountsTheSame_AtEveryWidth()
    {
        var random = new Random(7);
        var buffer = new List<byte>();
        while (buffer.Count < 1 << 20)
        {
            AddPiece(buffer, random);
        }

        var bytes = buffer.ToArray();
        var expected = Reference(bytes);

        Assert.All(Widths, width => Assert.Equal(expected, Count(bytes, width, new Random(width))));
    }

    private static void AddPiece(List<byte> buffer, Random random)
    {
        var roll = random.Next(100);
        if (roll < 4)
        {
            buffer.Add((byte)random.Next(0x80, 0x100)); // a stray byte: a lone continuation, a bad or cut lead
        }
        else if (roll < 7)
        {
            var whole = Pieces[random.Next(Pieces.Length)];
            buffer.AddRange(whole.AsSpan(0, random.Next(1, whole.Length + 1)).ToArray()); // a sequence cut short
        }
        else
        {
            buffer.AddRange(Pieces[random.Next(Pieces.Length)]);
        }
    }

    private static long Count(byte[] bytes, int width, Random random)
    {
        var counter = new Utf8WordCounter();
        for (var i = 0; i < bytes.Length;)
        {
            var chunk = Math.Min(bytes.Length - i, random.Next(4) == 0 ? random.Next(1, 4) : random.Next(1, 300));
            counter.Add(bytes.AsSpan(i, chunk), width);
            i += chunk;
        }

        return counter.Complete();
    }

    private static long Reference(byte[] bytes) =>
        new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false)
            .GetString(bytes)
            .Split(PythonSpaces, StringSplitOptions.RemoveEmptyEntries)
            .Length;
}
