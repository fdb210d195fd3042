using System.Collections.Frozen;

namespace Tally.Counting.Html;

/// <summary>What the word counter needs to know of an element.</summary>
[Flags]
internal enum ElementTraits
{
    None = 0,

    /// <summary>Starts and ends a line (a block, a list item, a table cell or row, a line break).</summary>
    Block = 1 << 0,

    /// <summary>Has no content and no end tag.</summary>
    Void = 1 << 1,

    /// <summary>Never rendered, so none of its text is seen (<c>display: none</c> in the user-agent style sheet, or fallback content).</summary>
    Hides = 1 << 2,

    /// <summary>In the parser's "special" category: an unknown end tag does not close past it.</summary>
    Special = 1 << 3,

    /// <summary>A boundary of "has an element in scope".</summary>
    Scope = 1 << 4,

    /// <summary>Its start tag closes an open <c>p</c>.</summary>
    ClosesP = 1 << 5,

    /// <summary>Its content is RCDATA: text and references, up to its end tag.</summary>
    RcData = 1 << 6,

    /// <summary>Its content is raw text up to its end tag.</summary>
    RawText = 1 << 7,

    /// <summary>Its content is script data.</summary>
    Script = 1 << 8,

    /// <summary>Everything after its start tag is text.</summary>
    PlainText = 1 << 9,

    /// <summary>A foreign (SVG or MathML) root: inside it no element switches the tokenizer.</summary>
    Foreign = 1 << 10,

    /// <summary>A part of a table, ignored outside one.</summary>
    TablePart = 1 << 11,
}

/// <summary>The elements whose traits matter for counting; any other element is inline and shown.</summary>
internal static class HtmlElements
{
    private const ElementTraits B = ElementTraits.Block | ElementTraits.Special;
    private const ElementTraits P = B | ElementTraits.ClosesP;
    private const ElementTraits H = ElementTraits.Hides | ElementTraits.Special;
    private const ElementTraits T = B | ElementTraits.TablePart;

    private static readonly Dictionary<string, ElementTraits> Traits = new(StringComparer.Ordinal)
    {
        // Blocks whose start tag closes an open paragraph.
        ["address"] = P, ["article"] = P, ["aside"] = P, ["blockquote"] = P, ["center"] = P, ["details"] = P, ["dialog"] = P,
        ["dir"] = P, ["div"] = P, ["dl"] = P, ["fieldset"] = P, ["figcaption"] = P, ["figure"] = P, ["footer"] = P,
        ["header"] = P, ["hgroup"] = P, ["main"] = P, ["menu"] = P, ["nav"] = P, ["ol"] = P, ["p"] = P, ["search"] = P,
        ["section"] = P, ["summary"] = P, ["ul"] = P, ["h1"] = P, ["h2"] = P, ["h3"] = P, ["h4"] = P, ["h5"] = P, ["h6"] = P,
        ["pre"] = P, ["listing"] = P, ["form"] = P, ["table"] = P | ElementTraits.Scope,
        ["hr"] = P | ElementTraits.Void,
        ["xmp"] = P | ElementTraits.RawText,
        ["plaintext"] = P | ElementTraits.PlainText,
        ["li"] = P, ["dd"] = P, ["dt"] = P,

        // Other blocks and table parts.
        ["legend"] = ElementTraits.Block, ["optgroup"] = ElementTraits.Block, ["option"] = ElementTraits.Block,
        ["caption"] = T | ElementTraits.Scope, ["tbody"] = T, ["thead"] = T, ["tfoot"] = T, ["tr"] = T,
        ["td"] = T | ElementTraits.Scope, ["th"] = T | ElementTraits.Scope, ["colgroup"] = T, ["col"] = T | ElementTraits.Void,
        ["frameset"] = B, ["frame"] = B | ElementTraits.Void,
        ["br"] = B | ElementTraits.Void,

        // Special inline elements, and scope boundaries.
        ["button"] = ElementTraits.Special, ["applet"] = ElementTraits.Special | ElementTraits.Scope,
        ["marquee"] = ElementTraits.Special | ElementTraits.Scope, ["object"] = ElementTraits.Special | ElementTraits.Scope,
        ["select"] = ElementTraits.Special,

        // Void elements.
        ["area"] = ElementTraits.Void | ElementTraits.Special, ["base"] = ElementTraits.Void | ElementTraits.Special,
        ["basefont"] = ElementTraits.Void | ElementTraits.Special, ["bgsound"] = ElementTraits.Void | ElementTraits.Special,
        ["embed"] = ElementTraits.Void | ElementTraits.Special, ["img"] = ElementTraits.Void | ElementTraits.Special,
        ["image"] = ElementTraits.Void | ElementTraits.Special, ["input"] = ElementTraits.Void | ElementTraits.Special,
        ["keygen"] = ElementTraits.Void | ElementTraits.Special, ["link"] = ElementTraits.Void | ElementTraits.Special,
        ["meta"] = ElementTraits.Void | ElementTraits.Special, ["param"] = ElementTraits.Void | ElementTraits.Special,
        ["source"] = ElementTraits.Void | ElementTraits.Special, ["track"] = ElementTraits.Void | ElementTraits.Special,
        ["wbr"] = ElementTraits.Void | ElementTraits.Special,

        // Never rendered: their text is not seen.
        // Ignored: what belongs in head hides itself, anything else is moved to body, and the body is one.
        ["head"] = ElementTraits.Special, ["body"] = ElementTraits.Special, ["html"] = ElementTraits.Special | ElementTraits.Scope,
        ["title"] = H | ElementTraits.RcData, ["textarea"] = H | ElementTraits.RcData,
        ["style"] = H | ElementTraits.RawText, ["noembed"] = H | ElementTraits.RawText, ["noframes"] = H | ElementTraits.RawText,
        ["noscript"] = H | ElementTraits.RawText, ["iframe"] = H | ElementTraits.RawText,
        ["script"] = H | ElementTraits.Script,
        ["template"] = H | ElementTraits.Scope,
        ["datalist"] = ElementTraits.Hides, ["rp"] = ElementTraits.Hides,
        ["video"] = ElementTraits.Hides, ["audio"] = ElementTraits.Hides, ["canvas"] = ElementTraits.Hides,

        // SVG and MathML text is shown, each on a line of its own.
        ["svg"] = ElementTraits.Block | ElementTraits.Foreign, ["math"] = ElementTraits.Block | ElementTraits.Foreign,
    };

    /// <summary>Elements inside SVG or MathML that are never rendered, by lower-case name.</summary>
    public static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> ForeignHidden =
        new[] { "title", "desc", "metadata", "style", "script" }.ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Each known element's name (the one string every open element of that name shares) and traits, by lower-case name.</summary>
    public static readonly FrozenDictionary<string, (string Name, ElementTraits Traits)>.AlternateLookup<ReadOnlySpan<char>> Lookup =
        Traits.ToFrozenDictionary(pair => pair.Key, pair => (pair.Key, pair.Value), StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
}
