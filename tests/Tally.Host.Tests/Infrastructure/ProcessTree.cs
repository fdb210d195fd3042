using System.Runtime.InteropServices;

namespace Tally.Host.Tests.Infrastructure;

/// <summary>
/// Signals to processes, their groups and their descendants, read from <c>/proc</c>: what the suite needs to kill a
/// host as a crash would (SIGKILL, no chance to clean up) and to freeze storage (SIGSTOP, SIGCONT).
/// </summary>
internal static partial class ProcessTree
{
    public const int SigKill = 9;
    public const int SigCont = 18;
    public const int SigStop = 19;

    /// <summary>Sends <paramref name="signal"/> to one process; false when it is gone.</summary>
    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

    /// <summary>
    /// Kills every descendant of <paramref name="root"/> with SIGKILL, whole process groups first (the launcher runs
    /// the host in a group of its own, so a process started meanwhile in that group goes too), then any descendant
    /// left outside them. <paramref name="root"/> itself is left to notice and exit.
    /// </summary>
    public static void KillDescendants(int root)
    {
        var ownGroup = GetPgid(0);
        for (var round = 0; round < 3; round++)
        {
            var descendants = Descendants(root);
            if (descendants.Count == 0)
            {
                return;
            }

            foreach (var group in descendants.Select(p => p.Pgid).Where(g => g != ownGroup && g > 1).Distinct())
            {
                Kill(-group, SigKill);
            }

            foreach (var process in descendants)
            {
                Kill(process.Pid, SigKill);
            }
        }
    }

    /// <summary>Every process below <paramref name="root"/>, from one snapshot of <c>/proc</c>.</summary>
    public static IReadOnlyList<(int Pid, int Pgid)> Descendants(int root)
    {
        var all = new List<(int Pid, int Ppid, int Pgid)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && TryReadStat(pid, out var ppid, out var pgid))
            {
                all.Add((pid, ppid, pgid));
            }
        }

        var found = new List<(int, int)>();
        var parents = new HashSet<int> { root };
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var process in all.Where(p => parents.Contains(p.Ppid) && !parents.Contains(p.Pid)))
            {
                parents.Add(process.Pid);
                found.Add((process.Pid, process.Pgid));
                grew = true;
            }
        }

        return found;
    }

    private static bool TryReadStat(int pid, out int ppid, out int pgid)
    {
        ppid = pgid = 0;
        try
        {
            // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.TryParse(fields[1], out ppid) && int.TryParse(fields[2], out pgid);
        }
        catch (IOException)
        {
            return false; // it exited while we looked
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "getpgid", SetLastError = true)]
    private static partial int GetPgid(int pid);
}
