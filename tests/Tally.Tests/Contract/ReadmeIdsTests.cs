using System.Text.RegularExpressions;
using Tally.Jobs;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Contract;

/// <summary>The README's examples name jobs, batches and requests by ids of the shape the app makes today.</summary>
public sealed partial class ReadmeIdsTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));

    [Fact]
    public void ReadmeJobIds_AreValidJobIds()
    {
        var ids = Ids(JobId());

        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.True(JobIds.IsValid(id), $"'{id}' in the README is not a job id ({JobIds.Length} hex digits)"));
    }

    [Fact]
    public void ReadmeBatchIds_AreBAndARequestKey()
    {
        var ids = Ids(BatchId());

        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.True(id[0] == 'b' && JobIds.IsValidKey(id[1..]), $"'{id}' in the README is not a batch id (b and {JobIds.KeyLength} hex digits)"));
    }

    [Fact]
    public void ReadmeRequestKeys_AreValidRequestKeys()
    {
        var keys = Ids(RequestKey());

        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.True(JobIds.IsValidKey(key), $"'{key}' in the README is not a request key ({JobIds.KeyLength} hex digits)"));
    }

    private static List<string> Ids(Regex pattern) => [.. pattern.Matches(Readme).Select(m => m.Groups["id"].Value).Distinct()];

    [GeneratedRegex(@"(?:/api/jobs/|tally jobs get )(?<id>[0-9a-f]{8,})\b")]
    private static partial Regex JobId();

    [GeneratedRegex(@"(?:/api/batches/|tally batch (?:get|pages) )(?<id>b[0-9a-f]{8,})\b")]
    private static partial Regex BatchId();

    [GeneratedRegex(@"(?:[?&]request=|""request"": ""|--request )(?<id>[0-9a-f]{8,})\b")]
    private static partial Regex RequestKey();
}
