using System.Collections.Immutable;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;

namespace Tally.Tests.Infrastructure;

/// <summary>The invocation context the host gives a queue-triggered function: the trigger metadata the host binds for a queue message.</summary>
internal sealed class QueueFunctionContext(QueueMessage message) : FunctionContext
{
    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    public override string FunctionId => "RunJob";

    public override TraceContext TraceContext => throw new NotSupportedException();

    public override BindingContext BindingContext { get; } = new QueueBindingContext(new Dictionary<string, object?>
    {
        ["Id"] = message.MessageId,
        ["DequeueCount"] = message.DequeueCount,
        ["PopReceipt"] = message.PopReceipt,
        ["InsertionTime"] = message.InsertedOn,
    }.ToImmutableDictionary());

    public override RetryContext RetryContext => throw new NotSupportedException();

    public override IServiceProvider InstanceServices { get; set; } = null!;

    public override FunctionDefinition FunctionDefinition => throw new NotSupportedException();

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => throw new NotSupportedException();

    private sealed class QueueBindingContext(IReadOnlyDictionary<string, object?> data) : BindingContext
    {
        public override IReadOnlyDictionary<string, object?> BindingData => data;
    }
}
