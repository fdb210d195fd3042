using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Tally.Counting;

/// <summary>
/// Counts words straight from UTF-8 bytes fed in pieces of any size, without decoding them:
/// the count equals Python's <c>len(body.decode("utf-8", "replace").split())</c>.
/// </summary>
/// <remarks>
/// Only the space/non-space pattern decides a word count, so decoding is unnecessary: ASCII
/// whitespace is one byte, the other whitespace characters are a handful of fixed two- and
/// three-byte sequences, and everything else (valid or not) is part of a word. A sequence cut
/// by a piece boundary is carried to the next piece. UTF-8 is self-synchronizing, so the lead
/// bytes of those sequences (C2, E1, E2, E3) can never be the middle of another character, and
/// whether a lane starts whitespace depends only on it and the two lanes after it: the vector
/// loop classifies every whitespace character itself, so text in every script stays on it.
/// </remarks>
public struct Utf8WordCounter
{
    private bool _inWord;
    private int _pendingLength;
    private uint _pending;

    /// <summary>The words counted so far (a sequence still cut at the end is not yet counted).</summary>
    public long Words { get; private set; }

    /// <summary>Counts the words in the next piece of the body.</summary>
    public void Add(ReadOnlySpan<byte> bytes) => Add(bytes, PreferredVectorBits);

    /// <summary>Ends the body: a multi-byte sequence left cut is an invalid byte, and so part of a word.</summary>
    /// <returns>The word count.</returns>
    public long Complete()
    {
        if (_pendingLength > 0)
        {
            _pendingLength = 0;
            NonSpace();
        }

        return Words;
    }

    /// <summary>The widest vector the hardware accelerates: 512, 256 or 128 bits, or 0 for none.</summary>
    internal static int PreferredVectorBits { get; } =
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0;

    /// <summary>Counts with vectors of <paramref name="vectorBits"/> (0: scalar only); every width counts the same.</summary>
    internal void Add(ReadOnlySpan<byte> bytes, int vectorBits)
    {
        if (_pendingLength > 0)
        {
            var consumed = ResolvePending(bytes);
            if (consumed < 0)
            {
                return;
            }

            bytes = bytes[consumed..];
        }

        var i = vectorBits switch
        {
            512 => CountVectorized<Simd512<byte>>(bytes),
            256 => CountVectorized<Simd256<byte>>(bytes),
            128 => CountVectorized<Simd128<byte>>(bytes),
            _ => 0,
        };
        CountScalar(bytes, i);
    }

    /// <summary>
    /// Counts whole vectors while at least two bytes follow the vector, so every lane can see the
    /// two bytes after it: a lane starts a whitespace character when it is ASCII whitespace or when
    /// it and the next one or two lanes spell one of the multi-byte sequences.
    /// </summary>
    /// <returns>Where the scalar tail starts.</returns>
    private int CountVectorized<TV>(ReadOnlySpan<byte> bytes)
        where TV : struct, ISimd<TV, byte>
    {
        var width = TV.Count;
        var lanes = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
        ref var start = ref MemoryMarshal.GetReference(bytes);
        ulong inWord = _inWord ? 1UL : 0UL;
        ulong carry = 0; // continuation bytes of a whitespace character begun in the previous vector
        long words = 0;
        var i = 0;
        for (; i <= bytes.Length - width - 2; i += width)
        {
            var v0 = TV.Load(ref start, (nuint)i);
            var ascii = TV.Equal(v0, TV.Splat(0x20))
                | TV.AtMost(v0 - TV.Splat(0x09), TV.Splat(0x0D - 0x09))
                | TV.AtMost(v0 - TV.Splat(0x1C), TV.Splat(0x1F - 0x1C));
            var c2 = TV.Equal(v0, TV.Splat(0xC2));
            ulong starts, multi = 0, three = 0;
            if (TV.IsZero(c2 | TV.AtMost(v0 - TV.Splat(0xE1), TV.Splat(0xE3 - 0xE1))))
            {
                starts = TV.Mask(ascii);
            }
            else
            {
                var v1 = TV.Load(ref start, (nuint)i + 1);
                var v2 = TV.Load(ref start, (nuint)i + 2);
                var second80 = TV.Equal(v1, TV.Splat(0x80));
                var third80 = TV.Equal(v2, TV.Splat(0x80));
                var twoByte = c2 & (TV.Equal(v1, TV.Splat(0x85)) | TV.Equal(v1, TV.Splat(0xA0))); // U+0085, U+00A0
                var generalPunctuation = second80 & (TV.AtMost(v2 - TV.Splat(0x80), TV.Splat(0x8A - 0x80))    // U+2000..U+200A
                    | TV.AtMost(v2 - TV.Splat(0xA8), TV.Splat(0xA9 - 0xA8)) | TV.Equal(v2, TV.Splat(0xAF))); // U+2028, U+2029, U+202F
                var threeByte = (TV.Equal(v0, TV.Splat(0xE2)) & (generalPunctuation | (TV.Equal(v1, TV.Splat(0x81)) & TV.Equal(v2, TV.Splat(0x9F))))) // U+205F
                    | (TV.Equal(v0, TV.Splat(0xE3)) & second80 & third80)                    // U+3000
                    | (TV.Equal(v0, TV.Splat(0xE1)) & TV.Equal(v1, TV.Splat(0x9A)) & third80); // U+1680
                starts = TV.Mask(ascii | twoByte | threeByte);
                multi = TV.Mask(twoByte | threeByte);
                three = TV.Mask(threeByte);
            }

            var space = starts | carry | (multi << 1) | (three << 2);
            carry = (multi >> (width - 1)) | ((three >> (width - 2)) & 1) | ((three >> (width - 1)) << 1);
            var nonSpace = ~space & lanes;
            words += BitOperations.PopCount(nonSpace & ~((nonSpace << 1) | inWord));
            inWord = nonSpace >> (width - 1);
        }

        _inWord = inWord != 0;
        Words += words;

        // Skip the continuation bytes of a whitespace character that the last vector began.
        return i + (int)(carry & 1) + (int)(carry >> 1);
    }

    private int CountScalar(ReadOnlySpan<byte> bytes, int i, int end = int.MaxValue)
    {
        end = Math.Min(end, bytes.Length);
        while (i < end)
        {
            var b = bytes[i];
            if (b < 0x80)
            {
                if (IsAsciiSpace(b))
                {
                    _inWord = false;
                }
                else
                {
                    NonSpace();
                }

                i++;
                continue;
            }

            var length = MatchSpace(bytes[i..]);
            if (length > 0)
            {
                _inWord = false;
                i += length;
            }
            else if (length == 0)
            {
                NonSpace();
                i++;
            }
            else
            {
                Stash(bytes[i..]);
                return bytes.Length;
            }
        }

        return i;
    }

    /// <returns>How many bytes of <paramref name="bytes"/> the carried sequence took, or -1 when it took them all.</returns>
    private int ResolvePending(ReadOnlySpan<byte> bytes)
    {
        Span<byte> joined = stackalloc byte[3];
        var carried = _pendingLength;
        for (var k = 0; k < carried; k++)
        {
            joined[k] = (byte)(_pending >> (8 * k));
        }

        var taken = Math.Min(bytes.Length, 3 - carried);
        bytes[..taken].CopyTo(joined[carried..]);
        var length = MatchSpace(joined[..(carried + taken)]);
        if (length < 0)
        {
            Stash(joined[..(carried + taken)]);
            return -1;
        }

        _pendingLength = 0;
        if (length > 0)
        {
            _inWord = false;
            return length - carried;
        }

        NonSpace();
        return 0;
    }

    private void Stash(ReadOnlySpan<byte> cut)
    {
        _pending = 0;
        for (var k = 0; k < cut.Length; k++)
        {
            _pending |= (uint)cut[k] << (8 * k);
        }

        _pendingLength = cut.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void NonSpace()
    {
        if (!_inWord)
        {
            _inWord = true;
            Words++;
        }
    }

    private static bool IsAsciiSpace(byte b) => b == ' ' || b is >= (byte)'\t' and <= (byte)'\r' || b is >= 0x1C and <= 0x1F;

    /// <summary>
    /// Matches a multi-byte whitespace sequence at the start of <paramref name="s"/>:
    /// U+0085, U+00A0 (C2 xx), U+1680 (E1 9A 80), U+2000..U+200A, U+2028, U+2029, U+202F (E2 80 xx),
    /// U+205F (E2 81 9F) and U+3000 (E3 80 80).
    /// </summary>
    /// <returns>The sequence's length; 0 when it is not whitespace; -1 when <paramref name="s"/> ends too soon to tell.</returns>
    internal static int MatchSpace(ReadOnlySpan<byte> s)
    {
        var (second, third) = s[0] switch
        {
            0xC2 => (s.Length < 2 ? -1 : s[1] is 0x85 or 0xA0 ? 2 : 0, 0),
            0xE1 => (Second(s, 0x9A), 0x80),
            0xE2 when s.Length >= 2 && s[1] == 0x81 => (Second(s, 0x81), 0x9F),
            0xE2 => (Second(s, 0x80), -2),
            0xE3 => (Second(s, 0x80), 0x80),
            _ => (0, 0),
        };

        if (second <= 0 || second == 2)
        {
            return second;
        }

        if (s.Length < 3)
        {
            return -1;
        }

        var last = s[2];
        var isSpace = third == -2
            ? last is >= 0x80 and <= 0x8A or 0xA8 or 0xA9 or 0xAF
            : last == third;
        return isSpace ? 3 : 0;
    }

    /// <returns>1 when the second byte is <paramref name="expected"/>, 0 when not, -1 when absent.</returns>
    private static int Second(ReadOnlySpan<byte> s, byte expected) => s.Length < 2 ? -1 : s[1] == expected ? 1 : 0;
}
