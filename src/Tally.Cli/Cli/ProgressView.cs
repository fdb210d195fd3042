using Spectre.Console;
using Spectre.Console.Rendering;

namespace Tally.Cli.Cli;

/// <summary>
/// Shows the progress of long work on stderr: a live bar (done/total, failed, rate, ETA) on a terminal, and a plain
/// line each time the counts change when stderr is redirected (a log, a CI job, a test), never escape codes there.
/// </summary>
public static class ProgressView
{
    /// <summary>Runs <paramref name="work"/>, showing what it reports as <paramref name="counts"/> reads it.</summary>
    public static Task<T> ShowAsync<TProgress, T>(string label, Func<TProgress, Counts> counts, Func<IProgress<TProgress>, Task<T>> work) =>
        Console.IsErrorRedirected
            ? PlainAsync(label, show => work(new Reporter<TProgress>(p => show(counts(p)))))
            : BarAsync(label, show => work(new Reporter<TProgress>(p => show(counts(p)))));

    private static async Task<T> PlainAsync<T>(string label, Func<Action<Counts>, Task<T>> work)
    {
        var figures = new ProgressFigures(TimeProvider.System);
        Counts? shown = null;
        return await work(counts =>
        {
            figures.Update(counts);
            if (counts != shown)
            {
                shown = counts;
                Output.Error($"{label}: {figures.Describe()}");
            }
        });
    }

    private static Task<T> BarAsync<T>(string label, Func<Action<Counts>, Task<T>> work)
    {
        var figures = new ProgressFigures(TimeProvider.System);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new FiguresColumn(figures))
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(label), maxValue: 1);
                return await work(counts =>
                {
                    figures.Update(counts);
                    task.MaxValue = Math.Max(counts.Total, 1);
                    task.Value = counts.Done;
                });
            });
    }

    /// <summary>Reports at once, on the caller's thread (<see cref="Progress{T}"/> would post, and lines could come out of order).</summary>
    private sealed class Reporter<TProgress>(Action<TProgress> report) : IProgress<TProgress>
    {
        public void Report(TProgress value) => report(value);
    }

    private sealed class FiguresColumn(ProgressFigures figures) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) => new Text(figures.Describe());
    }
}
