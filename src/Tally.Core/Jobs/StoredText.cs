using System.Diagnostics.CodeAnalysis;

namespace Tally.Jobs;

/// <summary>
/// The rule for text a record keeps from outside Tally (an origin's <c>Content-Type</c>, a redirect's target inside an
/// error, an exception's message): at most <see cref="MaxLength"/> characters, cut with a marker that says how long it
/// was, and only characters storage takes (a control character other than tab and line breaks, a lone surrogate or a
/// noncharacter becomes U+FFFD). What the origin sent is kept, bounded, so the user can see why a page failed.
/// </summary>
/// <remarks>
/// A table property holds 32K characters, and the results of a message's jobs are saved in one transaction: one page's
/// unbounded header would fail its neighbours' results with it. Every setter of such text calls <see cref="Bound"/>.
/// </remarks>
public static class StoredText
{
    /// <summary>The most characters a stored text from outside keeps, its marker included.</summary>
    public const int MaxLength = 2048;

    /// <summary><paramref name="text"/> as a record may keep it.</summary>
    [return: NotNullIfNotNull(nameof(text))]
    public static string? Bound(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var clean = IsWellFormed(text) ? text : Clean(text);
        if (clean.Length <= MaxLength)
        {
            return clean;
        }

        var marker = $"… (cut at {MaxLength:N0} characters of {text.Length:N0} characters in all)";
        var keep = MaxLength - marker.Length;
        if (char.IsHighSurrogate(clean[keep - 1]))
        {
            keep--; // never split a pair
        }

        return string.Concat(clean.AsSpan(0, keep), marker);
    }

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!IsKept(text, ref i))
            {
                return false;
            }
        }

        return true;
    }

    private static string Clean(string text) => string.Create(text.Length, text, static (chars, text) =>
    {
        for (var i = 0; i < text.Length; i++)
        {
            var start = i;
            var kept = IsKept(text, ref i);
            for (var j = start; j <= i; j++)
            {
                chars[j] = kept ? text[j] : '\uFFFD';
            }
        }
    });

    /// <summary>Whether the character at <paramref name="i"/> (a pair, moving <paramref name="i"/> past its first half) may be stored.</summary>
    private static bool IsKept(string text, ref int i)
    {
        var c = text[i];
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
        {
            i++;
            return true;
        }

        return c is '\t' or '\n' or '\r' || (c >= ' ' && !char.IsSurrogate(c) && c is not ('\uFFFE' or '\uFFFF'));
    }
}
