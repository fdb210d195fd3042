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
/// by a piece boundary is carried to the next piece. Blocks without a byte that can start a
/// multi-byte whitespace sequence are counted 32 bytes at a time with SIMD.
/// </remarks>
public struct Utf8WordCounter
{
    private bool _inWord;
    private int _pendingLength;
    private uint _pending;

    /// <summary>The words counted so far (a sequence still cut at the end is not yet counted).</summary>
    public long Words { get; private set; }

    /// <summary>Counts the words in the next piece of the body.</summary>
    public void Add(ReadOnlySpan<byte> bytes)
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

        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            i = CountVectorized(bytes);
        }

        CountScalar(bytes, i);
    }

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

    private int CountVectorized(ReadOnlySpan<byte> bytes)
    {
        ref var start = ref MemoryMarshal.GetReference(bytes);
        var space = Vector256.Create((byte)' ');
        var tab = Vector256.Create((byte)'\t');
        var fileSeparator = Vector256.Create((byte)0x1C);
        var (c2, e1, e2, e3) = (Vector256.Create((byte)0xC2), Vector256.Create((byte)0xE1), Vector256.Create((byte)0xE2), Vector256.Create((byte)0xE3));
        var inWord = _inWord ? 1u : 0u;
        long words = 0;
        var i = 0;
        while (i <= bytes.Length - Vector256<byte>.Count)
        {
            var v = Vector256.LoadUnsafe(ref start, (nuint)i);
            var leads = Vector256.Equals(v, c2) | Vector256.Equals(v, e1) | Vector256.Equals(v, e2) | Vector256.Equals(v, e3);
            if (leads != Vector256<byte>.Zero)
            {
                // A block that may hold multi-byte whitespace goes through the exact scalar path.
                _inWord = inWord != 0;
                Words += words;
                words = 0;
                i = CountScalar(bytes, i, i + Vector256<byte>.Count);
                inWord = _inWord ? 1u : 0u;
                continue;
            }

            var isSpace = Vector256.Equals(v, space)
                | Vector256.LessThanOrEqual(v - tab, Vector256.Create((byte)('\r' - '\t')))
                | Vector256.LessThanOrEqual(v - fileSeparator, Vector256.Create((byte)3));
            var nonSpace = ~isSpace.ExtractMostSignificantBits();
            words += BitOperations.PopCount(nonSpace & ~((nonSpace << 1) | inWord));
            inWord = nonSpace >> 31;
            i += Vector256<byte>.Count;
        }

        _inWord = inWord != 0;
        Words += words;
        return i;
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
