namespace Tally.Counting;

/// <summary>
/// Counts words in decoded text fed in pieces: a word is a maximal run of characters that are
/// not <see cref="Whitespace.IsSpace(char)"/>, so the count equals Python's <c>len(text.split())</c>.
/// </summary>
/// <remarks>
/// No whitespace character lies outside the Basic Multilingual Plane, so a surrogate pair split
/// across two pieces counts correctly without carrying anything over.
/// </remarks>
public struct TextWordCounter
{
    private bool _inWord;

    /// <summary>The words counted so far.</summary>
    public long Words { get; private set; }

    /// <summary>Counts the words in <paramref name="text"/>, continuing a word left open by the previous piece.</summary>
    public void Add(ReadOnlySpan<char> text)
    {
        var inWord = _inWord;
        long words = 0;
        foreach (var c in text)
        {
            if (Whitespace.IsSpace(c))
            {
                inWord = false;
            }
            else if (!inWord)
            {
                inWord = true;
                words++;
            }
        }

        _inWord = inWord;
        Words += words;
    }

    /// <summary>Counts one character.</summary>
    public void Add(char c)
    {
        if (Whitespace.IsSpace(c))
        {
            _inWord = false;
        }
        else if (!_inWord)
        {
            _inWord = true;
            Words++;
        }
    }

    /// <summary>Ends the current word, as whitespace would (a block boundary in HTML).</summary>
    public void Break() => _inWord = false;

    /// <summary>Whether the text so far ends inside a word.</summary>
    internal readonly bool InWord => _inWord;

    /// <summary>Goes on as if this text came straight after text that ended inside a word or not.</summary>
    internal void ContinueAfter(bool inWord) => _inWord = inWord;
}
