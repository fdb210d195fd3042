namespace Tally.Counting;

/// <summary>Thrown when a body's content type is not text, so it has no words to count.</summary>
public sealed class NotTextException(string contentType)
    : Exception($"The page is '{contentType}', which is not text: Tally counts words in text and HTML pages only.")
{
    /// <summary>The media type the origin declared.</summary>
    public string ContentType { get; } = contentType;
}
