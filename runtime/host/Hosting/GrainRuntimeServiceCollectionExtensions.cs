using System.Diagnostics.Metrics;
using System.Reflection;
using MemOS.Runtime.Cluster;
using MemOS.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MemOS.Runtime.Hosting;

/// <summary>Registers the grain runtime, grain classes and grain storage in an <see cref="IServiceCollection"/>.</summary>
public static class GrainRuntimeServiceCollectionExtensions
{
    /// <summary>Adds the grain runtime: <see cref="GrainRuntime"/> (also registered as <see cref="IGrainFactory"/>
    /// and as a hosted service), <see cref="IGrainStateQuery"/> (needs a storage provider),
    /// <see cref="GrainRuntimeOptions"/> (validated on start) and <see cref="TimeProvider.System"/> unless a
    /// <see cref="TimeProvider"/> is already registered. Calling it again only applies <paramref name="configure"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts the options; the defaults are documented on <see cref="GrainRuntimeOptions"/>.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddMemOSGrainRuntime(this IServiceCollection services, Action<GrainRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<GrainRuntimeOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrainRuntimeOptions>, GrainRuntimeOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static provider => new GrainRuntime(
            provider,
            provider.GetRequiredService<IOptions<GrainRuntimeOptions>>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILoggerFactory>(),
            provider.GetServices<GrainRegistration>(),
            provider.GetService<IGrainStorage>(),
            provider.GetService<IMeterFactory>(),
            provider.GetService<IClusterMembership>(),
            provider.GetService<IClusterTransport>()));
        services.TryAddSingleton<IGrainFactory>(static provider => provider.GetRequiredService<GrainRuntime>());
        services.TryAddSingleton<IGrainStateQuery>(static provider => provider.GetRequiredService<GrainRuntime>().StateQuery);
        services.AddHostedService(static provider => provider.GetRequiredService<GrainRuntime>());
        return services;
    }

    /// <summary>Registers <typeparamref name="TGrain"/> as the implementation of <typeparamref name="TGrainInterface"/>.
    /// Registering the same pair twice is harmless; two different classes for one interface make
    /// <see cref="IGrainFactory.GetGrain{TGrainInterface}"/> fail for that interface.</summary>
    /// <typeparam name="TGrainInterface">The grain interface.</typeparam>
    /// <typeparam name="TGrain">The grain class.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="TGrainInterface"/> is not an interface extending
    /// <see cref="IGrainWithStringKey"/>, or <typeparamref name="TGrain"/> is abstract or generic.</exception>
    public static IServiceCollection AddGrain<TGrainInterface, TGrain>(this IServiceCollection services)
        where TGrainInterface : IGrainWithStringKey
        where TGrain : Grain, TGrainInterface
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!IsGrainInterface(typeof(TGrainInterface)))
        {
            throw new ArgumentException(
                $"{typeof(TGrainInterface).Name} is not a grain interface (an interface extending IGrainWithStringKey).", nameof(TGrainInterface));
        }

        if (typeof(TGrain).IsAbstract || typeof(TGrain).ContainsGenericParameters)
        {
            throw new ArgumentException($"{typeof(TGrain).Name} must be a non-abstract, non-generic grain class.", nameof(TGrain));
        }

        Register(services, typeof(TGrainInterface), typeof(TGrain));
        return services;
    }

    /// <summary>Registers every non-abstract, non-generic <see cref="Grain"/> subclass in
    /// <paramref name="assembly"/> against each grain interface it implements (every interface extending
    /// <see cref="IGrainWithStringKey"/>, including inherited ones).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="assembly">The assembly to scan.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="assembly"/> is null.</exception>
    public static IServiceCollection AddGrainsFromAssembly(this IServiceCollection services, Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(assembly);
        foreach (var type in assembly.GetTypes())
        {
            if (!type.IsClass || type.IsAbstract || type.ContainsGenericParameters || !type.IsSubclassOf(typeof(Grain)))
            {
                continue;
            }

            foreach (var grainInterface in type.GetInterfaces().Where(IsGrainInterface))
            {
                Register(services, grainInterface, type);
            }
        }

        return services;
    }

    /// <summary>Makes <see cref="SqliteGrainStorage"/> the grain storage, replacing any other provider.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string, e.g.
    /// <c>Data Source=/var/lib/memos/grains.db</c>.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is null, empty or blank.</exception>
    public static IServiceCollection UseSqliteGrainStorage(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return services.UseSqliteGrainStorage(options => options.ConnectionString = connectionString);
    }

    /// <summary>Makes <see cref="SqliteGrainStorage"/> the grain storage, replacing any other provider, with its
    /// settings from <paramref name="configure"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets <see cref="SqliteGrainStorageOptions.ConnectionString"/> (required) and optionally
    /// <see cref="SqliteGrainStorageOptions.BusyTimeout"/>.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is null.</exception>
    public static IServiceCollection UseSqliteGrainStorage(this IServiceCollection services, Action<SqliteGrainStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SqliteGrainStorageOptions>().Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.RemoveAll<IGrainStorage>();
        services.AddSingleton<IGrainStorage>(static provider => new SqliteGrainStorage(
            provider.GetRequiredService<IOptions<SqliteGrainStorageOptions>>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILoggerFactory>()?.CreateLogger<SqliteGrainStorage>()));
        return services;
    }

    /// <summary>Makes <see cref="PostgresGrainStorage"/> the grain storage, replacing any other provider.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connectionString">An Npgsql connection string, e.g.
    /// <c>Host=db;Port=5432;Database=memos;Username=memos;Password=...</c>; the database must exist.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is null, empty or blank.</exception>
    public static IServiceCollection UsePostgresGrainStorage(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return services.UsePostgresGrainStorage(options => options.ConnectionString = connectionString);
    }

    /// <summary>Makes <see cref="PostgresGrainStorage"/> the grain storage, replacing any other provider, with its
    /// settings from <paramref name="configure"/>. The grain runtime applies the schema migrations when it starts.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets <see cref="PostgresGrainStorageOptions.ConnectionString"/> (required) and optionally
    /// <see cref="PostgresGrainStorageOptions.MigrationTimeout"/>.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is null.</exception>
    public static IServiceCollection UsePostgresGrainStorage(this IServiceCollection services, Action<PostgresGrainStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<PostgresGrainStorageOptions>().Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.RemoveAll<IGrainStorage>();
        services.AddSingleton<IGrainStorage>(static provider => new PostgresGrainStorage(
            provider.GetRequiredService<IOptions<PostgresGrainStorageOptions>>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILoggerFactory>()?.CreateLogger<PostgresGrainStorage>()));
        return services;
    }

    /// <summary>Makes <see cref="InMemoryGrainStorage"/> the grain storage (nothing survives the process), replacing
    /// any other provider. Meant for tests.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection UseInMemoryGrainStorage(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.RemoveAll<IGrainStorage>();
        services.AddSingleton<IGrainStorage, InMemoryGrainStorage>();
        return services;
    }

    /// <summary>Makes the silo a cluster of one (<see cref="LocalClusterMembership"/>), replacing any other clustering:
    /// every grain is activated here and nothing is forwarded. The embedded (SQLite) silo uses it.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection UseLocalhostClustering(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.RemoveAll<IClusterMembership>();
        services.RemoveAll<IClusterTransport>();
        services.AddSingleton<IClusterMembership>(static provider => new LocalClusterMembership(provider.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>Makes the silo a member of the cluster whose membership lives in a PostgreSQL database
    /// (<see cref="PostgresClusterMembership"/>), replacing any other clustering, with calls forwarded between silos over
    /// HTTP (<see cref="HttpClusterTransport"/>, unless an <see cref="IClusterTransport"/> is registered already).
    /// <see cref="ClusterOptions"/> are validated on start; the silo joins when the host calls
    /// <see cref="IClusterMembership.JoinAsync"/> (the MemOS silo does once it listens).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connectionString">The Npgsql connection string of the cluster's database (usually the grain
    /// storage's).</param>
    /// <param name="configure">Adjusts the options; the defaults are documented on <see cref="ClusterOptions"/>.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is null, empty or blank.</exception>
    public static IServiceCollection UsePostgresClustering(
        this IServiceCollection services, string connectionString, Action<ClusterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = services.AddOptions<ClusterOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ClusterSecret>();
        services.TryAddSingleton<IClusterTransport>(static provider => new HttpClusterTransport(
            provider.GetRequiredService<IOptions<ClusterOptions>>(),
            provider.GetRequiredService<ClusterSecret>(),
            () => provider.GetRequiredService<IClusterMembership>().LocalSiloId));
        services.RemoveAll<IClusterMembership>();
        services.AddSingleton<IClusterMembership>(provider => new PostgresClusterMembership(
            connectionString,
            provider.GetRequiredService<IOptions<ClusterOptions>>(),
            provider.GetRequiredService<IClusterTransport>(),
            provider.GetRequiredService<ClusterSecret>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILoggerFactory>()?.CreateLogger<PostgresClusterMembership>()));
        return services;
    }

    private static bool IsGrainInterface(Type type)
        => type.IsInterface && type != typeof(IGrainWithStringKey) && typeof(IGrainWithStringKey).IsAssignableFrom(type);

    private static void Register(IServiceCollection services, Type grainInterface, Type grainClass)
    {
        var registration = new GrainRegistration(grainInterface, grainClass);
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(GrainRegistration) && Equals(descriptor.ImplementationInstance, registration)))
        {
            services.AddSingleton(registration);
        }
    }
}
