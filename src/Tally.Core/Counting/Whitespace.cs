namespace Tally.Counting;

/// <summary>
/// Whitespace exactly as Python's <c>str.isspace()</c> defines it: the characters whose
/// bidirectional class is WS, B or S, or whose category is Zs.
/// </summary>
/// <remarks>
/// It differs from <see cref="char.IsWhiteSpace(char)"/>: U+001C..U+001F separate words here,
/// and U+180E and U+200B do not.
/// </remarks>
public static class Whitespace
{
    /// <summary>Whether <paramref name="c"/> separates words.</summary>
    public static bool IsSpace(char c) => c switch
    {
        <= '\u0020' => c == ' ' || c is >= '\t' and <= '\r' || c is >= '\u001C' and <= '\u001F',
        < '\u0085' => false,
        '\u0085' or '\u00A0' or '\u1680' => true,
        >= '\u2000' and <= '\u200A' => true,
        '\u2028' or '\u2029' or '\u202F' or '\u205F' or '\u3000' => true,
        _ => false,
    };
}
