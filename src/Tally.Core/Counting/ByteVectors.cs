using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Tally.Counting;

/// <summary>
/// The few byte-vector operations the word counters need, over whichever width the hardware
/// offers. Generic code over this interface is specialized by the JIT for each struct, so it
/// compiles to the same instructions as code written against <see cref="Vector256{T}"/> directly.
/// </summary>
internal interface IByteVector<TSelf>
    where TSelf : struct, IByteVector<TSelf>
{
    /// <summary>How many bytes one vector holds.</summary>
    static abstract int Count { get; }

    static abstract TSelf Load(ref byte source, nuint offset);

    static abstract TSelf Splat(byte value);

    static abstract TSelf operator &(TSelf left, TSelf right);

    static abstract TSelf operator |(TSelf left, TSelf right);

    static abstract TSelf operator -(TSelf left, TSelf right);

    static abstract TSelf Equal(TSelf left, TSelf right);

    /// <summary>Unsigned <c>left &lt;= right</c>, lane by lane.</summary>
    static abstract TSelf AtMost(TSelf left, TSelf right);

    static abstract bool IsZero(TSelf vector);

    /// <summary>One bit a lane, set where the lane's top bit is.</summary>
    static abstract ulong Mask(TSelf vector);
}

internal readonly struct Bytes128(Vector128<byte> v) : IByteVector<Bytes128>
{
    public static int Count => Vector128<byte>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Bytes128 Load(ref byte source, nuint offset) => new(Vector128.LoadUnsafe(ref source, offset));

    public static Bytes128 Splat(byte value) => new(Vector128.Create(value));

    public static Bytes128 operator &(Bytes128 left, Bytes128 right) => new(left.V & right.V);

    public static Bytes128 operator |(Bytes128 left, Bytes128 right) => new(left.V | right.V);

    public static Bytes128 operator -(Bytes128 left, Bytes128 right) => new(left.V - right.V);

    public static Bytes128 Equal(Bytes128 left, Bytes128 right) => new(Vector128.Equals(left.V, right.V));

    public static Bytes128 AtMost(Bytes128 left, Bytes128 right) => new(Vector128.LessThanOrEqual(left.V, right.V));

    public static bool IsZero(Bytes128 vector) => vector.V == Vector128<byte>.Zero;

    public static ulong Mask(Bytes128 vector) => vector.V.ExtractMostSignificantBits();

    private Vector128<byte> V => v;
}

internal readonly struct Bytes256(Vector256<byte> v) : IByteVector<Bytes256>
{
    public static int Count => Vector256<byte>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Bytes256 Load(ref byte source, nuint offset) => new(Vector256.LoadUnsafe(ref source, offset));

    public static Bytes256 Splat(byte value) => new(Vector256.Create(value));

    public static Bytes256 operator &(Bytes256 left, Bytes256 right) => new(left.V & right.V);

    public static Bytes256 operator |(Bytes256 left, Bytes256 right) => new(left.V | right.V);

    public static Bytes256 operator -(Bytes256 left, Bytes256 right) => new(left.V - right.V);

    public static Bytes256 Equal(Bytes256 left, Bytes256 right) => new(Vector256.Equals(left.V, right.V));

    public static Bytes256 AtMost(Bytes256 left, Bytes256 right) => new(Vector256.LessThanOrEqual(left.V, right.V));

    public static bool IsZero(Bytes256 vector) => vector.V == Vector256<byte>.Zero;

    public static ulong Mask(Bytes256 vector) => vector.V.ExtractMostSignificantBits();

    private Vector256<byte> V => v;
}

internal readonly struct Bytes512(Vector512<byte> v) : IByteVector<Bytes512>
{
    public static int Count => Vector512<byte>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Bytes512 Load(ref byte source, nuint offset) => new(Vector512.LoadUnsafe(ref source, offset));

    public static Bytes512 Splat(byte value) => new(Vector512.Create(value));

    public static Bytes512 operator &(Bytes512 left, Bytes512 right) => new(left.V & right.V);

    public static Bytes512 operator |(Bytes512 left, Bytes512 right) => new(left.V | right.V);

    public static Bytes512 operator -(Bytes512 left, Bytes512 right) => new(left.V - right.V);

    public static Bytes512 Equal(Bytes512 left, Bytes512 right) => new(Vector512.Equals(left.V, right.V));

    public static Bytes512 AtMost(Bytes512 left, Bytes512 right) => new(Vector512.LessThanOrEqual(left.V, right.V));

    public static bool IsZero(Bytes512 vector) => vector.V == Vector512<byte>.Zero;

    public static ulong Mask(Bytes512 vector) => vector.V.ExtractMostSignificantBits();

    private Vector512<byte> V => v;
}
