using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tally.Functions.Http;
using Tally.Jobs;

namespace Tally.Tests.Hosting;

/// <summary>
/// JSON answers are written whole, with their length, and are byte for byte what MVC's own JSON formatter writes (its
/// escaping included); the real host's side of it is in the host suite's <c>WholeAnswerTests</c>.
/// </summary>
public sealed class WholeJsonFormatterTests
{
    public static TheoryData<string> Answers => ["problem", "jobs", "text"];

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Answer_IsMvcsBytes_WithItsContentLength(string answer)
    {
        var (mvcBytes, mvcLength) = await WriteAsync(Answer(answer), whole: false);
        var (bytes, length) = await WriteAsync(Answer(answer), whole: true);

        Assert.Equal(mvcBytes, bytes);
        Assert.Null(mvcLength); // MVC's formatter streams: the server must chunk it
        Assert.Equal(bytes.Length, length);
    }

    [Fact]
    public async Task ProblemDetail_KeepsItsApostrophes_AsMvcWritesThem()
    {
        var (bytes, _) = await WriteAsync(Problems.NotFound("There is no job 'x'."), whole: true);

        Assert.Contains("There is no job 'x'.", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer_IsUtf8_WhateverAcceptCharsetAsks()
    {
        var (bytes, length) = await WriteAsync(Problems.NotFound("é"), whole: true, acceptCharset: "utf-16");

        Assert.Equal((byte)'{', bytes[0]); // UTF-16 would start with 0x7B 0x00
        Assert.Contains("\"detail\":\"é\"", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.Equal(bytes.Length, length);
    }

    private static ObjectResult Answer(string kind) => kind switch
    {
        "problem" => Problems.BadRequest("Bad \"input\" <here> & 'there': é, 中文, 🙂.", ["first", "second"]),
        "jobs" => new ObjectResult(Enumerable.Range(0, 1000).Select(n => new Job(
            $"{n:x32}", $"https://example.com/{n}?q=a&b=<c>", "queued", null, null, null, null, 0, null,
            DateTimeOffset.UnixEpoch, null, null, DateTimeOffset.UnixEpoch.AddDays(1), Job.StatusPath($"{n:x32}"))).ToList())
        {
            StatusCode = StatusCodes.Status202Accepted,
        },
        _ => new OkObjectResult(new { text = "plain ASCII" }),
    };

    private static async Task<(byte[] Bytes, long? ContentLength)> WriteAsync(IActionResult result, bool whole, string? acceptCharset = null)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddMvcCore();
        if (whole)
        {
            WholeJsonFormatter.AddTo(services);
        }

        await using var provider = services.BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = provider };
        if (acceptCharset is not null)
        {
            context.Request.Headers.AcceptCharset = acceptCharset;
        }

        var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        return (body.ToArray(), context.Response.ContentLength);
    }
}
