using System.CommandLine;
using Tally.Cli.Cli;

namespace Tally.Cli;

/// <summary><c>tally health</c>: whether the app and its storage answer (exit 0), storage does not (1), or nothing answers (3).</summary>
public static class HealthCommand
{
    /// <summary>The command.</summary>
    public static Command Create()
    {
        var command = new Command("health", "Check that the app and its storage answer");
        command.SetAction(async (parse, cancellationToken) =>
        {
            await Connection.Client(parse).CheckHealthAsync(cancellationToken);
            if (Output.AsJson(parse))
            {
                Output.WriteJson(new { status = "healthy" });
            }
            else
            {
                Output.Line("healthy");
            }

            return ExitCodes.Done;
        });
        return command;
    }
}
