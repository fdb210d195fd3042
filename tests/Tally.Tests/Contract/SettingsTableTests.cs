using System.Text.RegularExpressions;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Contract;

/// <summary>The README's settings table against the options classes, where each default is written once.</summary>
public sealed partial class SettingsTableTests
{
    [Fact]
    public void ReadmeSettingsTable_NamesEverySettingTheCodeReads()
    {
        var rows = Rows();

        Assert.All(OptionsDefaults.Settings(), setting => Assert.True(rows.ContainsKey(setting), $"{setting} is read by the app but not in the README's settings table"));
    }

    [Fact]
    public void ReadmeSettingsTable_GivesTheDefaultsOfTheOptionsClasses()
    {
        var rows = Rows();
        var stated = OptionsDefaults.Defaults().Where(d => rows[d.Setting] is not null).ToList();

        Assert.Contains(stated, d => d.Setting == "Tally__Batches__MaxPageResults");
        Assert.All(stated, d => Assert.True(
            string.Equals(d.Value, rows[d.Setting], StringComparison.OrdinalIgnoreCase), $"{d.Setting}: README '{rows[d.Setting]}', options class '{d.Value}'"));
    }

    /// <summary>Each <c>Tally__…</c> row of the README's table: its default when written as one code value, else null (a sentence, or "unset").</summary>
    private static Dictionary<string, string?> Rows() =>
        Row().Matches(File.ReadAllText(Path.Combine(Repository.Root, "README.md")))
            .ToDictionary(m => m.Groups["setting"].Value, m => m.Groups["value"].Success ? m.Groups["value"].Value : null);

    [GeneratedRegex(@"^\| `(?<setting>Tally__[A-Za-z_]+)` \| (?:`(?<value>[^`]*)` \||[^|]*\|)", RegexOptions.Multiline)]
    private static partial Regex Row();
}
