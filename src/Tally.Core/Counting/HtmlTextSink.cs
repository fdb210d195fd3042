using System.Collections.Concurrent;
using System.Net;

namespace Tally.Counting;

/// <summary>
/// Counts the words a reader sees in HTML, streaming: tags, comments and the contents of
/// <c>script</c>, <c>style</c> and <c>template</c> are skipped, character references are decoded
/// (<c>&amp;nbsp;</c> is whitespace), and block-level tags separate words while inline ones do not
/// (<c>&lt;b&gt;bold&lt;/b&gt;er</c> is one word).
/// </summary>
/// <remarks>
/// A tolerant tokenizer after the HTML standard's, reduced to what counting needs; malformed
/// markup (unclosed tags, stray <c>&lt;</c>, unterminated comments) never throws. Every state
/// lives in fields, so a tag, comment or reference cut by a piece boundary carries over.
/// </remarks>
internal sealed class HtmlTextSink : ITextSink
{
    private const int MaxNameLength = 32;

    /// <summary>Named references decoded so far; only known names are kept, so it is bounded by the standard's list.</summary>
    private static readonly ConcurrentDictionary<string, char> KnownReferences = new(StringComparer.Ordinal);

    private static readonly HashSet<string> RawTextElements = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "template", "textarea", "title", "xmp", "noembed", "noframes" };

    private static readonly HashSet<string> SkippedElements = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "template", "noembed", "noframes" };

    private static readonly HashSet<string> InlineElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd", "mark", "q", "rp", "rt",
        "ruby", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr", "del", "ins",
        "label", "big", "nobr", "script", "style", "template",
    };

    private readonly char[] _name = new char[MaxNameLength];
    private TextWordCounter _counter;
    private State _state = State.Text;
    private int _nameLength;
    private bool _endTag;
    private char _quote;
    private int _dashes;
    private string? _rawElement;
    private bool _skipRawText;

    private enum State
    {
        Text,
        TagOpen,
        TagName,
        InTag,
        MarkupDeclaration,
        Comment,
        BogusComment,
        CharacterReference,
        RawText,
        RawTextLessThan,
        RawTextEndTagName,
    }

    public void Add(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            // Runs of text, and of skipped script or style, are scanned in bulk (vectorized) to the next '<' or '&'.
            if (_state == State.Text || (_state == State.RawText && _skipRawText))
            {
                var rest = text[i..];
                var run = _state == State.Text ? rest.IndexOfAny('<', '&') : rest.IndexOf('<');
                if (run < 0)
                {
                    Bulk(rest);
                    return;
                }

                Bulk(rest[..run]);
                i += run;
            }

            if (!Step(text[i]))
            {
                i--; // the character ended a construct and must be read again as text
            }
        }
    }

    private void Bulk(ReadOnlySpan<char> run)
    {
        if (_state == State.Text)
        {
            _counter.Add(run);
        }
    }

    public long Complete()
    {
        // Whatever was left open is what a browser would show: a stray '<' or an unfinished reference is text.
        if (_state == State.TagOpen || (_state == State.CharacterReference && _nameLength == 0))
        {
            Text(_state == State.TagOpen ? '<' : '&');
        }
        else if (_state == State.CharacterReference)
        {
            EndReference(terminated: false);
        }

        return _counter.Words;
    }

    /// <returns>False when <paramref name="c"/> was not consumed and must be stepped again.</returns>
    private bool Step(char c)
    {
        switch (_state)
        {
            case State.Text:
                if (c == '<')
                {
                    _state = State.TagOpen;
                }
                else if (c == '&')
                {
                    _state = State.CharacterReference;
                    _nameLength = 0;
                }
                else
                {
                    Text(c);
                }

                return true;

            case State.TagOpen:
                if (char.IsAsciiLetter(c) || c == '/')
                {
                    _endTag = c == '/';
                    _nameLength = 0;
                    if (!_endTag)
                    {
                        _name[_nameLength++] = c;
                    }

                    _state = State.TagName;
                    return true;
                }

                _state = c switch { '!' => State.MarkupDeclaration, '?' => State.BogusComment, _ => State.Text };
                _dashes = 0;
                if (_state == State.Text)
                {
                    Text('<');
                    return false;
                }

                return true;

            case State.TagName:
                if (char.IsAsciiLetterOrDigit(c) || c is '-' or ':')
                {
                    if (_nameLength < MaxNameLength)
                    {
                        _name[_nameLength++] = c;
                    }

                    return true;
                }

                if (_endTag && _nameLength == 0)
                {
                    // "</>" is dropped; "</ x>" or "</3" is a bogus comment, as browsers treat it.
                    _state = c == '>' ? State.Text : State.BogusComment;
                    return true;
                }

                _state = State.InTag;
                _quote = '\0';
                return false;

            case State.InTag:
                if (_quote != '\0')
                {
                    if (c == _quote)
                    {
                        _quote = '\0';
                    }
                }
                else if (c is '"' or '\'')
                {
                    _quote = c;
                }
                else if (c == '>')
                {
                    EndTag();
                }

                return true;

            case State.MarkupDeclaration:
                if (c == '-' && _dashes < 2)
                {
                    if (++_dashes == 2)
                    {
                        _state = State.Comment;
                        _dashes = 0;
                    }

                    return true;
                }

                _state = State.BogusComment;
                return false;

            case State.Comment:
                if (c == '>' && _dashes >= 2)
                {
                    _state = State.Text;
                }

                _dashes = c == '-' ? _dashes + 1 : 0;
                return true;

            case State.BogusComment:
                if (c == '>')
                {
                    _state = State.Text;
                }

                return true;

            case State.CharacterReference:
                if ((char.IsAsciiLetterOrDigit(c) || (c == '#' && _nameLength == 0) || (c is 'x' or 'X' && _nameLength == 1 && _name[0] == '#'))
                    && _nameLength < MaxNameLength)
                {
                    _name[_nameLength++] = c;
                    return true;
                }

                if (_nameLength == 0)
                {
                    Text('&');
                    _state = State.Text;
                    return false;
                }

                EndReference(terminated: c == ';');
                return c == ';';

            case State.RawText:
                if (c == '<')
                {
                    _state = State.RawTextLessThan;
                }
                else if (!_skipRawText)
                {
                    Text(c);
                }

                return true;

            case State.RawTextLessThan:
                if (c == '/')
                {
                    _state = State.RawTextEndTagName;
                    _nameLength = 0;
                    return true;
                }

                RawText('<');
                _state = State.RawText;
                return false;

            default: // RawTextEndTagName
                if (char.IsAsciiLetter(c) && _nameLength < MaxNameLength)
                {
                    _name[_nameLength++] = c;
                    return true;
                }

                if ((c is '>' or '/' || Whitespace.IsSpace(c)) && _name.AsSpan(0, _nameLength).Equals(_rawElement, StringComparison.OrdinalIgnoreCase))
                {
                    _endTag = true;
                    _state = State.InTag;
                    _quote = '\0';
                    return false;
                }

                RawText('<');
                RawText('/');
                foreach (var ch in _name.AsSpan(0, _nameLength))
                {
                    RawText(ch);
                }

                _state = State.RawText;
                return false;
        }
    }

    private void EndTag()
    {
        var name = _name.AsSpan(0, _nameLength);
        _state = State.Text;
        var lookup = RawTextElements.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!_endTag && lookup.TryGetValue(name, out var raw))
        {
            _rawElement = raw;
            _skipRawText = SkippedElements.Contains(raw);
            _state = State.RawText;
        }

        if (!InlineElements.GetAlternateLookup<ReadOnlySpan<char>>().Contains(name))
        {
            _counter.Break();
        }
    }

    private void EndReference(bool terminated)
    {
        var name = _name.AsSpan(0, _nameLength);
        _state = State.Text;
        if (name[0] == '#')
        {
            Text(DecodeNumeric(name[1..]));
            return;
        }

        if (terminated && Decode(name) is { } decoded)
        {
            Text(decoded);
            return;
        }

        // Not a known reference: it is shown as written.
        Text('&');
        foreach (var c in name)
        {
            Text(c);
        }

        if (terminated)
        {
            Text(';');
        }
    }

    private static char? Decode(ReadOnlySpan<char> name)
    {
        if (KnownReferences.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var known))
        {
            return known;
        }

        var reference = $"&{name};";
        var decoded = WebUtility.HtmlDecode(reference);
        if (decoded == reference)
        {
            return null;
        }

        KnownReferences.TryAdd(name.ToString(), decoded[0]);
        return decoded[0];
    }

    private static char DecodeNumeric(ReadOnlySpan<char> digits)
    {
        var hex = digits.Length > 0 && digits[0] is 'x' or 'X';
        var number = hex ? digits[1..] : digits;
        var style = hex ? System.Globalization.NumberStyles.AllowHexSpecifier : System.Globalization.NumberStyles.None;
        if (number.IsEmpty || !int.TryParse(number, style, null, out var code) || code is 0 or > 0x10FFFF || code is >= 0xD800 and <= 0xDFFF)
        {
            return '\uFFFD';
        }

        return code > 0xFFFF ? '\uFFFD' : (char)code; // no whitespace lies outside the BMP, so any astral character counts alike
    }

    private void RawText(char c)
    {
        if (!_skipRawText)
        {
            Text(c);
        }
    }

    private void Text(char c) => _counter.Add(c);
}
