using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MemOS.Deploy.Tests;

/// <summary>Every <c>MemOS__Section__Name</c> setting in the ConfigMap and the compose file names a property of a
/// MemOS options class (one with a <c>SectionName</c> constant), binds without an unknown key, and passes that
/// options class's validator; a typo would otherwise be ignored silently.</summary>
public sealed class DeploySettingsTests
{
    public static TheoryData<string> Sources => new() { "k8s/configmap.yaml", "compose/compose.yaml" };

    [Theory]
    [MemberData(nameof(Sources))]
    public void Settings_MemOSKeys_BindToRealOptionsAndValidate(string source)
    {
        var settings = Settings(source);
        Assert.NotEmpty(settings);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), (string?)s.Value)))
            .Build();
        var optionsTypes = OptionsTypes();

        foreach (var section in settings.Keys.Select(k => string.Join(':', k.Split("__").Take(2))).Distinct(StringComparer.Ordinal))
        {
            Assert.True(optionsTypes.TryGetValue(section, out var type), $"{source}: no options class binds {section} (known: {string.Join(", ", optionsTypes.Keys)})");
            var bound = configuration.GetSection(section).Get(type, o => o.ErrorOnUnknownConfiguration = true);
            Assert.NotNull(bound);
            foreach (var failure in Validate(type, bound))
            {
                Assert.Fail($"{source}: {section}: {failure}");
            }
        }
    }

    private static Dictionary<string, string> Settings(string source)
    {
        var document = Assert.Single(DeployFiles.LoadYaml(DeployFiles.Path(source.Split('/'))));
        var maps = source.StartsWith("k8s/", StringComparison.Ordinal)
            ? [DeployFiles.Map(DeployFiles.Get(document, "data"), "ConfigMap data")]
            : ComposeTests.Silos(ComposeTests.ComposeServices()).Values.Select(s => DeployFiles.Map(DeployFiles.Get(s, "environment"), "silo environment")).ToList();
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in maps.SelectMany(m => m))
        {
            if (((string)pair.Key).StartsWith("MemOS__", StringComparison.Ordinal))
            {
                settings[(string)pair.Key] = (string)pair.Value;
            }
        }

        return settings;
    }

    private static Dictionary<string, Type> OptionsTypes()
    {
        var types = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var type in MemOSAssemblies().SelectMany(a => a.GetExportedTypes()))
        {
            if (type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field
                && field.GetRawConstantValue() is string section && section.StartsWith("MemOS:", StringComparison.Ordinal))
            {
                types[section] = type;
            }
        }

        return types;
    }

    private static IEnumerable<string> Validate(Type optionsType, object options)
    {
        var validator = typeof(IValidateOptions<>).MakeGenericType(optionsType);
        foreach (var type in MemOSAssemblies().SelectMany(a => a.GetTypes()))
        {
            if (validator.IsAssignableFrom(type) && !type.IsAbstract && type.GetConstructor(Type.EmptyTypes) is not null)
            {
                var result = (ValidateOptionsResult)validator.GetMethod(nameof(IValidateOptions<>.Validate))!
                    .Invoke(Activator.CreateInstance(type), [Options.DefaultName, options])!;
                foreach (var failure in result.Failures ?? [])
                {
                    yield return failure;
                }
            }
        }
    }

    private static IEnumerable<Assembly> MemOSAssemblies()
        => Directory.GetFiles(AppContext.BaseDirectory, "MemOS.*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(name => !name!.EndsWith(".Tests", StringComparison.Ordinal) && name != "MemOS.Testing")
            .Select(name => Assembly.Load(new AssemblyName(name!)));
}
