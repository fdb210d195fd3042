using System.CommandLine;
using Tally.Client;

namespace Tally.Cli.Cli;

/// <summary>The shape of <c>tally jobs get ID</c> and <c>tally batch get ID</c>: read one thing by id, print it as JSON or as fields.</summary>
public static class GetCommand
{
    /// <summary>A <c>get</c> command that reads with <paramref name="read"/> and prints with <paramref name="writeText"/> (or as JSON).</summary>
    public static Command Create<T>(string description, string idDescription, Func<TallyClient, string, CancellationToken, Task<T>> read, Action<T> writeText)
    {
        var id = new Argument<string>("id") { Description = idDescription };
        var command = new Command("get", description);
        command.Arguments.Add(id);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var value = await read(Connection.Client(parse), parse.GetRequiredValue(id), cancellationToken);
            if (Output.AsJson(parse))
            {
                Output.WriteJson(value);
            }
            else
            {
                writeText(value);
            }

            return ExitCodes.Done;
        });
        return command;
    }
}
