namespace Tally.Counting;

/// <summary>Thrown when a body is not text, by its declared type or by its first bytes, so it has no words to count.</summary>
public sealed class NotTextException : Exception
{
    /// <summary>A body whose declared media type is not text.</summary>
    /// <param name="contentType">The media type the origin declared.</param>
    public NotTextException(string contentType)
        : base($"The page is '{contentType}', which is not text: Tally counts words in text and HTML pages only.") => ContentType = contentType;

    private NotTextException(string message, Exception? inner)
        : base(message, inner)
    {
    }

    /// <summary>The media type the origin declared; null when the body was found binary with none usable.</summary>
    public string? ContentType { get; }

    /// <summary>An unlabelled body whose byte at <paramref name="offset"/> is a binary data byte.</summary>
    internal static NotTextException Binary(int offset, byte value) => new(
        $"Byte {offset} of the page is 0x{value:X2}, a binary data byte, and the page has no Content-Type Tally can read, so it is not text "
        + "(the WHATWG MIME Sniffing rule for unlabelled bodies): Tally counts words in text and HTML pages only.",
        null);
}
