using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
    public void Add(ReadOnlySpan<char> text) => Add(text, PreferredVectorBits);

    /// <summary>
    /// The vector width for text: 256 bits (16 characters) where accelerated, since text between
    /// HTML tags comes in runs too short to fill wider vectors; else 128; 0 for none.
    /// </summary>
    internal static int PreferredVectorBits { get; } =
        Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0;

    /// <summary>Counts with vectors of <paramref name="vectorBits"/> (512, 256, 128, or 0 for scalar only); every width counts the same.</summary>
    internal void Add(ReadOnlySpan<char> text, int vectorBits)
    {
        var chars = MemoryMarshal.Cast<char, ushort>(text);
        var i = vectorBits switch
        {
            512 => CountVectorized<Simd512<ushort>>(chars),
            256 => CountVectorized<Simd256<ushort>>(chars),
            128 => CountVectorized<Simd128<ushort>>(chars),
            _ => 0,
        };

        var inWord = _inWord;
        long words = 0;
        foreach (var c in text[i..])
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

    private int CountVectorized<TV>(ReadOnlySpan<ushort> chars)
        where TV : struct, ISimd<TV, ushort>
    {
        var width = TV.Count;
        var lanes = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
        ref var start = ref MemoryMarshal.GetReference(chars);
        ulong inWord = _inWord ? 1UL : 0UL;
        long words = 0;
        var i = 0;
        for (; i <= chars.Length - width; i += width)
        {
            var v = TV.Load(ref start, (nuint)i);
            var space = TV.Equal(v, TV.Splat(0x20))
                | TV.AtMost(v - TV.Splat(0x09), TV.Splat(0x0D - 0x09))
                | TV.AtMost(v - TV.Splat(0x1C), TV.Splat(0x1F - 0x1C));
            if (!TV.IsZero(TV.AtMost(TV.Splat(0x85), v)))
            {
                space |= TV.Equal(v, TV.Splat(0x85)) | TV.Equal(v, TV.Splat(0xA0)) | TV.Equal(v, TV.Splat(0x1680))
                    | TV.AtMost(v - TV.Splat(0x2000), TV.Splat(0x200A - 0x2000))
                    | TV.AtMost(v - TV.Splat(0x2028), TV.Splat(0x2029 - 0x2028))
                    | TV.Equal(v, TV.Splat(0x202F)) | TV.Equal(v, TV.Splat(0x205F)) | TV.Equal(v, TV.Splat(0x3000));
            }

            var nonSpace = ~TV.Mask(space) & lanes;
            words += BitOperations.PopCount(nonSpace & ~((nonSpace << 1) | inWord));
            inWord = nonSpace >> (width - 1);
        }

        _inWord = inWord != 0;
        Words += words;
        return i;
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
