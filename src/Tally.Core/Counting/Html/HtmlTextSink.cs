using System.Buffers;

namespace Tally.Counting.Html;

/// <summary>
/// Counts the words a reader sees in HTML, as a browser's <c>document.body.innerText</c> shows them,
/// streaming: the tokenizer follows the HTML standard's states for tags, attributes, comments,
/// RCDATA, raw text and script data; character references decode with the standard's full table
/// (legacy names without ';', and numeric C1 references read as windows-1252); and
/// <see cref="OpenElements"/> knows which open elements hide their text.
/// </summary>
/// <remarks>
/// Every state lives in fields, so a tag, comment or reference cut by a piece boundary carries
/// over. Block boundaries and <c>br</c> separate words; inline elements do not
/// (<c>&lt;b&gt;bold&lt;/b&gt;er</c> is one word). Tally cannot see CSS, so text hidden by a
/// style sheet or a <c>style</c> attribute is counted.
/// </remarks>
internal sealed class HtmlTextSink : ITextSink
{
    private const int MaxTagName = 32;

    private static readonly SearchValues<char> DataSpecials = SearchValues.Create("<&\0");
    private static readonly SearchValues<char> ScriptEscapedSpecials = SearchValues.Create("-<");

    private readonly OpenElements _open = new();
    private readonly char[] _tagName = new char[MaxTagName];
    private readonly char[] _attributeName = new char[8];
    private readonly char[] _temp = new char[HtmlReferences.MaxNameLength + 8];
    private TextWordCounter _counter;
    private TextWordCounter _foster;
    private long _fosterWords;
    private State _state = State.Data;
    private State _returnState;
    private int _tagNameLength;
    private bool _tagNameOverflow;
    private bool _endTag;
    private bool _selfClosing;
    private int _attributeNameLength;
    private bool _hiddenAttribute;
    private bool _openAttribute;
    private int _tempLength;
    private string? _rawElement;
    private int _number;
    private bool _hex;
    private bool _digits;

    private enum State
    {
        Data,
        TagOpen,
        EndTagOpen,
        TagName,
        BeforeAttributeName,
        AttributeName,
        AfterAttributeName,
        BeforeAttributeValue,
        AttributeValueDoubleQuoted,
        AttributeValueSingleQuoted,
        AttributeValueUnquoted,
        AfterAttributeValueQuoted,
        SelfClosingStartTag,
        MarkupDeclarationOpen,
        CommentStart,
        CommentStartDash,
        Comment,
        CommentEndDash,
        CommentEnd,
        CommentEndBang,
        BogusComment,
        CharacterReference,
        NamedCharacterReference,
        NumericCharacterReference,
        NumericDigits,
        RcData,
        RawText,
        PlainText,
        ScriptData,
        TextLessThan,
        TextEndTagOpen,
        TextEndTagName,
        ScriptDataEscapeStart,
        ScriptDataEscapeStartDash,
        ScriptDataEscaped,
        ScriptDataEscapedDash,
        ScriptDataEscapedDashDash,
        ScriptDataEscapedLessThan,
        ScriptDataDoubleEscapeStart,
        ScriptDataDoubleEscaped,
        ScriptDataDoubleEscapedDash,
        ScriptDataDoubleEscapedDashDash,
        ScriptDataDoubleEscapedLessThan,
        ScriptDataDoubleEscapeEnd,
    }

    public void Add(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var skipped = Skip(text[i..]);
            if (skipped == text.Length - i)
            {
                return;
            }

            i += skipped;
            while (!Step(text[i]))
            {
                // the character ended a construct and is read again in the new state
            }
        }
    }

    public long Complete()
    {
        switch (_state)
        {
            case State.TagOpen:
                Text('<');
                break;
            case State.EndTagOpen:
                Text('<');
                Text('/');
                break;
            case State.CharacterReference:
                Text('&');
                break;
            case State.NamedCharacterReference:
                ResolveNamed();
                break;
            case State.NumericCharacterReference or State.NumericDigits:
                EndNumeric();
                break;
            case State.TextLessThan or State.ScriptDataEscapedLessThan:
                Text('<');
                break;
            case State.TextEndTagOpen or State.TextEndTagName:
                FlushEndTagAsText();
                break;
        }

        return _counter.Words + _fosterWords + _foster.Words;
    }

    /// <summary>Consumes, in bulk, the run of characters at the start of <paramref name="text"/> that cannot change the state.</summary>
    /// <returns>How many characters were consumed.</returns>
    private int Skip(ReadOnlySpan<char> text)
    {
        var run = _state switch
        {
            State.Data when _open.Hidden => text.IndexOf('<'),
            State.Data => text.IndexOfAny(DataSpecials),
            State.RcData or State.RawText or State.ScriptData => text.IndexOf('<'),
            State.PlainText => -1,
            State.Comment => text.IndexOf('-'),
            State.BogusComment => text.IndexOf('>'),
            State.AttributeValueDoubleQuoted => text.IndexOf('"'),
            State.AttributeValueSingleQuoted => text.IndexOf('\''),
            State.ScriptDataEscaped or State.ScriptDataDoubleEscaped => text.IndexOfAny(ScriptEscapedSpecials),
            _ => 0,
        };
        if (run == 0)
        {
            return 0;
        }

        var consumed = run < 0 ? text : text[..run];
        if (_state is State.Data or State.RawText or State.PlainText && !_open.Hidden)
        {
            if (_open.FosterText)
            {
                _foster.Add(consumed);
            }
            else
            {
                _counter.Add(consumed);
            }
        }

        return consumed.Length;
    }

    /// <returns>False when <paramref name="c"/> was not consumed and must be stepped again.</returns>
    private bool Step(char c)
    {
        switch (_state)
        {
            case State.Data:
                if (c == '<')
                {
                    _state = State.TagOpen;
                }
                else if (c == '&')
                {
                    _returnState = State.Data;
                    _state = State.CharacterReference;
                }
                else if (c != '\0')
                {
                    Text(c); // NUL is dropped by the tree builder
                }

                return true;

            case State.TagOpen:
                if (char.IsAsciiLetter(c))
                {
                    StartTag(endTag: false);
                    return false;
                }

                _tempLength = 0;
                _state = c switch { '!' => State.MarkupDeclarationOpen, '/' => State.EndTagOpen, '?' => State.BogusComment, _ => State.Data };
                if (_state == State.Data)
                {
                    Text('<');
                    return false;
                }

                return true;

            case State.EndTagOpen:
                if (char.IsAsciiLetter(c))
                {
                    StartTag(endTag: true);
                    return false;
                }

                _state = c == '>' ? State.Data : State.BogusComment; // "</>" is dropped; "</3" is a bogus comment
                return c == '>';

            case State.TagName:
                if (IsTagSpace(c))
                {
                    _state = State.BeforeAttributeName;
                }
                else if (c == '/')
                {
                    _state = State.SelfClosingStartTag;
                }
                else if (c == '>')
                {
                    EmitTag();
                }
                else if (_tagNameLength < MaxTagName)
                {
                    _tagName[_tagNameLength++] = char.ToLowerInvariant(c);
                }
                else
                {
                    _tagNameOverflow = true;
                }

                return true;

            case State.BeforeAttributeName:
                if (IsTagSpace(c))
                {
                    return true;
                }

                if (c is '/' or '>')
                {
                    _state = State.AfterAttributeName;
                    return false;
                }

                _attributeNameLength = 0;
                _state = State.AttributeName;
                if (c == '=')
                {
                    AppendAttributeName(c); // "<p =x>": an attribute named "="
                    return true;
                }

                return false;

            case State.AttributeName:
                if (IsTagSpace(c) || c is '/' or '>')
                {
                    EndAttributeName();
                    _state = State.AfterAttributeName;
                    return false;
                }

                if (c == '=')
                {
                    EndAttributeName();
                    _state = State.BeforeAttributeValue;
                    return true;
                }

                AppendAttributeName(c); // quotes and '<' are part of the name here, as in a browser
                return true;

            case State.AfterAttributeName:
                if (IsTagSpace(c))
                {
                    return true;
                }

                switch (c)
                {
                    case '/':
                        _state = State.SelfClosingStartTag;
                        return true;
                    case '=':
                        _state = State.BeforeAttributeValue;
                        return true;
                    case '>':
                        EmitTag();
                        return true;
                    default:
                        _attributeNameLength = 0;
                        _state = State.AttributeName;
                        return false;
                }

            case State.BeforeAttributeValue:
                if (IsTagSpace(c))
                {
                    return true;
                }

                _state = c switch { '"' => State.AttributeValueDoubleQuoted, '\'' => State.AttributeValueSingleQuoted, _ => State.AttributeValueUnquoted };
                if (c == '>')
                {
                    EmitTag();
                    return true;
                }

                return _state != State.AttributeValueUnquoted;

            case State.AttributeValueDoubleQuoted:
                if (c == '"')
                {
                    _state = State.AfterAttributeValueQuoted;
                }

                return true;

            case State.AttributeValueSingleQuoted:
                if (c == '\'')
                {
                    _state = State.AfterAttributeValueQuoted;
                }

                return true;

            case State.AttributeValueUnquoted:
                if (IsTagSpace(c))
                {
                    _state = State.BeforeAttributeName;
                }
                else if (c == '>')
                {
                    EmitTag();
                }

                return true; // a quote inside an unquoted value is part of it

            case State.AfterAttributeValueQuoted:
                if (IsTagSpace(c))
                {
                    _state = State.BeforeAttributeName;
                    return true;
                }

                if (c == '/')
                {
                    _state = State.SelfClosingStartTag;
                    return true;
                }

                if (c == '>')
                {
                    EmitTag();
                    return true;
                }

                _state = State.BeforeAttributeName;
                return false;

            case State.SelfClosingStartTag:
                if (c == '>')
                {
                    _selfClosing = true;
                    EmitTag();
                    return true;
                }

                _state = State.BeforeAttributeName;
                return false;

            case State.MarkupDeclarationOpen:
                return MarkupDeclaration(c);

            case State.CommentStart:
                _state = c switch { '-' => State.CommentStartDash, '>' => State.Data, _ => State.Comment };
                return _state != State.Comment;

            case State.CommentStartDash:
                _state = c switch { '-' => State.CommentEnd, '>' => State.Data, _ => State.Comment };
                return _state != State.Comment;

            case State.Comment:
                if (c == '-')
                {
                    _state = State.CommentEndDash;
                }

                return true;

            case State.CommentEndDash:
                _state = c == '-' ? State.CommentEnd : State.Comment;
                return true;

            case State.CommentEnd:
                _state = c switch { '>' => State.Data, '!' => State.CommentEndBang, '-' => State.CommentEnd, _ => State.Comment };
                return true;

            case State.CommentEndBang:
                _state = c switch { '-' => State.CommentEndDash, '>' => State.Data, _ => State.Comment };
                return true;

            case State.BogusComment:
                if (c == '>')
                {
                    _state = State.Data;
                }

                return true;

            case State.CharacterReference:
                _tempLength = 0;
                if (char.IsAsciiLetterOrDigit(c))
                {
                    _state = State.NamedCharacterReference;
                    return false;
                }

                if (c == '#')
                {
                    _state = State.NumericCharacterReference;
                    _number = 0;
                    _hex = false;
                    _digits = false;
                    return true;
                }

                Text('&');
                _state = _returnState;
                return false;

            case State.NamedCharacterReference:
                if (char.IsAsciiLetterOrDigit(c) && _tempLength < HtmlReferences.MaxNameLength)
                {
                    _temp[_tempLength++] = c;
                    return true;
                }

                if (c == ';' && _tempLength < HtmlReferences.MaxNameLength)
                {
                    _temp[_tempLength++] = c;
                    ResolveNamed();
                    return true;
                }

                ResolveNamed();
                return false;

            case State.NumericCharacterReference:
                if (c is 'x' or 'X' && !_hex)
                {
                    _hex = true;
                    return true;
                }

                _state = State.NumericDigits;
                return false;

            case State.NumericDigits:
                var digit = char.IsAsciiDigit(c) ? c - '0'
                    : _hex && char.IsAsciiHexDigitLower(c) ? c - 'a' + 10
                    : _hex && char.IsAsciiHexDigitUpper(c) ? c - 'A' + 10
                    : -1;
                if (digit >= 0)
                {
                    _digits = true;
                    _number = Math.Min(0x110000, (_number * (_hex ? 16 : 10)) + digit);
                    return true;
                }

                var terminated = c == ';' && _digits;
                EndNumeric();
                return terminated;

            case State.RcData or State.RawText or State.ScriptData:
                if (c == '<')
                {
                    _returnState = _state;
                    _state = State.TextLessThan;
                }
                else
                {
                    Text(c);
                }

                return true;

            case State.PlainText:
                Text(c);
                return true;

            case State.TextLessThan:
                if (c == '/')
                {
                    _tempLength = 0;
                    _state = State.TextEndTagOpen;
                    return true;
                }

                if (c == '!' && _returnState == State.ScriptData)
                {
                    _state = State.ScriptDataEscapeStart;
                    return true;
                }

                Text('<');
                _state = _returnState;
                return false;

            case State.TextEndTagOpen or State.TextEndTagName:
                return EndTagInText(c);

            default:
                return ScriptEscapes(c);
        }
    }

    /// <summary>The script data escape states, where <c>&lt;!-- &lt;script&gt; … &lt;/script&gt; --&gt;</c> does not end the script.</summary>
    private bool ScriptEscapes(char c)
    {
        switch (_state)
        {
            case State.ScriptDataEscapeStart:
                _state = c == '-' ? State.ScriptDataEscapeStartDash : State.ScriptData;
                return c == '-';

            case State.ScriptDataEscapeStartDash:
                _state = c == '-' ? State.ScriptDataEscapedDashDash : State.ScriptData;
                return c == '-';

            case State.ScriptDataEscaped or State.ScriptDataEscapedDash or State.ScriptDataEscapedDashDash:
                _state = (c, _state) switch
                {
                    ('-', State.ScriptDataEscaped) => State.ScriptDataEscapedDash,
                    ('-', _) => State.ScriptDataEscapedDashDash,
                    ('<', _) => State.ScriptDataEscapedLessThan,
                    ('>', State.ScriptDataEscapedDashDash) => State.ScriptData,
                    _ => State.ScriptDataEscaped,
                };
                return true;

            case State.ScriptDataEscapedLessThan:
                if (c == '/')
                {
                    _tempLength = 0;
                    _returnState = State.ScriptDataEscaped;
                    _state = State.TextEndTagOpen;
                    return true;
                }

                _tempLength = 0;
                _state = char.IsAsciiLetter(c) ? State.ScriptDataDoubleEscapeStart : State.ScriptDataEscaped;
                return false;

            case State.ScriptDataDoubleEscapeStart or State.ScriptDataDoubleEscapeEnd:
                var escaped = _state == State.ScriptDataDoubleEscapeStart;
                if (IsTagSpace(c) || c is '/' or '>')
                {
                    var script = _temp.AsSpan(0, _tempLength).SequenceEqual("script");
                    _state = escaped == script ? State.ScriptDataDoubleEscaped : State.ScriptDataEscaped;
                    return true;
                }

                if (char.IsAsciiLetter(c) && _tempLength < _temp.Length)
                {
                    _temp[_tempLength++] = char.ToLowerInvariant(c);
                    return true;
                }

                _state = escaped ? State.ScriptDataEscaped : State.ScriptDataDoubleEscaped;
                return false;

            case State.ScriptDataDoubleEscaped or State.ScriptDataDoubleEscapedDash or State.ScriptDataDoubleEscapedDashDash:
                _state = (c, _state) switch
                {
                    ('-', State.ScriptDataDoubleEscaped) => State.ScriptDataDoubleEscapedDash,
                    ('-', _) => State.ScriptDataDoubleEscapedDashDash,
                    ('<', _) => State.ScriptDataDoubleEscapedLessThan,
                    ('>', State.ScriptDataDoubleEscapedDashDash) => State.ScriptData,
                    _ => State.ScriptDataDoubleEscaped,
                };
                return true;

            default: // ScriptDataDoubleEscapedLessThan
                _tempLength = 0;
                _state = c == '/' ? State.ScriptDataDoubleEscapeEnd : State.ScriptDataDoubleEscaped;
                return c == '/';
        }
    }

    /// <summary>After "&lt;!": a comment, a DOCTYPE (read as a bogus comment, as it shows nothing), CDATA or a bogus comment.</summary>
    private bool MarkupDeclaration(char c)
    {
        _temp[_tempLength++] = c;
        var seen = _temp.AsSpan(0, _tempLength);
        if (seen.SequenceEqual("--"))
        {
            _state = State.CommentStart;
            return true;
        }

        if ("--".AsSpan().StartsWith(seen) || "doctype".AsSpan().StartsWith(seen, StringComparison.OrdinalIgnoreCase) || "[CDATA[".AsSpan().StartsWith(seen))
        {
            if (_tempLength == 7)
            {
                _state = State.BogusComment;
            }

            return true;
        }

        // Not a comment: what was read is a bogus comment, which the last character may already end.
        _state = c == '>' ? State.Data : State.BogusComment;
        return true;
    }

    /// <summary>After "&lt;/" in RCDATA, raw text or script data: the element's own end tag, or text.</summary>
    private bool EndTagInText(char c)
    {
        if (char.IsAsciiLetter(c) && _tempLength < _temp.Length)
        {
            _temp[_tempLength++] = char.ToLowerInvariant(c);
            _state = State.TextEndTagName;
            return true;
        }

        if (_state == State.TextEndTagName && (IsTagSpace(c) || c is '/' or '>') && _temp.AsSpan(0, _tempLength).SequenceEqual(_rawElement))
        {
            _endTag = true;
            _tagNameOverflow = false;
            _tagNameLength = _tempLength;
            _temp.AsSpan(0, _tempLength).CopyTo(_tagName);
            _hiddenAttribute = _openAttribute = false;
            _state = State.TagName;
            return false;
        }

        FlushEndTagAsText();
        _state = _returnState;
        return false;
    }

    private void FlushEndTagAsText()
    {
        if (_returnState is State.ScriptData or State.ScriptDataEscaped)
        {
            return;
        }

        Text('<');
        Text('/');
        foreach (var t in _temp.AsSpan(0, _tempLength))
        {
            Text(t);
        }
    }

    private void StartTag(bool endTag)
    {
        _endTag = endTag;
        _tagNameLength = 0;
        _tagNameOverflow = false;
        _selfClosing = false;
        _hiddenAttribute = _openAttribute = false;
        _state = State.TagName;
    }

    private void AppendAttributeName(char c)
    {
        if (_attributeNameLength < _attributeName.Length)
        {
            _attributeName[_attributeNameLength] = char.ToLowerInvariant(c);
        }

        _attributeNameLength++;
    }

    private void EndAttributeName()
    {
        if (_attributeNameLength > _attributeName.Length)
        {
            return;
        }

        var name = _attributeName.AsSpan(0, _attributeNameLength);
        _hiddenAttribute |= name.SequenceEqual("hidden");
        _openAttribute |= name.SequenceEqual("open");
    }

    private void EmitTag()
    {
        _state = State.Data;
        var name = _tagName.AsSpan(0, _tagNameLength);
        var known = HtmlElements.Lookup.TryGetValue(name, out var element) && !_tagNameOverflow;
        var (knownName, traits) = known ? element : (null, ElementTraits.None);

        if (_open.InMath)
        {
            _counter.Break(); // every MathML element is a line of its own
        }

        if (_endTag)
        {
            var table = name.SequenceEqual("table") && _open.InTable;
            var closed = !name.SequenceEqual("br") && _open.Close(name, traits);
            if ((traits & ElementTraits.Block) != 0 && (closed || name.SequenceEqual("p") || name.SequenceEqual("br")))
            {
                _counter.Break(); // "</p>" with no p open makes an empty one, and "</br>" is a <br>
            }

            if (table && !_open.InTable)
            {
                _fosterWords += _foster.Words; // text the parser moved out of the table, joined to what came before it
                _foster = default;
            }

            return;
        }

        if (_open.InForeign)
        {
            if (!known || (traits & (ElementTraits.Block | ElementTraits.Void)) == 0)
            {
                if (!_selfClosing)
                {
                    var hides = HtmlElements.ForeignHidden.TryGetValue(name, out var hiddenName);
                    _open.OpenForeign(hiddenName ?? knownName ?? string.Empty, hides);
                }

                return;
            }

            _open.LeaveForeign(); // an HTML block such as <p> or <div> (or <br>, <img>) ends SVG and MathML
        }

        if ((traits & ElementTraits.TablePart) != 0 && !_open.InTable || name.SequenceEqual("body") || name.SequenceEqual("html"))
        {
            return; // ignored by the parser: a cell or row outside a table, and a second <body> or <html>
        }

        if (name.SequenceEqual("table") && !_open.InTable)
        {
            _foster.ContinueAfter(_counter.InWord);
        }

        if ((known || _hiddenAttribute) && !(_selfClosing && (traits & ElementTraits.Foreign) != 0))
        {
            _open.Open(knownName ?? new string(name), traits, _hiddenAttribute, _openAttribute);
        }

        if ((traits & ElementTraits.Block) != 0 && !_open.Hidden && !name.SequenceEqual("table"))
        {
            _counter.Break(); // a block that is not rendered makes no line; a table's line starts at its first cell
        }

        if ((traits & (ElementTraits.RcData | ElementTraits.RawText | ElementTraits.Script | ElementTraits.PlainText)) != 0)
        {
            _rawElement = knownName;
            _state = (traits & ElementTraits.RcData) != 0 ? State.RcData
                : (traits & ElementTraits.RawText) != 0 ? State.RawText
                : (traits & ElementTraits.Script) != 0 ? State.ScriptData
                : State.PlainText;
        }
    }

    /// <summary>Decodes the longest known name at the start of what was read ('&amp;' excluded); the rest is text.</summary>
    private void ResolveNamed()
    {
        _state = _returnState;
        var read = _temp.AsSpan(0, _tempLength);
        var lookup = HtmlReferences.Named.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var length = read.Length; length > 0; length--)
        {
            if (lookup.TryGetValue(read[..length], out var decoded))
            {
                foreach (var d in decoded)
                {
                    Text(d);
                }

                read = read[length..];
                foreach (var r in read)
                {
                    Text(r);
                }

                return;
            }
        }

        Text('&');
        foreach (var r in read)
        {
            Text(r);
        }
    }

    private void EndNumeric()
    {
        _state = _returnState;
        if (!_digits)
        {
            Text('&');
            Text('#');
            if (_hex)
            {
                Text('x');
            }

            return;
        }

        var code = _number;
        if (code is 0 or > 0x10FFFF || code is >= 0xD800 and <= 0xDFFF)
        {
            Text('\uFFFD');
        }
        else if (HtmlReferences.NumericReplacements.TryGetValue(code, out var replacement))
        {
            Text(replacement);
        }
        else
        {
            Text(code > 0xFFFF ? 'x' : (char)code); // no whitespace lies outside the BMP, so an astral character counts as any letter
        }
    }

    private void Text(char c)
    {
        if (_open.Hidden)
        {
            return;
        }

        if (_open.FosterText)
        {
            _foster.Add(c);
        }
        else
        {
            _counter.Add(c);
        }
    }

    /// <summary>The whitespace that separates a tag's parts: tab, line feed, form feed, space (and carriage return, which the input stream turns into a line feed).</summary>
    private static bool IsTagSpace(char c) => c is ' ' or '\t' or '\n' or '\f' or '\r';
}
