namespace Tally.Politeness;

/// <summary>A slot of an origin, held while a request and its body are under way.</summary>
internal sealed class OriginSlot(OriginGate gate)
{
    private int _released;

    /// <summary>Whether the origin's answer says it is overloaded (a 429, a 5xx, a failed connection).</summary>
    public bool Congested { get; set; }

    public OriginGate Gate => gate;

    /// <summary>Gives the slot back, once.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            gate.Release(Congested);
        }
    }
}
