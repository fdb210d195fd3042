namespace Tally.Cli.Cli;

/// <summary>What <c>tally</c>'s exit code means, for scripts.</summary>
public static class ExitCodes
{
    /// <summary>Done: the command did what it was asked, and the work it waited for succeeded.</summary>
    public const int Done = 0;

    /// <summary>Some failed: a job or page the command waited for failed, or Tally refused the request (its problem's detail is on stderr).</summary>
    public const int SomeFailed = 1;

    /// <summary>Usage: the command line is wrong (an unknown command or option, a missing or malformed value, an unreadable file).</summary>
    public const int Usage = 2;

    /// <summary>Unreachable: nothing answered at the app's address (TALLY_URL or --url).</summary>
    public const int Unreachable = 3;
}
