namespace Tally.Host.Tests.Infrastructure;

/// <summary>A test that needs the real Functions host: skipped, with the reason, where <c>func</c> is not on PATH (outside CI).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class HostFactAttribute : FactAttribute
{
    public HostFactAttribute()
    {
        if (FuncLocator.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
