using System.Diagnostics;
using System.Reflection;

namespace Tally.Benchmarks.Corpus;

/// <summary>
/// The counting corpus: 64 MiB per kind of text, written by the committed, seeded
/// <c>generate_corpus.py</c> into <c>tests/Tally.Benchmarks/corpus/</c> (ignored by git) on first use.
/// </summary>
internal static class Corpus
{
    public const int Size = 64 * 1024 * 1024;

    /// <summary>Every kind, as its file name: the five kinds of text the counting issue measured, Arabic, and mixed-script HTML.</summary>
    public static readonly string[] Kinds =
    [
        "russian.txt", "chinese-spaced.txt", "english-ascii.txt", "english-typographic.txt", "japanese-spaced.txt", "arabic.txt", "mixed-html.html",
    ];

    private static readonly string Project = Path.GetFullPath(Path.Combine(
        typeof(Corpus).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ProjectDirectory").Value!));

    /// <summary>The folder the corpus lives in, generated if any file is missing.</summary>
    public static string Directory
    {
        get
        {
            var directory = Path.Combine(Project, "corpus");
            if (!Kinds.All(kind => File.Exists(Path.Combine(directory, kind))))
            {
                Console.WriteLine($"Generating the corpus in {directory} (python3 Corpus/generate_corpus.py)…");
                using var python = Process.Start("python3", [Path.Combine(Project, "Corpus", "generate_corpus.py"), directory, Size.ToString()]);
                python.WaitForExit();
                if (python.ExitCode != 0)
                {
                    throw new InvalidOperationException($"generate_corpus.py exited with {python.ExitCode}.");
                }
            }

            return directory;
        }
    }

    public static string PathOf(string kind) => Path.Combine(Directory, kind);

    public static string ContentType(string kind) => kind.EndsWith(".html", StringComparison.Ordinal) ? "text/html; charset=utf-8" : "text/plain; charset=utf-8";
}
