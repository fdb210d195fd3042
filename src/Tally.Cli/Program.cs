return await Tally.Cli.TallyCommand.RunAsync(args);
