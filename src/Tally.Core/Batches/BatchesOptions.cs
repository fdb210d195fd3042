using System.ComponentModel.DataAnnotations;

namespace Tally.Batches;

/// <summary>Batch settings, bound from <c>Tally:Batches</c>.</summary>
public sealed class BatchesOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Tally:Batches";

    /// <summary>The most URLs one batch may hold.</summary>
    [Range(1, 100_000)]
    public int MaxUrls { get; set; } = 10_000;

    /// <summary>The parallelism a batch gets when it asks for none.</summary>
    [Range(1, 256)]
    public int DefaultParallelism { get; set; } = 16;

    /// <summary>The most parallelism a batch may ask for.</summary>
    [Range(1, 1024)]
    public int MaxParallelism { get; set; } = 64;

    /// <summary>The URLs one slice activity fetches; 0 chooses by parallelism (eight rounds of a slot's share, 8 to 200).</summary>
    /// <remarks>Read when a batch starts and carried in its input, so a change never reaches a batch in flight.</remarks>
    [Range(0, 1000)]
    public int SliceSize { get; set; }

    /// <summary>How many slices one generation of a batch's orchestration starts before it continues as new with its totals: bounds every history.</summary>
    /// <remarks>Read when a batch starts and carried in its input.</remarks>
    [Range(2, 1000)]
    public int SlicesPerGeneration { get; set; } = 100;

    /// <summary>Attempts per URL for transient failures, the first included.</summary>
    [Range(1, 10)]
    public int RetryAttempts { get; set; } = 4;

    /// <summary>The wait before the first retry; each further wait doubles it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many batches a page of <c>GET /api/batches</c> holds when it asks for no <c>limit</c>.</summary>
    [Range(1, 1000)]
    public int ListSize { get; set; } = 20;

    /// <summary>The largest <c>limit</c> <c>GET /api/batches</c> accepts.</summary>
    [Range(1, 1000)]
    public int MaxListSize { get; set; } = 100;

    /// <summary>How many results a page of <c>GET /api/batches/{id}/pages</c> holds when it asks for no <c>limit</c>.</summary>
    [Range(1, 10_000)]
    public int PageResults { get; set; } = 100;

    /// <summary>The largest <c>limit</c> <c>GET /api/batches/{id}/pages</c> accepts.</summary>
    [Range(1, 10_000)]
    public int MaxPageResults { get; set; } = 1000;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ListSize > MaxListSize)
        {
            yield return new ValidationResult($"ListSize ({ListSize}) must not exceed MaxListSize ({MaxListSize}): a listing that asks for nothing would get more than any may ask for.", [nameof(ListSize), nameof(MaxListSize)]);
        }

        if (PageResults > MaxPageResults)
        {
            yield return new ValidationResult($"PageResults ({PageResults}) must not exceed MaxPageResults ({MaxPageResults}): a read of results that asks for nothing would get more than any may ask for.", [nameof(PageResults), nameof(MaxPageResults)]);
        }

        if (DefaultParallelism > MaxParallelism)
        {
            yield return new ValidationResult(
                $"DefaultParallelism ({DefaultParallelism}) must not exceed MaxParallelism ({MaxParallelism}): a batch that asks for nothing would get more than any batch may ask for.",
                [nameof(DefaultParallelism), nameof(MaxParallelism)]);
        }
    }
}
