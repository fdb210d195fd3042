using Tally.Jobs;

namespace Tally.Tests.Jobs;

/// <summary>The rule for text a record keeps from outside: bounded, marked where cut, and only characters storage takes.</summary>
public sealed class StoredTextTests
{
    [Fact]
    public void ShortCleanText_IsKeptAsItIs() => Assert.Same("text/html; charset=utf-8", StoredText.Bound("text/html; charset=utf-8"));

    [Fact]
    public void LongText_IsCutToTheBound_WithAMarkerSayingItsLength()
    {
        var bounded = StoredText.Bound(new string('x', 40_000));

        Assert.Equal(StoredText.MaxLength, bounded.Length);
        Assert.EndsWith("… (cut at 2,048 characters of 40,000 characters in all)", bounded);
    }

    [Theory]
    [InlineData("a\0b", "a\uFFFDb")]
    [InlineData("a\u0001\u001Fb", "a\uFFFD\uFFFDb")]
    [InlineData("non\uFFFEchar\uFFFF", "non\uFFFDchar\uFFFD")]
    [InlineData("tab\tline\r\nkept", "tab\tline\r\nkept")]
    [InlineData("pair \uD83D\uDE00 kept", "pair \uD83D\uDE00 kept")]
    public void CharactersStorageRefuses_BecomeReplacementCharacters(string text, string stored) => Assert.Equal(stored, StoredText.Bound(text));

    [Fact]
    public void LoneSurrogates_BecomeReplacementCharacters()
    {
        // Built here, not in attributes: a test runner's serialisation of a lone surrogate changes it.
        var (high, low) = ((char)0xD800, (char)0xDC00);

        Assert.Equal("lone \uFFFD high, \uFFFD low, end \uFFFD", StoredText.Bound($"lone {high} high, {low} low, end {high}"));
    }

    [Fact]
    public void ACut_NeverSplitsASurrogatePair()
    {
        var bounded = StoredText.Bound(new string('x', 1990) + string.Concat(Enumerable.Repeat("\uD83D\uDE00", 1000)));

        Assert.True(bounded.Length <= StoredText.MaxLength);
        Assert.Equal(bounded, StoredText.Bound(bounded)); // well formed: bounding it again changes nothing
        Assert.DoesNotContain('\uFFFD', bounded);
    }
}
