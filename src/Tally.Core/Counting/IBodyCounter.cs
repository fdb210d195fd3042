namespace Tally.Counting;

/// <summary>Counts the words of a response body fed in pieces as they arrive.</summary>
public interface IBodyCounter
{
    /// <summary>Counts the next piece of the body.</summary>
    void Add(ReadOnlySpan<byte> bytes);

    /// <summary>Ends the body.</summary>
    /// <returns>The word count.</returns>
    long Complete();
}
