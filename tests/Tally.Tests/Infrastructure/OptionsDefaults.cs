using System.Reflection;
using Tally.Fetching;

namespace Tally.Tests.Infrastructure;

/// <summary>
/// The settings the app reads and their defaults, from the options classes themselves (the one source of each default):
/// what the Bicep app settings and the README's settings table are checked against.
/// </summary>
internal static class OptionsDefaults
{
    /// <summary>Every options class the app binds: a public type with a <c>Section</c> constant under <c>Tally:</c>.</summary>
    private static IEnumerable<(string Section, Type Type)> OptionsClasses() =>
        typeof(FetchOptions).Assembly.GetExportedTypes()
            .Select(t => (Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static), Type: t))
            .Where(t => t.Field is { IsLiteral: true } && ((string)t.Field.GetRawConstantValue()!).StartsWith("Tally:", StringComparison.Ordinal))
            .Select(t => ((string)t.Field!.GetRawConstantValue()!, t.Type));

    /// <summary>The settings of one options class; a list (per-origin overrides) is set item by item, so it is not one setting.</summary>
    internal static IEnumerable<string> Settings() =>
        OptionsClasses().SelectMany(options => Scalars(options.Type).Select(p => Setting(options.Section, p)));

    /// <summary>Each setting's default as configuration would write it, from a new instance of the options class.</summary>
    internal static IEnumerable<(string Setting, string Value)> Defaults() => OptionsClasses().SelectMany(options => Defaults(options.Section, options.Type));

    private static IEnumerable<(string Setting, string Value)> Defaults(string section, Type options)
    {
        var instance = Activator.CreateInstance(options);
        return Scalars(options).Select(p => (Setting(section, p), p.GetValue(instance) switch
        {
            null => "",
            TimeSpan span => span.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            IFormattable value => value.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            var value => value.ToString()!,
        }));
    }

    private static IEnumerable<PropertyInfo> Scalars(Type options) =>
        options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && (p.PropertyType == typeof(string) || !typeof(System.Collections.IEnumerable).IsAssignableFrom(p.PropertyType)));

    private static string Setting(string section, PropertyInfo property) => $"{section.Replace(":", "__")}__{property.Name}";
}
