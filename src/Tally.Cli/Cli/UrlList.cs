using System.CommandLine;

namespace Tally.Cli.Cli;

/// <summary>The URLs a command is given: as arguments, or one a line in <c>--file</c> (blank lines and <c>#</c> comments skipped).</summary>
public sealed class UrlList
{
    /// <summary>The URLs given as arguments.</summary>
    public Argument<string[]> Arguments { get; } = new("url") { Description = "URLs to count", Arity = ArgumentArity.ZeroOrMore };

    /// <summary>A file of URLs, one a line.</summary>
    public Option<FileInfo?> File { get; } = new("--file", "-f") { Description = "A file of URLs, one a line ('-' reads stdin)" };

    /// <summary>Adds the argument and the option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Arguments.Add(Arguments);
        command.Options.Add(File);
    }

    /// <summary>The URLs, from the arguments or the file.</summary>
    /// <exception cref="UsageException">Neither or both were given, the file cannot be read, or it holds no URL.</exception>
    public async Task<IReadOnlyList<string>> ReadAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var given = parse.GetValue(Arguments) ?? [];
        var file = parse.GetValue(File);
        if (file is null)
        {
            return given.Length > 0 ? given : throw new UsageException("Give the URLs as arguments, or --file with one URL a line.");
        }

        if (given.Length > 0)
        {
            throw new UsageException("Give the URLs as arguments or in --file, not both.");
        }

        string text;
        try
        {
            text = file.Name == "-" && !file.Exists
                ? await Console.In.ReadToEndAsync(cancellationToken)
                : await System.IO.File.ReadAllTextAsync(file.FullName, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot read --file '{file}': {ex.Message}");
        }

        var urls = text.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith('#')).ToList();
        return urls.Count > 0 ? urls : throw new UsageException($"--file '{file}' holds no URL: give one a line.");
    }
}
