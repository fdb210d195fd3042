namespace Tally.Counting.Html;

/// <summary>
/// The stack of open elements, reduced to what decides whether text is seen: which open elements
/// hide their content, and the parser's rules for which start and end tags close which elements.
/// </summary>
/// <remarks>
/// Only elements that can matter are pushed: the known ones (blocks, tables, the hiding ones) and
/// unknown ones carrying <c>hidden</c>. Like a browser's parser, it stops nesting at 512 levels.
/// </remarks>
internal sealed class OpenElements
{
    private const int MaxDepth = 512;

    private readonly List<Entry> _stack = [];
    private int _foreignRoot = -1;
    private int _tables;

    /// <summary>Whether text here is not rendered.</summary>
    public bool Hidden => _stack.Count > 0 && _stack[^1].Hidden;

    /// <summary>Whether the current node is inside SVG or MathML.</summary>
    public bool InForeign => _foreignRoot >= 0;

    /// <summary>Whether the current node is inside MathML, where every element is a line of its own.</summary>
    public bool InMath => _foreignRoot >= 0 && _stack[_foreignRoot].Name == "math";

    /// <summary>Whether a table is open.</summary>
    public bool InTable => _tables > 0;

    /// <summary>Whether text here is outside any cell of a table, so the parser moves it to just before the table.</summary>
    public bool FosterText => _stack.Count > 0 && _stack[^1].Name is "table" or "tbody" or "thead" or "tfoot" or "tr";

    /// <summary>Opens an element, first closing what its start tag implies (an open <c>p</c>, a previous list item or cell).</summary>
    public void Open(string name, ElementTraits traits, bool hiddenAttribute, bool openAttribute)
    {
        CloseImplied(name, traits);
        if ((traits & ElementTraits.Void) != 0 || _stack.Count == MaxDepth)
        {
            return;
        }

        var parent = _stack.Count > 0 ? _stack[^1] : default;
        var hidden = parent.Hidden || hiddenAttribute || (traits & ElementTraits.Hides) != 0 || (name == "dialog" && !openAttribute);
        var closedDetails = name == "details" && !openAttribute;
        if (name == "summary" && parent.ClosedDetails)
        {
            hidden = parent.OuterHidden || hiddenAttribute; // a closed details shows its summary and nothing else
        }

        _stack.Add(new Entry(name, traits, closedDetails || hidden, closedDetails, hidden));
        _tables += name == "table" ? 1 : 0;
        if ((traits & ElementTraits.Foreign) != 0 && _foreignRoot < 0)
        {
            _foreignRoot = _stack.Count - 1;
        }
    }

    /// <summary>Opens an element inside SVG or MathML, where only nesting and the never-rendered ones (<c>title</c>, <c>desc</c>…) matter.</summary>
    public void OpenForeign(string name, bool hides)
    {
        if (_stack.Count < MaxDepth)
        {
            var hidden = Hidden || hides;
            _stack.Add(new Entry(name, ElementTraits.None, hidden, false, hidden));
        }
    }

    /// <summary>Leaves SVG or MathML, as an HTML start tag such as <c>p</c> or <c>div</c> inside it does.</summary>
    public void LeaveForeign() => PopTo(_foreignRoot);

    /// <summary>Closes the element an end tag names, by the parser's rules; an end tag with nothing to close is ignored.</summary>
    /// <returns>Whether an element that was rendered was closed.</returns>
    public bool Close(ReadOnlySpan<char> name, ElementTraits traits)
    {
        // A special element's end tag closes through to it within scope; any other stops at the first special element.
        var stop = (traits & ElementTraits.Special) != 0 || InForeign ? ElementTraits.Scope : ElementTraits.Special | ElementTraits.Scope;
        var table = name.SequenceEqual("table"); // "</table>" closes through open cells: only html and template bound it
        var heading = IsHeading(name);            // any heading's end tag closes whichever heading is open
        for (var i = _stack.Count - 1; i >= 0; i--)
        {
            if (name.SequenceEqual(_stack[i].Name) || (heading && IsHeading(_stack[i].Name)))
            {
                var rendered = !_stack[i].OuterHidden;
                PopTo(i);
                return rendered;
            }

            if (table ? _stack[i].Name is "html" or "template" : (_stack[i].Traits & stop) != 0)
            {
                return false;
            }
        }

        return false;
    }

    private static bool IsHeading(ReadOnlySpan<char> name) => name is ['h', >= '1' and <= '6'];

    private void CloseImplied(string name, ElementTraits traits)
    {
        switch (name)
        {
            case "li":
                CloseListItem("li", null);
                break;
            case "dd" or "dt":
                CloseListItem("dd", "dt");
                break;
            case "td" or "th" or "tr" or "tbody" or "thead" or "tfoot":
                CloseTablePart(name);
                return;
            case "option" or "optgroup":
                if (_stack.Count > 0 && _stack[^1].Name == "option")
                {
                    PopTo(_stack.Count - 1);
                }

                return;
        }

        if ((traits & ElementTraits.ClosesP) != 0)
        {
            CloseWithinScope("p");
        }

        if (IsHeading(name) && _stack.Count > 0 && IsHeading(_stack[^1].Name))
        {
            PopTo(_stack.Count - 1);
        }
    }

    private void CloseListItem(string name, string? alternative)
    {
        for (var i = _stack.Count - 1; i >= 0; i--)
        {
            var entry = _stack[i];
            if (entry.Name == name || entry.Name == alternative)
            {
                PopTo(i);
                return;
            }

            if ((entry.Traits & ElementTraits.Special) != 0 && entry.Name is not ("address" or "div" or "p"))
            {
                return;
            }
        }
    }

    private void CloseTablePart(string name)
    {
        // A new cell closes the open cell; a new row closes the open row (and its cell); a new section closes the open section.
        var closes = name switch
        {
            "td" or "th" => ["td", "th"],
            "tr" => ["tr", "td", "th"],
            _ => new[] { "tbody", "thead", "tfoot", "tr", "td", "th" },
        };
        var found = -1;
        for (var i = _stack.Count - 1; i >= 0 && _stack[i].Name != "table"; i--)
        {
            if (Array.IndexOf(closes, _stack[i].Name) >= 0)
            {
                found = i;
            }
        }

        if (found >= 0)
        {
            PopTo(found);
        }
    }

    private void CloseWithinScope(string name)
    {
        for (var i = _stack.Count - 1; i >= 0; i--)
        {
            if (_stack[i].Name == name)
            {
                PopTo(i);
                return;
            }

            if ((_stack[i].Traits & ElementTraits.Scope) != 0 || _stack[i].Name == "button")
            {
                return;
            }
        }
    }

    private void PopTo(int index)
    {
        if (index < 0)
        {
            return;
        }

        for (var i = index; i < _stack.Count; i++)
        {
            _tables -= _stack[i].Name == "table" ? 1 : 0;
        }

        _stack.RemoveRange(index, _stack.Count - index);
        if (_foreignRoot >= _stack.Count)
        {
            _foreignRoot = -1;
        }
    }

    /// <param name="Name">The element's lower-case name.</param>
    /// <param name="Traits">Its traits.</param>
    /// <param name="Hidden">Whether text directly inside it is not rendered.</param>
    /// <param name="ClosedDetails">A <c>details</c> without <c>open</c>: only its summary is shown.</param>
    /// <param name="OuterHidden">Whether the element itself is not rendered (for a closed details, what its summary inherits).</param>
    private readonly record struct Entry(string Name, ElementTraits Traits, bool Hidden, bool ClosedDetails, bool OuterHidden);
}
