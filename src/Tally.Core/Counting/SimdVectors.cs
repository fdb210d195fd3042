using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Tally.Counting;

/// <summary>
/// The few vector operations the word counters need, on bytes (UTF-8) or <see cref="ushort"/> (UTF-16),
/// over whichever width the hardware offers. Generic code over this interface is specialized by the
/// JIT for each struct, so it compiles to the same instructions as code written against
/// <see cref="Vector256{T}"/> directly.
/// </summary>
internal interface ISimd<TSelf, T>
    where TSelf : struct, ISimd<TSelf, T>
    where T : unmanaged
{
    /// <summary>How many elements one vector holds.</summary>
    static abstract int Count { get; }

    static abstract TSelf Load(ref T source, nuint offset);

    static abstract TSelf Splat(T value);

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

internal readonly struct Simd128<T>(Vector128<T> v) : ISimd<Simd128<T>, T>
    where T : unmanaged
{
    public static int Count => Vector128<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Load(ref T source, nuint offset) => new(Vector128.LoadUnsafe(ref source, offset));

    public static Simd128<T> Splat(T value) => new(Vector128.Create(value));

    public static Simd128<T> operator &(Simd128<T> left, Simd128<T> right) => new(left.V & right.V);

    public static Simd128<T> operator |(Simd128<T> left, Simd128<T> right) => new(left.V | right.V);

    public static Simd128<T> operator -(Simd128<T> left, Simd128<T> right) => new(left.V - right.V);

    public static Simd128<T> Equal(Simd128<T> left, Simd128<T> right) => new(Vector128.Equals(left.V, right.V));

    public static Simd128<T> AtMost(Simd128<T> left, Simd128<T> right) => new(Vector128.LessThanOrEqual(left.V, right.V));

    public static bool IsZero(Simd128<T> vector) => vector.V == Vector128<T>.Zero;

    public static ulong Mask(Simd128<T> vector) => vector.V.ExtractMostSignificantBits();

    private Vector128<T> V => v;
}

internal readonly struct Simd256<T>(Vector256<T> v) : ISimd<Simd256<T>, T>
    where T : unmanaged
{
    public static int Count => Vector256<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Load(ref T source, nuint offset) => new(Vector256.LoadUnsafe(ref source, offset));

    public static Simd256<T> Splat(T value) => new(Vector256.Create(value));

    public static Simd256<T> operator &(Simd256<T> left, Simd256<T> right) => new(left.V & right.V);

    public static Simd256<T> operator |(Simd256<T> left, Simd256<T> right) => new(left.V | right.V);

    public static Simd256<T> operator -(Simd256<T> left, Simd256<T> right) => new(left.V - right.V);

    public static Simd256<T> Equal(Simd256<T> left, Simd256<T> right) => new(Vector256.Equals(left.V, right.V));

    public static Simd256<T> AtMost(Simd256<T> left, Simd256<T> right) => new(Vector256.LessThanOrEqual(left.V, right.V));

    public static bool IsZero(Simd256<T> vector) => vector.V == Vector256<T>.Zero;

    public static ulong Mask(Simd256<T> vector) => vector.V.ExtractMostSignificantBits();

    private Vector256<T> V => v;
}

internal readonly struct Simd512<T>(Vector512<T> v) : ISimd<Simd512<T>, T>
    where T : unmanaged
{
    public static int Count => Vector512<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Load(ref T source, nuint offset) => new(Vector512.LoadUnsafe(ref source, offset));

    public static Simd512<T> Splat(T value) => new(Vector512.Create(value));

    public static Simd512<T> operator &(Simd512<T> left, Simd512<T> right) => new(left.V & right.V);

    public static Simd512<T> operator |(Simd512<T> left, Simd512<T> right) => new(left.V | right.V);

    public static Simd512<T> operator -(Simd512<T> left, Simd512<T> right) => new(left.V - right.V);

    public static Simd512<T> Equal(Simd512<T> left, Simd512<T> right) => new(Vector512.Equals(left.V, right.V));

    public static Simd512<T> AtMost(Simd512<T> left, Simd512<T> right) => new(Vector512.LessThanOrEqual(left.V, right.V));

    public static bool IsZero(Simd512<T> vector) => vector.V == Vector512<T>.Zero;

    public static ulong Mask(Simd512<T> vector) => vector.V.ExtractMostSignificantBits();

    private Vector512<T> V => v;
}
